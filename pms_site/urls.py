"""Root URLs. Every view behind them checks who may see it (tests/test_url_access.py)."""

from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path
from django.views.i18n import set_language

from appraisal.views import home

urlpatterns = [
    path("", home, name="home"),
    path(
        "accounts/login/",
        auth_views.LoginView.as_view(redirect_authenticated_user=True),
        name="login",
    ),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("i18n/setlang/", set_language, name="set_language"),
    path("org/", include("orgchart.urls")),
    path("kpi/", include("kpi.urls")),
    path("appraisal/", include("appraisal.urls")),
    path("reports/", include("reports.urls")),
    path("admin/", admin.site.urls),
]
