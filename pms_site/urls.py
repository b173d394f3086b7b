"""Root URLs. Every view behind them checks who may see it (tests/test_url_access.py)."""

from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path
from django.views.i18n import set_language

from appraisal.views import home
from common.views_help import manual_page
from pms_site import views as site_views

urlpatterns = [
    path("", home, name="home"),
    path("accounts/login/", site_views.LoginView.as_view(), name="login"),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
    path(
        "accounts/password-reset/",
        site_views.PasswordResetView.as_view(),
        name="password_reset",
    ),
    path(
        "accounts/password-reset/sent/",
        auth_views.PasswordResetDoneView.as_view(),
        name="password_reset_done",
    ),
    path(
        "accounts/reset/<uidb64>/<token>/",
        auth_views.PasswordResetConfirmView.as_view(),
        name="password_reset_confirm",
    ),
    path(
        "accounts/reset/done/",
        auth_views.PasswordResetCompleteView.as_view(),
        name="password_reset_complete",
    ),
    path("health/", site_views.health, name="health"),
    path("i18n/setlang/", set_language, name="set_language"),
    path("help/", manual_page, name="manual"),
    path("help/<slug:slug>/", manual_page, name="manual_page"),
    path("org/", include("orgchart.urls")),
    path("kpi/", include("kpi.urls")),
    path("appraisal/", include("appraisal.urls")),
    path("reports/", include("reports.urls")),
    path("rewards/", include("rewards.urls")),
    path("notices/", include("notices.urls")),
    path("admin/", admin.site.urls),
]
