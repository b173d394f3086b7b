"""Rewards URLs: results over time (a person's rounds, a unit's bands across rounds)."""

from django.urls import path

from rewards import views_trends

urlpatterns = [
    path("trends/people/<int:pk>/", views_trends.person_trend, name="person_trend"),
    path("trends/rounds/<int:pk>/units/", views_trends.unit_trend, name="unit_trend"),
]
