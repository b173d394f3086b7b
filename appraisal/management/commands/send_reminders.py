"""`manage.py send_reminders --round 2570-1 [--department CODE] [--user NAME]`: e-mail everyone
whose agreement is not yet approved (and evaluators with agreements waiting), for the rounds
in the agreement or monitoring phase. Meant for a daily cron job."""

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from appraisal.models import AppraisalRound, Phase
from appraisal.services.reminders import reminders_send
from common import thai
from common.errors import DomainError
from common.permissions import can

PHASES = (Phase.AGREEMENT, Phase.MONITORING)


class Command(BaseCommand):
    help = (
        "Send agreement reminders for one round code (e.g. 2570-1) in every department, or in "
        "one with --department. Rounds outside the agreement and monitoring phases are skipped."
    )

    def add_arguments(self, parser):
        parser.add_argument("--round", required=True, help="fiscal year B.E. and number: 2570-1")
        parser.add_argument("--department", help="code of the department (org chart root)")
        parser.add_argument(
            "--user",
            help="account the reminders are sent as (audit trail); default: the first "
            "active administrator",
        )

    def handle(self, *args, round, department, user, **options):
        try:
            year, number = thai.parse_round_code(round)
        except ValueError as exc:
            raise CommandError(str(exc)) from exc
        actor = self._actor(user)
        rounds = AppraisalRound.objects.filter(fiscal_year=year, number=number).select_related(
            "department"
        )
        if department:
            rounds = rounds.filter(department__code=department)
        rounds = list(rounds.order_by("department__code"))
        if not rounds:
            raise CommandError(
                f"ไม่พบรอบการประเมิน {round}" + (f" ของ {department}" if department else "")
            )
        total = 0
        for rnd in rounds:
            label = f"{rnd.department.code} {rnd.department.name} {rnd.code}"
            if rnd.phase not in PHASES:
                self.stdout.write(f"{label}: ข้าม (ขั้นตอน {rnd.get_phase_display()}) / skipped")
                continue
            if not can(actor, "appraisal.view_round", rnd):
                self.stdout.write(f"{label}: ข้าม ({actor} ไม่มีสิทธิ์) / skipped, not permitted")
                continue
            try:
                sent = reminders_send(actor=actor, rnd=rnd)
            except DomainError as exc:
                self.stdout.write(f"{label}: {exc.message}")
                continue
            total += sent
            self.stdout.write(f"{label}: ส่งอีเมลแจ้งเตือน {sent} ฉบับ / {sent} sent")
        self.stdout.write(f"รวม {total} ฉบับ / {total} reminders sent")

    def _actor(self, username):
        User = get_user_model()
        if username:
            try:
                return User.objects.get(username=username, is_active=True)
            except User.DoesNotExist:
                raise CommandError(f"ไม่พบบัญชีผู้ใช้ {username}") from None
        actor = User.objects.filter(is_superuser=True, is_active=True).order_by("pk").first()
        if actor is None:
            raise CommandError("ไม่มีผู้ดูแลระบบ: ระบุ --user เป็นเจ้าหน้าที่บริหารงานบุคคล")
        return actor
