"""A notice to one user, and whether they want notices by e-mail too."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from common.models import ChoiceLabels, register_kinds


class NoticeKind(models.TextChoices):
    SUBMITTED = "submitted", _("ข้อตกลงรออนุมัติ")
    RETURNED = "returned", _("ข้อตกลงถูกส่งกลับให้แก้ไข")
    APPROVED = "approved", _("ข้อตกลงได้รับอนุมัติ")
    INFORMED = "informed", _("แจ้งผลการประเมิน")
    REVIEW_WAITING = "review_waiting", _("รอความเห็นผู้บังคับบัญชาเหนือขึ้นไป")
    RELEASED = "released", _("ประกาศผลการประเมิน")


@register_kinds
class NoticeEvent(models.TextChoices):
    """What the audit trail records of notices (common.models.audit)."""

    PREFERENCE = "notice.preference", _("เปลี่ยนการรับการแจ้งเตือนทางอีเมล")


class Notice(ChoiceLabels, models.Model):
    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notices"
    )
    kind = models.CharField(_("เรื่อง"), max_length=32, choices=NoticeKind.choices)
    title = models.CharField(_("หัวเรื่อง"), max_length=255)
    body = models.TextField(_("รายละเอียด"), blank=True)
    # A path inside the site (the form or page concerned); e-mails make it absolute.
    url = models.CharField(_("ลิงก์"), max_length=500)
    created_at = models.DateTimeField(_("เวลา"), default=timezone.now)
    read_at = models.DateTimeField(_("อ่านเมื่อ"), null=True, blank=True)
    emailed_at = models.DateTimeField(_("ส่งอีเมลเมื่อ"), null=True, blank=True)

    class Meta:
        verbose_name = _("การแจ้งเตือน")
        verbose_name_plural = _("การแจ้งเตือน")
        ordering = ["-created_at", "-pk"]
        indexes = [
            models.Index(fields=["recipient", "-created_at"]),
            models.Index(
                fields=["recipient"],
                condition=models.Q(read_at__isnull=True),
                name="notice_unread_idx",
            ),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def is_read(self) -> bool:
        return self.read_at is not None


class NoticePreference(models.Model):
    """Absent means the default: e-mails on. In-app notices cannot be turned off."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notice_preference"
    )
    email_enabled = models.BooleanField(_("รับการแจ้งเตือนทางอีเมล"), default=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("การตั้งค่าการแจ้งเตือน")
        verbose_name_plural = _("การตั้งค่าการแจ้งเตือน")

    def __str__(self) -> str:
        return f"{self.user} {self.email_enabled}"
