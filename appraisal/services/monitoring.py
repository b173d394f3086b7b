"""Monitoring during the round (DOMAIN §4): check-ins with progress per KPI, the work and
behaviour journal with evidence files, and the evaluator's coaching notes.
"""

from __future__ import annotations

import datetime as dt
import os
from collections.abc import Sequence
from dataclasses import dataclass

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from appraisal.models import (
    AppraisalForm,
    CheckIn,
    CheckInProgress,
    CoachingNote,
    FormEvent,
    JournalEntry,
    JournalKind,
)
from appraisal.services._forms import lock_form, record_event, refuse_nul
from common.errors import DomainError
from common.permissions import require
from orgchart.selectors import roles_of

EVIDENCE_MAX_BYTES = getattr(settings, "EVIDENCE_MAX_BYTES", 10 * 1024 * 1024)
# Evidence types: by extension and by the file's first bytes, never by the browser's word.
EVIDENCE_TYPES = {
    ".pdf": ("application/pdf", [b"%PDF-"]),
    ".png": ("image/png", [b"\x89PNG\r\n\x1a\n"]),
    ".jpg": ("image/jpeg", [b"\xff\xd8\xff"]),
    ".jpeg": ("image/jpeg", [b"\xff\xd8\xff"]),
    ".docx": (
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        [b"PK\x03\x04"],
    ),
    ".xlsx": ("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", [b"PK\x03\x04"]),
}


@dataclass
class ProgressInput:
    item_id: int
    result: str = ""
    milestone: int | None = None
    comment: str = ""


@transaction.atomic
def checkin_record(
    *, actor, form: AppraisalForm, on: dt.date, comment: str, progress: Sequence[ProgressInput]
) -> CheckIn:
    form = lock_form(form, None)
    require(actor, "appraisal.record_checkin", form)
    if on is None:
        raise DomainError(_("กรุณาระบุวันที่"), field="on")
    if on > timezone.localdate():
        raise DomainError(_("วันที่ต้องไม่เป็นวันในอนาคต"), field="on")
    refuse_nul(comment, *[t for p in progress for t in (p.result, p.comment)], field="comment")
    items = {r.pk: r for r in form.kpis.all()}
    if not items:
        raise DomainError(_("ยังไม่มีตัวชี้วัดในข้อตกลง"), field="progress")
    rows = [
        p
        for p in progress
        if (p.result or "").strip() or p.milestone is not None or (p.comment or "").strip()
    ]
    if not rows and not (comment or "").strip():
        raise DomainError(_("กรุณากรอกความก้าวหน้าอย่างน้อย 1 ตัวชี้วัด หรือสรุปความก้าวหน้า"), field="comment")
    seen = set()
    for p in rows:
        if p.item_id not in items:
            raise DomainError(_("ตัวชี้วัดไม่อยู่ในแบบประเมินนี้"), field="progress")
        if p.item_id in seen:
            raise DomainError(_("ตัวชี้วัดเดียวกันมีความก้าวหน้าซ้ำกันในการบันทึกครั้งเดียว"), field="progress")
        seen.add(p.item_id)
        if p.milestone is not None and not 0 <= int(p.milestone) <= 5:
            raise DomainError(_("ระดับที่บรรลุต้องอยู่ระหว่าง 0–5"), field=f"milestone-{p.item_id}")
    me = roles_of(actor).person
    checkin = CheckIn.objects.create(form=form, on=on, author=me, comment=(comment or "").strip())
    CheckInProgress.objects.bulk_create(
        CheckInProgress(
            checkin=checkin,
            item_id=p.item_id,
            result=(p.result or "").strip()[:500],
            milestone=p.milestone,
            comment=(p.comment or "").strip()[:500],
        )
        for p in rows
    )
    record_event(form, actor, FormEvent.CHECKIN, "", (comment or "").strip())
    return checkin


def evidence_check(upload) -> tuple[str, str]:
    """(extension, content type) of an acceptable evidence file; DomainError in Thai if not."""
    name = os.path.basename(getattr(upload, "name", "") or "")
    ext = os.path.splitext(name)[1].lower()
    if ext not in EVIDENCE_TYPES:
        raise DomainError(_("ไฟล์หลักฐานต้องเป็น PDF, PNG, JPG, DOCX หรือ XLSX"), field="evidence")
    if upload.size > EVIDENCE_MAX_BYTES:
        raise DomainError(
            _("ไฟล์หลักฐานต้องมีขนาดไม่เกิน %(mb)s MB") % {"mb": EVIDENCE_MAX_BYTES // (1024 * 1024)},
            field="evidence",
        )
    if upload.size == 0:
        raise DomainError(_("ไฟล์หลักฐานว่างเปล่า"), field="evidence")
    content_type, magics = EVIDENCE_TYPES[ext]
    upload.seek(0)
    head = upload.read(16)
    upload.seek(0)
    if not any(head.startswith(m) for m in magics):
        raise DomainError(_("เนื้อไฟล์ไม่ตรงกับชนิดไฟล์ %(ext)s") % {"ext": ext}, field="evidence")
    return ext, content_type


def journal_add(
    *, actor, form: AppraisalForm, kind: str, on: dt.date, description: str, upload=None
) -> JournalEntry:
    """A work or behaviour event, with an evidence file checked by type, content and size.

    The file is stored under a random name before the row is written; if the row cannot be
    written the file is removed again, so nothing is left half-saved."""
    stored = None
    storage = JournalEntry._meta.get_field("evidence").storage
    try:
        with transaction.atomic():
            form = lock_form(form, None)
            require(actor, "appraisal.add_journal", form)
            if kind not in JournalKind.values:
                raise DomainError(_("กรุณาเลือกประเภทเหตุการณ์"), field="kind")
            if on is None:
                raise DomainError(_("กรุณาระบุวันที่"), field="on")
            if on > timezone.localdate():
                raise DomainError(_("วันที่ต้องไม่เป็นวันในอนาคต"), field="on")
            description = (description or "").strip()
            refuse_nul(description, field="description")
            if not description:
                raise DomainError(_("กรุณาบรรยายเหตุการณ์"), field="description")
            me = roles_of(actor).person
            entry = JournalEntry(form=form, kind=kind, on=on, description=description, author=me)
            if upload is not None:
                _ext, content_type = evidence_check(upload)
                entry.evidence_name = os.path.basename(upload.name)[:255]
                entry.evidence_type = content_type
                entry.evidence_size = upload.size
                entry.evidence.save("evidence", upload, save=False)
                stored = entry.evidence.name
            entry.save()
            record_event(form, actor, FormEvent.JOURNAL, "", description[:200])
            return entry
    except BaseException:
        if stored:
            storage.delete(stored)
        raise


@transaction.atomic
def coaching_add(*, actor, form: AppraisalForm, on: dt.date, note: str) -> CoachingNote:
    form = lock_form(form, None)
    require(actor, "appraisal.add_coaching", form)
    note = (note or "").strip()
    refuse_nul(note, field="note")
    if not note:
        raise DomainError(_("กรุณากรอกบันทึกการให้คำปรึกษา"), field="note")
    if on is None:
        raise DomainError(_("กรุณาระบุวันที่"), field="on")
    if on > timezone.localdate():
        raise DomainError(_("วันที่ต้องไม่เป็นวันในอนาคต"), field="on")
    me = roles_of(actor).person
    entry = CoachingNote.objects.create(form=form, on=on, author=me, note=note)
    record_event(form, actor, FormEvent.COACHING, "", "")
    return entry
