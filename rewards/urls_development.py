"""Rewards URLs: development (what to develop, DOMAIN §7)."""

from django.urls import path

from rewards import views_development

urlpatterns = [
    path("rounds/<int:pk>/development/", views_development.development, name="development"),
    path(
        "rounds/<int:pk>/development.xlsx",
        views_development.development_xlsx,
        name="development_xlsx",
    ),
]
