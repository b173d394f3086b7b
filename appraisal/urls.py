"""Appraisal URLs: staff pages, the evaluator's team pages and HR's round pages."""

from django.urls import include, path

from appraisal.views_history import form_history

app_name = "appraisal"

urlpatterns = [
    path("", include("appraisal.urls_staff")),
    path("team/", include("appraisal.urls_team")),
    path("rounds/", include("appraisal.urls_hr")),
    path("forms/<int:pk>/history/", form_history, name="form_history"),
]
