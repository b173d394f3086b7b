"""Rewards URLs: salary raises (HR of the whole department and administrators)."""

from django.urls import path

from rewards import views_raises

urlpatterns: list = [
    path("rounds/<int:pk>/raises/", views_raises.raises, name="raises"),
    path("rounds/<int:pk>/raises/tables/", views_raises.raise_tables, name="raise_tables"),
    path("raises/<int:pk>/", views_raises.raise_sheet, name="raise_sheet"),
]
