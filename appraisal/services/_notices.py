"""What each step of a form tells whom (issue 14), written by the services in their own
transaction through notices.services.notify (the e-mail follows after the commit).

Nothing about a score before the person may see it (DOMAIN §5): the appraisee hears of the
evaluator's result only once informed, of the final result only on release, and no notice
names a total, a band or a level, whoever it goes to. Private to appraisal.services.
"""

from __future__ import annotations

from collections.abc import Iterable

from django.urls import reverse
from django.utils.translation import gettext as _

from appraisal.models import AppraisalForm, State
from notices.models import NoticeKind
from notices.services import NoticeInput, notify


def _url(name: str, form: AppraisalForm) -> str:
    return reverse(f"appraisal:{name}", kwargs={"pk": form.pk})


def _round(form: AppraisalForm) -> str:
    return form.round.code


def submitted(form: AppraisalForm) -> None:
    """The appraisee submitted the agreement: the evaluator is to approve or return it."""
    name = form.person.full_name
    notify(
        notices=[
            NoticeInput(
                person=form.evaluator,
                kind=NoticeKind.SUBMITTED,
                title=_("ข้อตกลงการปฏิบัติราชการของ %(name)s รออนุมัติ") % {"name": name},
                # The name stays in the title only, where the page keeps it from breaking.
                body=_("ผู้รับการประเมินส่งข้อตกลงการปฏิบัติราชการ รอบ %(r)s ให้ท่านพิจารณาอนุมัติหรือส่งกลับให้แก้ไข")
                % {"r": _round(form)},
                url=_url("agreement_review", form),
            )
        ]
    )


def returned(form: AppraisalForm, comment: str) -> None:
    notify(
        notices=[
            NoticeInput(
                person=form.person,
                kind=NoticeKind.RETURNED,
                title=_("ข้อตกลงการปฏิบัติราชการถูกส่งกลับให้แก้ไข"),
                body=_("ผู้ประเมินส่งข้อตกลงการปฏิบัติราชการ รอบ %(r)s กลับให้แก้ไข: %(c)s")
                % {"r": _round(form), "c": comment},
                url=_url("agreement", form),
            )
        ]
    )


def approved(form: AppraisalForm) -> None:
    notify(
        notices=[
            NoticeInput(
                person=form.person,
                kind=NoticeKind.APPROVED,
                title=_("ข้อตกลงการปฏิบัติราชการได้รับอนุมัติแล้ว"),
                body=_("ผู้ประเมินอนุมัติข้อตกลงการปฏิบัติราชการ รอบ %(r)s ของท่านแล้ว") % {"r": _round(form)},
                url=_url("form", form),
            )
        ]
    )


def informed(form: AppraisalForm, *, refused: bool = False) -> None:
    """The evaluator informed the appraisee (or recorded their refusal to sign): from now on
    they may see the evaluator's result, so the notice may say that it exists, never what it
    is."""
    if refused:
        body = _("ผู้ประเมินบันทึกว่าได้แจ้งผลการประเมิน รอบ %(r)s แก่ท่านแล้ว ท่านดูผลการประเมินได้ในระบบ")
    else:
        body = _("ผู้ประเมินแจ้งผลการประเมิน รอบ %(r)s แก่ท่านแล้ว กรุณาตรวจดูและลงนามรับทราบในระบบ")
    notify(
        notices=[
            NoticeInput(
                person=form.person,
                kind=NoticeKind.INFORMED,
                title=_("ผู้ประเมินแจ้งผลการประเมินแล้ว"),
                body=body % {"r": _round(form)},
                url=_url("form", form),
            )
        ]
    )


def waiting_review(form: AppraisalForm) -> None:
    """The form now waits for the higher supervisor (or the level above): tell them."""
    if form.state == State.ACKNOWLEDGED:
        who = form.higher
    elif form.state == State.HIGHER_REVIEWED:
        who = form.higher2
    else:
        return
    name = form.person.full_name
    notify(
        notices=[
            NoticeInput(
                person=who,
                kind=NoticeKind.REVIEW_WAITING,
                title=_("ผลการประเมินของ %(name)s รอความเห็นของท่าน") % {"name": name},
                body=_(
                    "ผู้ประเมินแจ้งผลการประเมิน รอบ %(r)s แก่ผู้รับการประเมินแล้ว รอความเห็นของท่านในฐานะผู้บังคับบัญชาเหนือขึ้นไป"
                )
                % {"r": _round(form)},
                url=_url("review", form),
            )
        ]
    )


def released(forms: Iterable[AppraisalForm]) -> None:
    notify(
        notices=[
            NoticeInput(
                person=form.person,
                kind=NoticeKind.RELEASED,
                title=_("ประกาศผลการประเมินแล้ว"),
                body=_("ผลการประเมินการปฏิบัติราชการ รอบ %(r)s ของท่านประกาศแล้ว ดูผลได้ในระบบ")
                % {"r": _round(form)},
                url=_url("form", form),
            )
            for form in forms
        ]
    )
