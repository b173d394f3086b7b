"""`manage.py import_org FILE`: the org import from the command line, same checks as the page."""

from __future__ import annotations

from pathlib import Path

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from common.permissions import can
from orgchart import importer
from orgchart.import_service import ImportRejected, org_import


class Command(BaseCommand):
    help = (
        "นำเข้าหน่วยงาน ตำแหน่ง และบุคลากรจากไฟล์ .xlsx หรือ .csv (UTF-8) ตามรูปแบบใน docs/import.md; "
        "ทุกแถวหรือไม่มีเลย"
    )

    def add_arguments(self, parser):
        parser.add_argument("file", help="ไฟล์ .xlsx หรือ .csv")
        parser.add_argument("--dry-run", action="store_true", help="ตรวจสอบและสรุปผลเท่านั้น ไม่บันทึก")
        parser.add_argument(
            "--scheme",
            choices=["ocsc", "dpis"],
            default=None,
            help="ระบบรหัสระดับของคอลัมน์รหัสระดับ (ocsc: S=บริหาร M=อำนวยการ; dpis: M=บริหาร D=อำนวยการ)",
        )
        parser.add_argument(
            "--user",
            default=None,
            help="นำเข้าในขอบเขตงานบุคคลของผู้ใช้นี้ (ไม่ระบุ = ระบบ ไม่จำกัดขอบเขต)",
        )

    def handle(self, *args, file, dry_run, scheme, user, **options):
        path = Path(file)
        if not path.is_file():
            raise CommandError(f"ไม่พบไฟล์ {file}")
        if path.stat().st_size > settings.IMPORT_MAX_BYTES:
            # Read no further than needed: the parser reports the size in Thai.
            data = path.open("rb").read(settings.IMPORT_MAX_BYTES + 1)
        else:
            data = path.read_bytes()
        actor = None
        if user:
            actor = (
                get_user_model().objects.filter(**{get_user_model().USERNAME_FIELD: user}).first()
            )
            if actor is None:
                raise CommandError(f"ไม่พบผู้ใช้ {user}")
            if not can(actor, "orgchart.import_org"):
                raise CommandError(f"ผู้ใช้ {user} ไม่มีสิทธิ์นำเข้าข้อมูลโครงสร้าง")
        plan = importer.plan_import(data, filename=path.name, scheme=scheme, user=actor)
        for warning in plan.warnings:
            self.stderr.write(f"คำเตือน: {warning}")
        if not plan.ok:
            raise CommandError(_errors_text(plan.errors))
        self.stdout.write(f"{path.name}: {plan.row_count} แถว")
        if dry_run:
            self.stdout.write(f"ตรวจสอบแล้ว ไม่บันทึก (--dry-run): {plan.summary()}")
            return
        try:
            done = org_import(plan=plan, actor=actor)
        except ImportRejected as exc:
            raise CommandError(_errors_text(exc.errors) if exc.errors else exc.message) from None
        self.stdout.write(self.style.SUCCESS(f"นำเข้าเรียบร้อย: {done.summary()}"))


def _errors_text(errors) -> str:
    lines = [f"พบข้อผิดพลาด {len(errors)} รายการ ไม่มีข้อมูลใดถูกบันทึก:"]
    lines += [f"  {e}" for e in sorted(errors, key=lambda e: (e.row or 0, e.column, e.message))]
    return "\n".join(lines)
