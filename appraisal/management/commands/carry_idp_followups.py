"""`manage.py carry_idp_followups --round 2570-2 [--department CODE]`: carry each person's IDP
rows of the previous round into their form of an already-open round (rounds opened before
follow-ups existed; opening a round carries them by itself). Safe to run again: a row already
carried is skipped, so it also picks up forms of the previous round informed since."""

from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from appraisal.models import AppraisalRound, Phase, RoundEvent
from appraisal.services.followups import idp_followups_carry
from common import thai
from common.models import audit


class Command(BaseCommand):
    help = (
        "Carry the previous round's IDP rows into the forms of an open round (e.g. 2570-2) in "
        "every department, or in one with --department. Rounds in setup or closed are skipped."
    )

    def add_arguments(self, parser):
        parser.add_argument("--round", required=True, help="fiscal year B.E. and number: 2570-2")
        parser.add_argument("--department", help="code of the department (org chart root)")

    def handle(self, *args, round, department, **options):
        try:
            year, number = thai.parse_round_code(round)
        except ValueError as exc:
            raise CommandError(str(exc)) from exc
        rounds = AppraisalRound.objects.filter(fiscal_year=year, number=number).select_related(
            "department"
        )
        if department:
            rounds = rounds.filter(department__code=department)
        rounds = list(rounds.order_by("department__code"))
        if not rounds:
            raise CommandError(f"no round {round}" + (f" in {department}" if department else ""))
        for rnd in rounds:
            if rnd.phase in (Phase.SETUP, Phase.CLOSED):
                self.stdout.write(f"{rnd.department.code} {rnd.code}: skipped ({rnd.phase})")
                continue
            with transaction.atomic():
                n = idp_followups_carry(rnd=rnd)
                if n:
                    audit(
                        actor=None,
                        kind=RoundEvent.UPDATE,
                        obj=rnd,
                        summary=f"{rnd.code}: {n}",
                        changes={"idp_followups": n},
                        reason="carry_idp_followups",
                        actor_name="manage.py carry_idp_followups",
                    )
            self.stdout.write(f"{rnd.department.code} {rnd.code}: {n} rows carried")
