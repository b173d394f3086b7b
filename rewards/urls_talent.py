"""Rewards URLs: talent (the 9-box grid and the team alignment A–D of a round)."""

from django.urls import path

from rewards import views_talent

urlpatterns: list = [
    path("rounds/<int:pk>/talent/", views_talent.talent, name="talent"),
    path("rounds/<int:pk>/alignment/", views_talent.alignment, name="alignment"),
]
