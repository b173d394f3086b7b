"""Rewards URLs: trends."""

urlpatterns: list = []
