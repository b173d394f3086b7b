"""Rewards URLs (the rewards namespace): each part of the work owns its own list."""

from rewards import urls_development, urls_raises, urls_talent, urls_trends

app_name = "rewards"

urlpatterns = [
    *urls_raises.urlpatterns,
    *urls_talent.urlpatterns,
    *urls_development.urlpatterns,
    *urls_trends.urlpatterns,
]
