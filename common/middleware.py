"""Response headers that Django 5.2 does not set itself, request guards, the request log."""

import json
import logging
import os
import time

from django.conf import settings

request_logger = logging.getLogger("epms.request")


class SecurityHeadersMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        response.headers.setdefault("Content-Security-Policy", settings.CONTENT_SECURITY_POLICY)
        response.headers.setdefault(
            "Permissions-Policy", "camera=(), microphone=(), geolocation=(), payment=()"
        )
        return response


class ThaiFirstLocaleMiddleware:
    """Thai unless the user chose English with the switch (cookie set by set_language).

    Django's LocaleMiddleware would follow the browser's Accept-Language, which shows an
    English page to every Thai officer whose Windows is in English.
    """

    def __init__(self, get_response):
        self.get_response = get_response
        self.available = {code for code, _name in settings.LANGUAGES}

    def __call__(self, request):
        from django.utils import translation

        chosen = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME)
        language = chosen if chosen in self.available else settings.LANGUAGE_CODE
        translation.activate(language)
        request.LANGUAGE_CODE = language
        response = self.get_response(request)
        response.headers.setdefault("Content-Language", language)
        from django.utils.cache import patch_vary_headers

        patch_vary_headers(response, ("Cookie",))
        return response


class RequestGuardMiddleware:
    """Refuses, with the site's Thai page, what no page of ours sends: a body larger than any
    upload may be (before a byte of it is read or spooled), and NUL in a query string or a
    form field (PostgreSQL cannot store it; every view would otherwise need to check)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        from django.shortcuts import render
        from django.utils.translation import gettext as _

        from common.inputs import has_nul

        try:
            length = int(request.META.get("CONTENT_LENGTH") or 0)
        except ValueError:
            length = 0
        limit = settings.REQUEST_BODY_MAX_BYTES
        if length > limit:
            # The body is not read (the server closes or drains the connection itself; a WSGI
            # application may not set hop-by-hop headers such as Connection).
            return render(
                request,
                "errors/refused.html",
                {
                    "title": _("ไฟล์หรือข้อมูลที่ส่งมีขนาดใหญ่เกินไป"),
                    "text": _("ส่งได้ไม่เกิน %(mb)s MB ต่อครั้ง กรุณาลดขนาดไฟล์แล้วลองอีกครั้ง")
                    % {"mb": limit // (1024 * 1024)},
                },
                status=413,
            )
        values = [*request.GET.keys(), *(v for vs in request.GET.lists() for v in vs[1])]
        if request.method == "POST" and request.content_type in (
            "application/x-www-form-urlencoded",
            "multipart/form-data",
        ):
            values += [*request.POST.keys(), *(v for vs in request.POST.lists() for v in vs[1])]
        if any(has_nul(v) for v in values):
            return render(
                request,
                "errors/refused.html",
                {
                    "title": _("ข้อมูลที่ส่งมาไม่ถูกต้อง"),
                    "text": _("ข้อความมีอักขระที่ไม่อนุญาต กรุณาตรวจสอบข้อความแล้วลองอีกครั้ง"),
                },
                status=400,
            )
        return self.get_response(request)


class PrivateCacheMiddleware:
    """Every page for a signed-in user shows someone's data (a score, a name, a salary): no
    shared cache or browser history keeps it. Static files are served before this runs."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            response["Cache-Control"] = "private, no-store"
        return response


class RequestLogMiddleware:
    """One line per request for the log collector of a cluster of app servers: method, path
    (never the query string, which may hold a searched name), status, the signed-in user's id
    (or -), the duration in ms and the server's process. `REQUEST_LOG_FORMAT=json` writes the
    same fields as one JSON object. Load balancer probes of /health/ are logged only when they
    fail. It reads the user only after the response, which the pages have already loaded."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        started = time.perf_counter()
        response = self.get_response(request)
        status = response.status_code
        if request.path == "/health/" and status == 200:
            return response
        user = getattr(request, "user", None)
        user_id = user.pk if user is not None and user.is_authenticated else None
        fields = {
            "method": request.method,
            "path": request.path,
            "status": status,
            "user": user_id,
            "ms": round((time.perf_counter() - started) * 1000, 1),
            "pid": os.getpid(),
        }
        if settings.REQUEST_LOG_FORMAT == "json":
            line = json.dumps(fields, ensure_ascii=False, separators=(",", ":"))
        else:
            line = " ".join(
                f"{key}={'-' if value is None else _logfmt(value)}" for key, value in fields.items()
            )
        request_logger.info(line)
        return response


def _logfmt(value) -> str:
    text = str(value)
    if not text or any(c in text for c in ' "=\\') or not text.isprintable():
        return json.dumps(text, ensure_ascii=False)
    return text
