"""Org import pages: upload, preview with every error, confirm, result. Thin: the importer
checks, the import service writes.

The uploaded file waits for the confirmation in the private storage (imports/) under a random
token kept only in the user's session; the client never names a path.
"""

from __future__ import annotations

import re
import secrets
import time
from pathlib import Path

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.files.storage import storages
from django.http import HttpResponse, HttpResponseNotAllowed
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from common.permissions import require
from orgchart import importer
from orgchart.forms import OrgImportForm
from orgchart.import_service import ImportRejected, org_import

SESSION_KEY = "orgchart_import"
RESULT_KEY = "orgchart_import_result"
PREVIEW_LINES = 500
ERRORS_SHOWN = 1000
STALE_AFTER_SECONDS = 24 * 3600
_TOKEN = re.compile(r"[A-Za-z0-9_-]{32,64}")


UPLOAD_DIR = "imports"


def _storage():
    """The private storage every app server shares: the confirmation may reach another server
    than the upload did."""
    return storages["default"]


def _name_for(token: str) -> str | None:
    if not _TOKEN.fullmatch(token or ""):
        return None
    return f"{UPLOAD_DIR}/{token}.upload"


def _purge_stale() -> None:
    """Uploads nobody confirmed or cancelled are removed after a day."""
    cutoff = time.time() - STALE_AFTER_SECONDS
    store = _storage()
    try:
        _dirs, files = store.listdir(UPLOAD_DIR)
    except FileNotFoundError:
        return
    for file in files:
        name = f"{UPLOAD_DIR}/{file}"
        try:
            if file.endswith(".upload") and store.get_modified_time(name).timestamp() < cutoff:
                store.delete(name)
        except OSError:
            pass


def _forget(request) -> None:
    pending = request.session.pop(SESSION_KEY, None)
    name = _name_for(pending.get("token", "")) if pending else None
    if name is not None:
        _storage().delete(name)


def _pending(request) -> tuple[dict, bytes] | None:
    """The upload waiting in this session, if it is this user's and still stored."""
    pending = request.session.get(SESSION_KEY)
    if not pending or pending.get("user") != request.user.pk:
        return None
    name = _name_for(pending.get("token", ""))
    if name is None:
        return None
    try:
        with _storage().open(name, "rb") as handle:
            return pending, handle.read()
    except FileNotFoundError:
        return None


def _plan(request, pending: dict, data: bytes) -> importer.ImportPlan:
    return importer.plan_import(
        data, filename=pending["filename"], scheme=pending["scheme"] or None, user=request.user
    )


def _preview(
    request, pending: dict, plan: importer.ImportPlan, *, errors=None, notice: str = "", status=200
):
    errors = plan.sorted_errors() if errors is None else errors
    lines = plan.change_lines() if not errors else []
    return render(
        request,
        "orgchart/import_preview.html",
        {
            "pending": pending,
            "plan": plan,
            "counts": plan.counts(),
            "errors": errors[:ERRORS_SHOWN],
            "errors_hidden": max(len(errors) - ERRORS_SHOWN, 0),
            "error_count": len(errors),
            "warnings": plan.warnings,
            "lines": lines[:PREVIEW_LINES],
            "lines_hidden": max(len(lines) - PREVIEW_LINES, 0),
            "has_changes": bool(lines),
            "notice": notice,
        },
        status=status,
    )


XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@login_required
@require_GET
def import_template(request):
    """The import file of the user's own scope (units, positions, people they administer):
    it imports with no error and no change for them, and is the start of their next file."""
    require(request.user, "orgchart.import_org")
    from orgchart.importer.template import template_workbook

    response = HttpResponse(template_workbook(request.user), content_type=XLSX)
    response["Content-Disposition"] = 'attachment; filename="org-import-template.xlsx"'
    return response


@login_required
def import_upload(request):
    require(request.user, "orgchart.import_org")
    if request.method == "POST":
        form = OrgImportForm(request.POST, request.FILES)
        if form.is_valid():
            _forget(request)
            _purge_stale()
            token = secrets.token_urlsafe(32)
            upload = form.cleaned_data["file"]
            # A random name nobody else has; the storage never overwrites one.
            _storage().save(_name_for(token), upload)
            request.session[SESSION_KEY] = {
                "token": token,
                "filename": Path(upload.name).name[:200],
                "scheme": form.cleaned_data["scheme"],
                "user": request.user.pk,
            }
            return redirect("orgchart:import_preview")
    else:
        form = OrgImportForm()
    return render(
        request,
        "orgchart/import_upload.html",
        {"form": form, "columns": importer.COLUMNS, "pending": request.session.get(SESSION_KEY)},
    )


@login_required
def import_preview(request):
    require(request.user, "orgchart.import_org")
    found = _pending(request)
    if found is None:
        messages.info(request, _("ยังไม่มีไฟล์ที่รอนำเข้า กรุณาอัปโหลดไฟล์"))
        return redirect("orgchart:import")
    pending, data = found
    return _preview(request, pending, _plan(request, pending, data))


@login_required
def import_confirm(request):
    require(request.user, "orgchart.import_org")
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    found = _pending(request)
    if found is None or request.POST.get("token") != found[0]["token"]:
        messages.error(request, _("ไม่พบไฟล์ที่ตรวจสอบไว้ (อาจยืนยันไปแล้วหรือหมดอายุ) กรุณาอัปโหลดใหม่"))
        return redirect("orgchart:import")
    pending, data = found
    plan = _plan(request, pending, data)
    if not plan.ok:
        return _preview(request, pending, plan)
    if plan.signature != request.POST.get("signature"):
        notice = _("ข้อมูลในระบบเปลี่ยนไปหลังจากที่ท่านตรวจสอบ กรุณาตรวจสอบรายการด้านล่างอีกครั้งแล้วยืนยัน")
        return _preview(request, pending, plan, notice=notice)
    try:
        done = org_import(plan=plan, actor=request.user)
    except ImportRejected as exc:
        return _preview(request, pending, plan, errors=exc.errors, notice=exc.message)
    _forget(request)
    request.session[RESULT_KEY] = {
        "filename": pending["filename"],
        "rows": done.row_count,
        "counts": done.counts(),
    }
    messages.success(request, _("นำเข้าข้อมูลเรียบร้อย: %(summary)s") % {"summary": done.summary()})
    return redirect("orgchart:import_result")


@login_required
def import_cancel(request):
    require(request.user, "orgchart.import_org")
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    _forget(request)
    messages.info(request, _("ยกเลิกการนำเข้าแล้ว ไม่มีข้อมูลใดถูกบันทึก"))
    return redirect("orgchart:import")


@login_required
def import_result(request):
    require(request.user, "orgchart.import_org")
    result = request.session.pop(RESULT_KEY, None)
    if result is None:
        return redirect("orgchart:import")
    return render(request, "orgchart/import_result.html", {"result": result})
