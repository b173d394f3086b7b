"""`manage.py seed_demo`: load the deterministic demo organisation, its KPIs, the earlier
appraisal round closed with released results, and the current round in the phase today's date
calls for, with forms in states that fit it and the work each demo role has that day
(development only).

It lives in the demo app, which may import every other app: it seeds every layer (org chart,
KPIs, rounds).
"""

import time

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from appraisal.models import State
from common.bulk import refresh_statistics
from demo import accounts
from demo.earlier import seed_earlier_rounds, seed_stragglers
from demo.kpis import seed_kpis
from demo.org import seed_demo
from demo.plan import DEFAULT_SEED, DEFAULT_STAFF, MIN_STAFF, DemoError
from demo.round import demo_tasks, seed_rounds
from kpi.selectors import current_fiscal_year
from notices.models import Notice
from notices.services import emails_held
from orgchart.models import OrgUnit, Person


class Command(BaseCommand):
    help = (
        "Fill an empty org chart with a realistic demo ministry (กระทรวงสาธารณสุข), one user per "
        "person and the demo accounts, all with the password 'demo', its KPIs, the "
        "earlier appraisal round with released results (left in its review phase for a few late "
        "people while the current round is in its agreement or monitoring phase), and the current "
        "round in the phase today's date calls for, its forms in states that fit it. Same --seed, "
        "same data."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--staff",
            type=int,
            default=DEFAULT_STAFF,
            help=f"number of people (default {DEFAULT_STAFF}, at least {MIN_STAFF})",
        )
        parser.add_argument("--seed", type=int, default=DEFAULT_SEED, help="random seed")
        parser.add_argument(
            "--no-round",
            action="store_true",
            help="stop after the org chart and KPIs: no appraisal round (faster, for tests of "
            "the org chart and for benchmarks)",
        )
        parser.add_argument(
            "--if-empty",
            action="store_true",
            help="do nothing when the org chart already has units (used by `make run`)",
        )

    def handle(self, *args, staff, seed, if_empty, no_round, **options):
        # Every account it creates has the password "demo": never on a production database.
        if not (settings.DEBUG or getattr(settings, "TESTING", False)):
            raise CommandError(
                "seed_demo creates accounts with the password 'demo'; run it with DEBUG=1."
            )
        start = time.perf_counter()
        if if_empty and OrgUnit.objects.exists():
            self.stdout.write(
                f"The org chart already has {OrgUnit.objects.count():,} units and "
                f"{Person.objects.count():,} people: nothing seeded."
            )
        else:
            try:
                result = seed_demo(staff=staff, seed=seed)
            except DemoError as exc:
                raise CommandError(str(exc)) from exc
            org_seconds = time.perf_counter() - start
            year = current_fiscal_year()
            with transaction.atomic():
                kpis = seed_kpis(fiscal_year=year, seed=seed)
            # The rounds' queries read the org chart and the KPIs just written.
            refresh_statistics()
            kpi_seconds = time.perf_counter() - start - org_seconds
            summary = "no appraisal round (--no-round)."
            if not no_round:
                # The earlier round first: the current one carries its IDP rows when it opens.
                # The demo's people have no mailbox: their notices show in the site only. The
                # earlier round's are history (all dated today) and would crowd the lists.
                with emails_held():
                    with transaction.atomic():
                        earlier = seed_earlier_rounds(seed=seed)
                        Notice.objects.all().delete()
                    refresh_statistics()  # the opening reads the earlier round's forms
                    with transaction.atomic():
                        rounds = seed_rounds(seed=seed)
                    # The earlier round's late people, after the current round opened.
                    with transaction.atomic():
                        late = seed_stragglers(earlier)
                refresh_statistics()
                round_seconds = (
                    time.perf_counter() - start - org_seconds - kpi_seconds - earlier.seconds
                )
                bands = ", ".join(f"{b} {n:,}" for b, n in sorted(earlier.bands.items()))
                per_state = ", ".join(f"{s} {rounds.states.get(s, 0):,}" for s in State.values)
                if earlier.open_walkers:
                    released = sum(earlier.bands.values())
                    done = (
                        f"in its review phase in {earlier.rounds} department(s) for a few late "
                        f"people ({earlier.seconds:.1f} s): {earlier.walked:,} of "
                        f"{earlier.forms:,} forms walked, {released:,} released (bands: {bands}), "
                        f"late: {late.get('score', 0)} to score, {late.get('review', 0)} to "
                        f"review, {late.get('release', 0)} to release"
                    )
                else:
                    done = (
                        f"closed in {earlier.rounds} departments ({earlier.seconds:.1f} s): "
                        f"{earlier.walked:,} of {earlier.forms:,} forms walked to released "
                        f"(bands: {bands})"
                    )
                summary = (
                    f"earlier round {earlier.code} {done}, {earlier.idp_rows:,} IDP rows, "
                    f"{earlier.unit_results:,} unit KPI results"
                    + (f", {earlier.kpis:,} KPIs of its fiscal year" if earlier.kpis else "")
                    + "; "
                    f"round {rounds.code} opened in {rounds.rounds} departments, in the "
                    f"{rounds.phase} phase as today's date calls for "
                    f"({round_seconds:.1f} s, of which opening {rounds.open_seconds:.1f} s): "
                    f"{rounds.forms:,} forms, {rounds.walked:,} walked through the services. "
                    f"Forms per state: {per_state}."
                )
            self.stdout.write(
                f"Seeded the demo ministry (seed {seed}) in {time.perf_counter() - start:.1f} s: "
                f"{result.departments} departments, {result.units:,} units, "
                f"{result.people:,} people, {result.users:,} user accounts "
                f"(org chart {org_seconds:.1f} s); KPIs of fiscal year {year}: "
                f"{kpis.get('organisation', 0):,} organisation, {kpis.get('unit', 0):,} unit, "
                f"{kpis.get('person', 0):,} personal, {kpis.get('assignments', 0):,} OS matrix cells "
                f"({kpi_seconds:.1f} s); {summary}"
            )
        self._accounts()

    def _accounts(self):
        rows = accounts.demo_accounts()
        if not rows:
            self.stdout.write("No demo accounts in this database.")
            return
        self.stdout.write(f"Demo accounts (password: {accounts.PASSWORD})")
        width = max(len(username) for username, _ in rows) + 1
        for username, who in rows:
            self.stdout.write(f"  {username.ljust(width)} {who}".rstrip())
        if Person.objects.filter(user__username="u000001").exists():
            self.stdout.write(
                "  Everyone else signs in as u + their staff code (u000001, u000002, ...), "
                "same password."
            )
        tasks = demo_tasks()
        if tasks:
            self.stdout.write("Waiting for each role today:")
            for line in tasks:
                self.stdout.write(f"  {line}")
