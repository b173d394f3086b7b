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
    if not isinstance(kind, enum.Enum) or kind.value not in _KINDS:
        raise TypeError(f"audit kind must be a registered enum member, not {kind!r}")
    if not actor_name and actor is not None:
        actor_name = (
            getattr(actor, "get_full_name", lambda: "")() or getattr(actor, "username", "") or ""
        )
    return AuditEvent.objects.create(
        actor=actor if getattr(actor, "pk", None) else None,
        actor_name=actor_name[:320],
        kind=kind.value,
        object_type=object_type or (obj._meta.label_lower if obj is not None else ""),
        object_id=str(obj.pk) if obj is not None and obj.pk is not None else "",
        summary=summary[:500],
        changes=changes or {},
        reason=reason or "",
    )
