"""Rewards URLs: raises."""

urlpatterns: list = []
