"""Rewards URLs: development."""

urlpatterns: list = []
