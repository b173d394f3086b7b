"""Export a round's unit report: PDF or Excel by the output file's extension.

    python manage.py export_round_report --round 2570-1 [--department CODE] [--unit CODE]
        [--with-forms] -o FILE.pdf|FILE.xlsx

The unit defaults to the whole department. --with-forms appends every person's summary form
(from the same per-person cache as the background job). Runs as the operator: no user checks.
"""

from __future__ import annotations

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from appraisal.models import AppraisalRound
from common import thai
from orgchart.models import OrgUnit
from reports import book, cache, documents


class Command(BaseCommand):
    help = "Export the unit report of an appraisal round as PDF or .xlsx (by extension)."

    def add_arguments(self, parser):
        parser.add_argument("--round", required=True, help="fiscal year and round, e.g. 2570-1")
        parser.add_argument("--department", help="code of the department (tree root)")
        parser.add_argument("--unit", help="code of the unit (default: the whole department)")
        parser.add_argument(
            "--with-forms", action="store_true", help="append every person's summary form (PDF)"
        )
        parser.add_argument("-o", "--output", required=True, help="FILE.pdf or FILE.xlsx")

    def handle(self, *args, **opts):
        try:
            year, number = thai.parse_round_code(opts["round"])
        except ValueError as exc:
            raise CommandError(str(exc)) from None
        out = Path(opts["output"])
        kind = out.suffix.lower()
        if kind not in (".pdf", ".xlsx"):
            raise CommandError("ไฟล์ผลลัพธ์ต้องลงท้ายด้วย .pdf หรือ .xlsx")
        if kind == ".xlsx" and opts["with_forms"]:
            raise CommandError("--with-forms ใช้ได้กับไฟล์ .pdf เท่านั้น")

        unit = None
        if opts["unit"]:
            unit = OrgUnit.objects.filter(code=opts["unit"]).first()
            if unit is None:
                raise CommandError(f"ไม่พบหน่วยงานรหัส {opts['unit']}")
        department = None
        if opts["department"]:
            department = OrgUnit.objects.filter(code=opts["department"], parent=None).first()
            if department is None:
                raise CommandError(f"ไม่พบส่วนราชการรหัส {opts['department']}")
        if unit is not None:
            root = unit.get_root()
            if department is not None and department.pk != root.pk:
                raise CommandError(f"หน่วยงาน {unit.code} ไม่อยู่ใน {department.code}")
            department = root

        rounds = AppraisalRound.objects.select_related("department").filter(
            fiscal_year=year, number=number
        )
        if department is not None:
            rounds = rounds.filter(department=department)
        found = list(rounds[:2])
        if not found:
            raise CommandError(f"ไม่พบรอบการประเมิน {opts['round']}")
        if len(found) > 1:
            raise CommandError(f"มีรอบ {opts['round']} หลายส่วนราชการ: ระบุ --department หรือ --unit")
        rnd = found[0]
        unit = unit or rnd.department

        if kind == ".xlsx":
            cache.write_atomic(out, documents.unit_report_xlsx(rnd, unit))
        elif opts["with_forms"]:
            stats = book.build_unit_book(rnd, unit, out)
            self.stdout.write(
                f"{stats.people} คน: สร้างใหม่ {stats.rendered}, ใช้จากแคช {stats.reused}, "
                f"{stats.pages} หน้า"
            )
        else:
            cache.write_atomic(out, documents.unit_report_pdf(rnd, unit))
        self.stdout.write(
            self.style.SUCCESS(f"{out} ({rnd.department.code} {rnd.code} {unit.code})")
        )
