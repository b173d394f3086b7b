"""Rewards URLs: talent."""

urlpatterns: list = []
