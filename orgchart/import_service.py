"""The write of the org import: apply a checked plan, every row or none, with one audit row."""

from __future__ import annotations

from django.db import transaction
from django.utils.translation import gettext as _

from common.errors import DomainError
from common.models import audit
from common.permissions import can
from orgchart import importer
from orgchart.importer import CREATE, UPDATE, ImportPlan, RowError
from orgchart.importer.apply import PlanWriter
from orgchart.models import OrgEvent
from orgchart.services import own_chain_kept, tree_lock

AUDIT_LIST_LIMIT = 1000


class ImportRejected(DomainError):
    """The plan cannot be applied; `errors` are the row errors to show."""

    def __init__(self, message: str, errors: list[RowError] | None = None):
        super().__init__(message, code="import_rejected")
        self.errors = list(errors or [])


@transaction.atomic
def org_import(*, plan: ImportPlan, actor=None) -> ImportPlan:
    """Write what `plan` says. `by` None is the system; otherwise the plan is re-checked in `by`'s
    HR scope. Returns the plan that was applied (re-read under the lock)."""
    if actor is not None and not can(actor, "orgchart.import_org"):
        raise ImportRejected(_("ท่านไม่มีสิทธิ์นำเข้าข้อมูลโครงสร้างและบุคลากร"))
    if plan.table is None or plan.errors:
        raise ImportRejected(
            _("ไฟล์มีข้อผิดพลาด %(n)s รายการ ยังนำเข้าไม่ได้") % {"n": len(plan.errors)}, plan.errors
        )
    with tree_lock():
        # The preview was worked out before the lock; re-read the database now, so what we write
        # is what the user confirmed and nobody else's change slipped in between.
        fresh = importer.build_plan(
            plan.table, scheme=plan.scheme, user=actor, filename=plan.filename
        )
        if fresh.errors:
            raise ImportRejected(
                _("ไฟล์มีข้อผิดพลาด %(n)s รายการ ยังนำเข้าไม่ได้") % {"n": len(fresh.errors)},
                fresh.errors,
            )
        if fresh.signature != plan.signature:
            raise ImportRejected(_("ข้อมูลในระบบเปลี่ยนไปหลังจากตรวจสอบไฟล์ กรุณาตรวจสอบไฟล์อีกครั้งก่อนยืนยัน"))
        try:
            with own_chain_kept(actor):
                PlanWriter(fresh).apply()
        except DomainError as exc:
            if isinstance(exc, ImportRejected):
                raise
            raise ImportRejected(exc.message) from None
        audit(
            actor=actor,
            kind=OrgEvent.IMPORT,
            object_type="orgchart.import",
            summary=f"{plan.filename}: {fresh.summary()}",
            changes=_audit_changes(fresh),
        )
    return fresh


def _audit_changes(plan: ImportPlan) -> dict:
    def codes(actions, key, op):
        return [key(a) for a in actions if a.op == op][:AUDIT_LIST_LIMIT]

    return {
        "file": plan.filename,
        "rows": plan.row_count,
        "scheme": plan.scheme,
        "counts": plan.counts(),
        "signature": plan.signature,
        "units_created": codes(plan.units, lambda a: a.code, CREATE),
        "units_updated": codes(plan.units, lambda a: a.code, UPDATE),
        "positions_created": codes(plan.positions, lambda a: list(a.key), CREATE),
        "positions_updated": codes(plan.positions, lambda a: list(a.key), UPDATE),
        "people_created": codes(plan.people, lambda a: a.staff_code, CREATE),
        "people_updated": codes(plan.people, lambda a: a.staff_code, UPDATE),
        "users_created": [u.username for u in plan.users][:AUDIT_LIST_LIMIT],
    }
