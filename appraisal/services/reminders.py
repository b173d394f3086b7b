"""Reminders (DOMAIN §2): e-mail to everyone whose agreement is overdue and to the evaluators
with agreements waiting for them."""

from __future__ import annotations

from collections.abc import Iterable

from django.core.mail import send_mass_mail
from django.urls import reverse
from django.utils.translation import gettext as _

from appraisal.models import AppraisalRound, Phase, RoundEvent, State
from appraisal.selectors import overdue_agreements, round_scope
from appraisal.services._busy import refuse_if_busy
from common.errors import DomainError
from common.models import audit
from common.permissions import require
from common.thai import format_date_long
from notices.services import absolute_url
from orgchart.models import OrgUnit, Person


def reminders_send(*, actor, rnd: AppraisalRound, units: Iterable[OrgUnit] | None = None) -> int:
    """E-mail everyone whose agreement is overdue (and evaluators with agreements waiting).
    Returns the number of messages sent."""
    refuse_if_busy(rnd)
    messages = reminder_messages(actor=actor, rnd=rnd, units=units)
    sent = send_mass_mail(messages, fail_silently=False) if messages else 0
    audit(actor=actor, kind=RoundEvent.REMIND, obj=rnd, summary=f"{rnd.code}: {sent}")
    return sent


def reminder_messages(
    *, actor, rnd: AppraisalRound, units: Iterable[OrgUnit] | None = None
) -> list[tuple]:
    """The reminders as send_mass_mail takes them (subject, body, sender, recipients), after
    the checks: the round is open and the actor reads it."""
    require(actor, "appraisal.view_round", rnd)
    if rnd.phase in (Phase.SETUP, Phase.CLOSED):
        raise DomainError(_("ส่งการแจ้งเตือนได้เฉพาะรอบที่เปิดอยู่"))
    if units is None:
        units = round_scope(user=actor, rnd=rnd)
    messages = []
    waiting: dict[int, list[str]] = {}
    evaluators: dict[int, Person] = {}
    deadline = rnd.agreement_deadline
    when = format_date_long(deadline) if deadline else ""
    for f in overdue_agreements(rnd=rnd, units=units):
        if f.state == State.SUBMITTED:
            if f.evaluator and f.evaluator.email:
                waiting.setdefault(f.evaluator_id, []).append(f.person.full_name)
                evaluators[f.evaluator_id] = f.evaluator
            continue
        if f.person.email:
            body = _(
                "เรียน %(name)s\n\nข้อตกลงการปฏิบัติราชการของท่าน รอบ %(round)s ยังไม่ได้ส่งให้ผู้ประเมินอนุมัติ"
            ) % {"name": f.person.full_name, "round": rnd.code}
            if when:
                body += _(" (กำหนดส่ง %(d)s)") % {"d": when}
            body += "\n\n" + _("กรุณาเข้าระบบ e-PMS เพื่อจัดทำและส่งข้อตกลง: %(url)s") % {
                "url": absolute_url(reverse("appraisal:agreement", kwargs={"pk": f.pk}))
            }
            messages.append(
                (
                    _("แจ้งเตือน: ข้อตกลงการปฏิบัติราชการ รอบ %(r)s") % {"r": rnd.code},
                    body,
                    None,
                    [f.person.email],
                )
            )
    for eid, names in waiting.items():
        e = evaluators[eid]
        body = _("เรียน %(name)s\n\nมีข้อตกลงการปฏิบัติราชการรอการอนุมัติจากท่าน %(n)s ราย:\n") % {
            "name": e.full_name,
            "n": len(names),
        }
        body += "\n".join(f"- {n}" for n in names)
        body += "\n\n" + _("พิจารณาข้อตกลงได้ที่หน้าทีมของฉัน: %(url)s") % {
            "url": absolute_url(reverse("appraisal:team") + f"?round={rnd.pk}&state=submitted")
        }
        messages.append(
            (_("แจ้งเตือน: ข้อตกลงรอการอนุมัติ รอบ %(r)s") % {"r": rnd.code}, body, None, [e.email])
        )
    return messages
