"""Sign-in pages: the office's name on the login page, and password reset by e-mail."""

from __future__ import annotations

import logging
import time

from django.conf import settings
from django.contrib.auth import forms as auth_forms
from django.contrib.auth import get_user_model
from django.contrib.auth import views as auth_views
from django.core.cache import caches
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.files.storage import storages
from django.db import connection
from django.http import JsonResponse
from django.utils.translation import gettext_lazy as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe

from orgchart.models import OrgUnit

logger = logging.getLogger(__name__)


def office_name() -> str:
    """OFFICE_NAME from the environment; else the one department this installation serves, or
    the ministry its departments share; else nothing (one department's name is not shown to
    the staff of another on the page everyone sees before signing in)."""
    if settings.OFFICE_NAME:
        return settings.OFFICE_NAME
    roots = list(
        OrgUnit.objects.filter(parent__isnull=True, is_active=True)
        .select_related("ministry")
        .only("name", "ministry__name")[:50]
    )
    if len(roots) == 1:
        return roots[0].name
    ministries = {r.ministry.name if r.ministry_id else "" for r in roots}
    if len(ministries) == 1 and "" not in ministries:
        return ministries.pop()
    return ""


class LoginForm(auth_forms.AuthenticationForm):
    """With directory login, a password the directory accepted for someone the system has no
    account for gets its own message: the person must be imported into the org chart first."""

    error_messages = {
        **auth_forms.AuthenticationForm.error_messages,
        "not_in_org": _(
            "รหัสผ่านของไดเรกทอรีถูกต้อง แต่ยังไม่มีบัญชีของท่านในผังองค์กรของระบบ "
            "โปรดติดต่อฝ่ายบุคคลให้นำเข้ารายชื่อของท่านก่อน"
        ),
        "ambiguous": _("อีเมลในไดเรกทอรีของท่านตรงกับหลายบัญชีในระบบ โปรดติดต่อผู้ดูแลระบบ"),
    }

    def get_invalid_login_error(self):
        refusal = getattr(self.request, "directory_refusal", "")
        if refusal in ("not_in_org", "ambiguous"):
            return ValidationError(self.error_messages[refusal], code=refusal)
        return super().get_invalid_login_error()


class LoginView(auth_views.LoginView):
    redirect_authenticated_user = True
    form_class = LoginForm

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            office=office_name(),
            directory_login=settings.DIRECTORY_LOGIN,
            # With the directory, a local password is for administrators only (unless
            # LDAP_LOCAL_LOGIN=all): a reset link would offer the others a dead end.
            offer_password_reset=not settings.DIRECTORY_LOGIN
            or getattr(settings, "DIRECTORY_LOCAL_LOGIN", "") == "all",
            **kwargs,
        )


class PasswordResetForm(auth_forms.PasswordResetForm):
    """Also an account that has never had a password (made by the org import): its owner
    sets the first one from the link sent to the address on record."""

    def get_users(self, email):
        User = get_user_model()
        email_field = User.get_email_field_name()
        return (
            u
            for u in User._default_manager.filter(
                **{f"{email_field}__iexact": email, "is_active": True}
            )
            if getattr(u, email_field)
        )


class PasswordResetView(auth_views.PasswordResetView):
    form_class = PasswordResetForm
    email_template_name = "registration/password_reset_email.txt"
    subject_template_name = "registration/password_reset_subject.txt"


# --- the load balancer's probe ------------------------------------------------------------------

HEALTH_FILE = ".health"


def _check_database() -> None:
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
        cursor.fetchone()


def _check_cache() -> None:
    cache = caches["default"]
    token = str(time.monotonic_ns())
    cache.set("health:probe", token, 30)
    if cache.get("health:probe") != token:
        raise RuntimeError("the value written was not read back")


def _check_storage() -> None:
    storage = storages["default"]
    # A stat (or an object store's HEAD) per probe; the small file is written once.
    if not storage.exists(HEALTH_FILE):
        storage.save(HEALTH_FILE, ContentFile(b"ok\n"))


HEALTH_CHECKS = {"database": _check_database, "cache": _check_cache, "storage": _check_storage}


@never_cache
@require_safe
def health(request):
    """For load balancers: 200 when this server reaches the database, the shared cache and the
    shared storage, else 503 naming what failed (the kind of error only, never a host, a
    password or anyone's data). No sign-in, no session, three cheap round trips."""
    checks = {}
    for name, check in HEALTH_CHECKS.items():
        try:
            check()
        except Exception as exc:  # any failure of a dependency is a 503, never a 500
            logger.warning("health check %s failed: %s", name, type(exc).__name__)
            checks[name] = f"fail: {type(exc).__name__}"
        else:
            checks[name] = "ok"
    healthy = all(v == "ok" for v in checks.values())
    return JsonResponse(
        {"status": "ok" if healthy else "fail", "checks": checks}, status=200 if healthy else 503
    )
