"""The user's notices: the list (newest first, paginated), opening one (marks it read and goes
to the page it is about), marking read, and the e-mail preference. Thin: the user's own
notices only (404 for anybody else's), every write through notices.services."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from notices import selectors, services

PER_PAGE = 20


@login_required
@require_GET
def notice_list(request):
    page = Paginator(selectors.notices_for(user=request.user), PER_PAGE).get_page(
        request.GET.get("page")
    )
    return render(
        request,
        "notices/list.html",
        {
            "page": page,
            "email_enabled": selectors.email_enabled(user=request.user),
        },
    )


def _back(request):
    page = request.POST.get("page", "")
    url = reverse("notices:list")
    return redirect(f"{url}?page={page}" if page.isdigit() else url)


@login_required
@require_POST
def notice_open(request, pk: int):
    """Mark the notice read and go to the form or page it is about."""
    notice = selectors.notice_for(user=request.user, pk=pk)
    services.notice_mark_read(actor=request.user, notice=notice)
    if url_has_allowed_host_and_scheme(notice.url, allowed_hosts=None) and notice.url.startswith(
        "/"
    ):
        return redirect(notice.url)
    return redirect("notices:list")


@login_required
@require_POST
def notice_read(request, pk: int):
    notice = selectors.notice_for(user=request.user, pk=pk)
    services.notice_mark_read(actor=request.user, notice=notice)
    return _back(request)


@login_required
@require_POST
def notice_read_all(request):
    n = services.notice_mark_all_read(actor=request.user)
    if n:
        messages.success(request, _("ทำเครื่องหมายว่าอ่านแล้ว %(n)s รายการ") % {"n": n})
    return _back(request)


@login_required
@require_POST
def notice_preferences(request):
    enabled = request.POST.get("email") == "1"
    services.notice_preference_set(actor=request.user, email_enabled=enabled)
    messages.success(
        request,
        _("เปิดรับการแจ้งเตือนทางอีเมลแล้ว")
        if enabled
        else _("ปิดการแจ้งเตือนทางอีเมลแล้ว การแจ้งเตือนในระบบยังแสดงตามปกติ"),
    )
    return _back(request)
