from django.urls import path

from appraisal import views

app_name = "appraisal"

urlpatterns = []
