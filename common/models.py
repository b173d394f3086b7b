"""The one audit trail: every service of every app writes it in the same transaction as its
change (who, when, what, old and new values, why), and the pages that show "what happened"
(a form's timeline and history, HR's audit view) read it.

Kinds are enum members, never free strings: each app declares its kinds as a `TextChoices`
(`orgchart.models.OrgEvent`, `kpi.models.KpiEvent`, `appraisal.models.RoundEvent` and
`FormEvent`, `reports.models.ReportEvent`) and registers it here, so a label can be shown for
any kind and a typo is an AttributeError, not a silent new kind.
"""

from __future__ import annotations

import enum

from django.conf import settings
from django.db import models
from django.utils.encoding import force_str
from django.utils.hashable import make_hashable

_KINDS: dict[str, tuple[str, object]] = {}


def register_kinds(choices: type[models.TextChoices]) -> type[models.TextChoices]:
    """Declare an app's audit kinds (use as a class decorator on the TextChoices)."""
    owner = f"{choices.__module__}.{choices.__qualname__}"
    for member in choices:
        if member.value in _KINDS and _KINDS[member.value][0] != owner:
            raise ValueError(f"audit kind {member.value!r} is declared twice")
        _KINDS[member.value] = (owner, member.label)
    return choices


def kind_label(kind: str) -> str:
    """The Thai (translated) label of a stored kind."""
    return str(_KINDS[kind][1]) if kind in _KINDS else kind


# {field: {stored value: its (lazy) label}}, built once per field.
_LABELS: dict = {}


class ChoiceLabels:
    """`get_FOO_display()` from a table of the field's labels built once, for models whose
    choices are fixed (TextChoices): Django's own builds a dict of every choice on each call,
    and hashing each lazy label translates it, so showing one state of a form translated all
    ten (120 µs); a list of 50 forms paid it 50 times. The one label shown is translated as
    before, in the language active now. Put it before `models.Model` in the bases."""

    def _get_FIELD_display(self, field):
        labels = _LABELS.get(field)
        if labels is None:
            choices = field.choices
            if not isinstance(choices, (list, tuple)):  # callable choices may change
                return super()._get_FIELD_display(field)
            labels = _LABELS[field] = {
                make_hashable(value): label for value, label in field.flatchoices
            }
        value = getattr(self, field.attname)
        return force_str(labels.get(make_hashable(value), value), strings_only=True)


class AuditEvent(models.Model):
    at = models.DateTimeField(auto_now_add=True, db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    # The name as it was when they acted (a signature in the timeline outlives a renamed user).
    actor_name = models.CharField(max_length=320, blank=True)
    kind = models.CharField(max_length=64, db_index=True)
    # The record whose history this is: a unit, a person, a KPI, a round, a form.
    object_type = models.CharField(max_length=64)
    object_id = models.CharField(max_length=64, blank=True)
    summary = models.CharField(max_length=500, blank=True)
    # {field: [old, new]}; rows of a form nest as {"kpis": {row name: {field: [old, new]}}}.
    changes = models.JSONField(default=dict, blank=True)
    reason = models.TextField(blank=True)

    class Meta:
        ordering = ["-at", "-id"]
        indexes = [models.Index(fields=["object_type", "object_id"])]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.kind} {self.object_type}:{self.object_id}"

    @property
    def label(self) -> str:
        return kind_label(self.kind)

    @property
    def from_state(self) -> str:
        return (self.changes.get("state") or ["", ""])[0] or ""

    @property
    def to_state(self) -> str:
        return (self.changes.get("state") or ["", ""])[1] or ""


def plain(value):
    """A value as the audit trail's JSON keeps it: objects by pk, primitives as they are, else str."""
    if hasattr(value, "pk"):
        return value.pk
    return value if isinstance(value, str | int | bool | type(None)) else str(value)


def audit(
    *,
    actor,
    kind: enum.Enum,
    obj=None,
    object_type: str = "",
    summary: str = "",
    changes=None,
    reason: str = "",
    actor_name: str = "",
) -> AuditEvent:
    """Record one audit event; call inside the service's transaction."""
    event = _event(actor, kind, obj, object_type, summary, changes, reason, actor_name)
    event.save()
    return event


def audit_many(*, actor, kind: enum.Enum, events: list[dict], actor_name: str = "") -> int:
    """Record one event of `kind` by `actor` per dict of audit()'s other arguments (obj,
    summary, changes, reason), in one insert: a step that moves thousands of records at once
    (a round's release) keeps the same trail as one record at a time."""
    rows = [
        _event(
            actor,
            kind,
            e.get("obj"),
            e.get("object_type", ""),
            e.get("summary", ""),
            e.get("changes"),
            e.get("reason", ""),
            actor_name,
        )
        for e in events
    ]
    AuditEvent.objects.bulk_create(rows, batch_size=2000)
    return len(rows)


def _event(actor, kind, obj, object_type, summary, changes, reason, actor_name) -> AuditEvent:
    if not isinstance(kind, enum.Enum) or kind.value not in _KINDS:
        raise TypeError(f"audit kind must be a registered enum member, not {kind!r}")
    if not actor_name and actor is not None:
        actor_name = (
            getattr(actor, "get_full_name", lambda: "")() or getattr(actor, "username", "") or ""
        )
    return AuditEvent(
        actor=actor if getattr(actor, "pk", None) else None,
        actor_name=actor_name[:320],
        kind=kind.value,
        object_type=object_type or (obj._meta.label_lower if obj is not None else ""),
        object_id=str(obj.pk) if obj is not None and obj.pk is not None else "",
        summary=summary[:500],
        changes=changes or {},
        reason=reason or "",
    )


class DataAccess(models.TextChoices):
    """What of another person's data was read (PDPA: appraisals and salaries are personal)."""

    FORM = "form", "แบบประเมิน (หน้าจอ)"
    FORM_PDF = "form_pdf", "แบบประเมิน (PDF)"
    HISTORY = "history", "ประวัติการแก้ไขแบบประเมิน"
    EVIDENCE = "evidence", "ไฟล์หลักฐาน"
    SALARY = "salary", "เงินเดือน"
    UNIT_REPORT = "unit_report", "รายงานผลการประเมินของหน่วยงาน"
    ROUND_AUDIT = "round_audit", "ประวัติการดำเนินการของรอบ"
    LIST_EXPORT = "list_export", "รายชื่อและผลการประเมิน (ไฟล์ Excel)"


class AccessRecord(ChoiceLabels, models.Model):
    """One view or download of another person's data: who, whose, what, when. Written by the
    views that show it (common.models.record_access), read by administrators in the admin,
    kept for settings.ACCESS_LOG_DAYS days and pruned by `manage.py prune_access_log`."""

    at = models.DateTimeField(auto_now_add=True, db_index=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    user_name = models.CharField("ผู้เข้าถึง", max_length=320, blank=True)
    what = models.CharField("ข้อมูลที่เข้าถึง", max_length=32, choices=DataAccess.choices)
    # Whose data: a person (by id and name as it was), or a unit for a unit report.
    subject_type = models.CharField(max_length=32)
    subject_id = models.CharField(max_length=64)
    subject_name = models.CharField("เจ้าของข้อมูล", max_length=320, blank=True)
    # The record read (a form, a job) and the address, to find it again.
    object_id = models.CharField(max_length=64, blank=True)
    path = models.CharField(max_length=500, blank=True)

    class Meta:
        ordering = ["-at", "-id"]
        verbose_name = "บันทึกการเข้าถึงข้อมูลส่วนบุคคล"
        verbose_name_plural = "บันทึกการเข้าถึงข้อมูลส่วนบุคคล"
        indexes = [models.Index(fields=["subject_type", "subject_id", "at"])]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.user_name} → {self.subject_name} ({self.what})"


def record_access(
    request, *, what: DataAccess, subject_type: str, subject_id, subject_name: str, obj=None
) -> AccessRecord | None:
    """Record that the signed-in user read someone else's data (not their own)."""
    user = request.user
    return AccessRecord.objects.create(
        user=user if user.is_authenticated else None,
        user_name=(user.get_full_name() or user.get_username())[:320]
        if user.is_authenticated
        else "",
        what=what,
        subject_type=subject_type,
        subject_id=str(subject_id),
        subject_name=(subject_name or "")[:320],
        object_id=str(getattr(obj, "pk", "") or ""),
        path=request.get_full_path()[:500],
    )
