"""Delete access records older than settings.ACCESS_LOG_DAYS (or --days)."""

import datetime as dt

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from common.models import AccessRecord


class Command(BaseCommand):
    help = "ลบบันทึกการเข้าถึงข้อมูลส่วนบุคคลที่เก่ากว่าระยะเวลาที่กำหนด (ACCESS_LOG_DAYS)"

    def add_arguments(self, parser):
        parser.add_argument("--days", type=int, default=None)

    def handle(self, *args, days=None, **options):
        days = settings.ACCESS_LOG_DAYS if days is None else days
        if days < 1:
            raise CommandError("--days ต้องเป็นจำนวนเต็มตั้งแต่ 1 ขึ้นไป")
        before = timezone.now() - dt.timedelta(days=days)
        deleted, _ = AccessRecord.objects.filter(at__lt=before).delete()
        self.stdout.write(f"ลบบันทึกการเข้าถึงที่เก่ากว่า {days} วันแล้ว {deleted} รายการ")
