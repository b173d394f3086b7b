"""The kinds of audit events of rounds and forms (common.models.audit)."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from common.models import register_kinds


@register_kinds
class RoundEvent(models.TextChoices):
    """What the audit trail records of a round (common.models.audit)."""

    CREATE = "round.create", _("สร้างรอบการประเมิน")
    UPDATE = "round.update", _("แก้ไขการตั้งค่ารอบการประเมิน")
    COMPETENCY_ADD = "round.competency_add", _("เพิ่มสมรรถนะประจำสายงาน")
    COMPETENCY_REMOVE = "round.competency_remove", _("ลบสมรรถนะประจำสายงาน")
    COMMITTEE_ADD = "round.committee_add", _("แต่งตั้งกรรมการกลั่นกรอง")
    COMMITTEE_REMOVE = "round.committee_remove", _("ถอนกรรมการกลั่นกรอง")
    OPEN = "round.open", _("เปิดรอบการประเมิน")
    PHASE = "round.phase", _("เลื่อนขั้นตอนของรอบการประเมิน")
    RELEASE = "round.release", _("ประกาศผลการประเมิน")
    CLOSE = "round.close", _("ปิดรอบการประเมิน")
    REOPEN = "round.reopen", _("เปิดรอบการประเมินที่ปิดแล้วอีกครั้ง")
    REMIND = "round.remind", _("ส่งการแจ้งเตือน")


@register_kinds
class FormEvent(models.TextChoices):
    """What happens to one form, in the audit trail (common.models.audit). The ones in
    TIMELINE are the form's timeline that its people read; the rest are for its history."""

    START = "form.start", _("เริ่มจัดทำข้อตกลง")
    AGREEMENT_SAVE = "form.agreement_save", _("บันทึกข้อตกลง")
    SUBMIT = "form.submit", _("ส่งข้อตกลงให้ผู้ประเมิน")
    RETURN = "form.return", _("ผู้ประเมินส่งข้อตกลงกลับให้แก้ไข")
    APPROVE = "form.approve", _("ผู้ประเมินอนุมัติข้อตกลง")
    REVISE = "form.revise", _("ขอแก้ไขข้อตกลง")
    CHECKIN = "form.checkin", _("บันทึกความก้าวหน้า")
    JOURNAL = "form.journal", _("บันทึกเหตุการณ์")
    COACHING = "form.coaching", _("บันทึกการให้คำปรึกษา")
    SELF_ASSESS = "form.self_assess", _("ประเมินตนเอง")
    SCORE_SAVE = "form.score_save", _("บันทึกผลการประเมิน")
    SCORE = "form.score", _("ผู้ประเมินยืนยันผลการประเมิน")
    REOPEN_SCORING = "form.reopen_scoring", _("ผู้ประเมินเปิดแก้ไขผลการประเมิน")
    INFORM = "form.inform", _("ผู้ประเมินแจ้งผลการประเมินให้ผู้รับการประเมินทราบ")
    ACKNOWLEDGE = "form.acknowledge", _("ผู้รับการประเมินรับทราบผล")
    REFUSAL = "form.refusal", _("บันทึกการไม่ลงนามรับทราบ (มีพยาน)")
    HIGHER_REVIEW = "form.higher_review", _("ผู้บังคับบัญชาเหนือขึ้นไปให้ความเห็น")
    HIGHER2_REVIEW = "form.higher2_review", _("ผู้บังคับบัญชาเหนือขึ้นไปอีกชั้นหนึ่งให้ความเห็น")
    RELEASE = "form.release", _("ประกาศผลการประเมิน")
    SET_EVALUATOR = "form.set_evaluator", _("เปลี่ยนผู้ประเมิน")
    IDP_FOLLOWUP = "form.idp_followup", _("บันทึกผลการพัฒนาตามแผนพัฒนารอบก่อน")


# The form's timeline: every event but the saves in between, whose figures only its history
# shows (a follow-up's mark is part of the evaluation, shown with the score).
FORM_TIMELINE = tuple(
    k
    for k in FormEvent
    if k not in (FormEvent.AGREEMENT_SAVE, FormEvent.SCORE_SAVE, FormEvent.IDP_FOLLOWUP)
)
# Events whose reason may hold a figure (a reviewer's revised total).
FORM_SCORE_EVENTS = (FormEvent.HIGHER_REVIEW, FormEvent.HIGHER2_REVIEW)
