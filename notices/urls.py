"""Notices URLs: the user's own list, opening and marking notices, the e-mail preference."""

from django.urls import path

from notices import views

app_name = "notices"

urlpatterns = [
    path("", views.notice_list, name="list"),
    path("<int:pk>/open/", views.notice_open, name="open"),
    path("<int:pk>/read/", views.notice_read, name="read"),
    path("read-all/", views.notice_read_all, name="read_all"),
    path("preferences/", views.notice_preferences, name="preferences"),
]
