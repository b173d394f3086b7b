"""`manage.py rebuild_form_counts [--round 2570-2] [--department CODE] [--check]`: recount the
per-unit form counts (UnitFormCount) of the rounds from their forms. The form writes keep the
counts up to date by themselves; this repairs them after a change made outside the services
(a restore, a manual fix in the database) and is safe to run again at any time: each round is
replaced by a recount in one transaction, with its forms locked meanwhile. --check only
compares and reports the rounds whose counts differ."""

from django.core.management.base import BaseCommand, CommandError

from appraisal import counts
from appraisal.models import AppraisalRound
from common import thai


class Command(BaseCommand):
    help = (
        "Recount the per-unit form counts of every round (or of one, e.g. 2570-2, optionally in "
        "one department) from the forms; with --check, report the rounds that differ."
    )

    def add_arguments(self, parser):
        parser.add_argument("--round", help="fiscal year B.E. and number: 2570-2")
        parser.add_argument("--department", help="code of the department (org chart root)")
        parser.add_argument("--check", action="store_true", help="compare only, change nothing")

    def handle(self, *args, round=None, department=None, check=False, **options):
        rounds = AppraisalRound.objects.select_related("department")
        if round:
            try:
                year, number = thai.parse_round_code(round)
            except ValueError as exc:
                raise CommandError(str(exc)) from exc
            rounds = rounds.filter(fiscal_year=year, number=number)
        if department:
            rounds = rounds.filter(department__code=department)
        rounds = list(rounds.order_by("department__code", "fiscal_year", "number"))
        if not rounds and (round or department):
            raise CommandError("no such round")
        differ = 0
        for rnd in rounds:
            name = f"{rnd.department.code} {rnd.code}"
            if check:
                same = counts.stored(rnd) == counts.expected(rnd)
                differ += not same
                self.stdout.write(f"{name}: {'ok' if same else 'DIFFERS'}")
            else:
                rows = counts.rebuild(rnd)
                self.stdout.write(f"{name}: {rows} rows")
        if check and differ:
            raise CommandError(f"{differ} round(s) differ: run without --check to rebuild")
