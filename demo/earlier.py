"""The demo's earlier round: the round before the current one, opened, walked through the real
services to released results, and closed, so that the pages that use results (the salary
raise, the talent grid, team alignment, development needs, results over time) have a whole
round to show, and the current round has IDP rows to carry over when it opens after it.

Every walked form goes the whole way: agreement (now and then returned once), a check-in, a
journal entry or a coaching note, scoring with KPI levels and competency levels, an IDP row
(ส่วนที่ ๓) for every competency below its expected level, informing (or a refusal with a
witness), acknowledgement, the higher supervisor's review (this round asks for no second
review; the current one does), release. The levels come from profiles chosen per unit, so that
the bands spread from ดีเด่น to a few ต้องปรับปรุง, and each unit's own KPIs get a result for
the round (through kpi.services) that puts its team score above (A), below (B) or level with
(C, D) its people's scores: every alignment class has units.

Time. The round lies in the past, so the walk runs on the demo clock (demo.clock): the services
are the real ones, and what they stamp falls, in order, within the round's dates
(common.thai.round_dates): opened on its first day, agreements in its first three weeks,
check-ins from the third month, scoring, the unit KPI results, informing and the reviews in its
last four weeks, release the day before its end and closing on its last day.

Cost. A form takes about a dozen service calls (some 200 queries, ~0.08 s on SQLite), so the
walk is bounded: WALK_MAX people, in whole units, the department that holds the demo accounts
first (its root, the demo supervisor's division, then the rest in tree order) until the next
unit would not fit, then any other department that fits whole in what is left. At the default
size (150 people) that is every form of the demo accounts' department (106; the other
department, 44 people, gets no earlier round). At benchmark sizes (--staff 20000, 300000) only
those first units are walked: the rest of that department stays not started in the closed
round, and the other departments get no earlier round.
"""

from __future__ import annotations

import datetime as dt
import math
import random
import statistics
import time
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from decimal import Decimal

from django.contrib.auth import get_user_model
from django.db.models import Count
from django.utils import timezone

from appraisal.models import AppraisalForm, AppraisalRound, FormKpi, IdpRow, Phase, State
from common import thai
from demo import round_services as services
from demo.accounts import ADMIN_USERNAME, HR_USERNAME, STAFF_USERNAME, SUPERVISOR_USERNAME
from demo.clock import DemoClock
from demo.kpis import seed_kpis
from demo.plan import DEFAULT_SEED
from demo.round import (
    CHECKIN,
    COACHING,
    JOURNAL,
    OPINIONS,
    RETURN_COMMENTS,
    WITNESS,
    fresh_statistics_after,
    phase_on,
    score_form,
    write_agreement,
)
from kpi import criteria
from kpi import services as kpi_services
from kpi.models import Kpi, KpiAssignment, KpiTier, Measurement
from orgchart.models import OrgUnit, Person

WALK_MAX = 120  # people whose earlier form is walked, in whole units

D = Decimal

# What each unit's people score (KPI levels cycled over the rows, competency gaps below the
# expected level cycled over the competencies: gaps summing to 3-5 put a person in the talent
# grid's middle competency column), by the alignment class the unit is meant for:
# A scored harshly (its team does better), B inflated, C all alike, D a healthy spread.
POOLS: dict[str, list[tuple[tuple[int, ...], tuple[int, ...]]]] = {
    "A": [
        ((3, 3, 2, 3, 3), (0,)),
        ((3, 3, 3, 3, 3), (1, 1, 0)),
        ((3, 2, 3, 3, 2), (0,)),
        ((2, 3, 3, 3, 3), (0, 0, 1)),
    ],
    "B": [
        ((5, 5, 4, 5, 5), (0,)),
        ((4, 5, 5, 4, 5), (1, 1, 0)),
        ((5, 5, 5, 5, 5), (0,)),
    ],
    "C": [
        ((4, 4, 4, 4, 4), (0,)),
        ((4, 4, 4, 4, 4), (0, 1)),
        ((4, 4, 4, 4, 4), (0, 0, 1)),
    ],
    "D": [
        ((4, 4, 5, 4, 4), (0, 0, 0, 1)),
        ((3, 3, 2, 3, 3), (0, 1, 0)),
        ((5, 5, 4, 5, 5), (0,)),
        ((3, 4, 3, 3, 4), (0, 1)),
        ((4, 5, 4, 4, 3), (0, 0, 1)),
        ((2, 2, 1, 2, 2), (1, 2)),
        ((4, 3, 3, 4, 3), (1, 1, 0)),
    ],
}
CLASS_CYCLE = ("D", "A", "B", "C")  # over a department's units in tree order


@dataclass
class EarlierResult:
    code: str = ""
    rounds: int = 0
    forms: int = 0  # forms of the departments that have the round
    walked: int = 0
    idp_rows: int = 0
    unit_results: int = 0  # KPI results recorded for the units' own KPIs, both rounds
    kpis: int = 0  # KPIs seeded for the earlier round's fiscal year (0: the current one)
    bands: Counter = field(default_factory=Counter)
    seconds: float = 0.0
    # The round left in its review phase for a few late people (while the current round is in
    # its agreement or monitoring phase): the walkers that finish their steps after the current
    # round has opened (seed_stragglers), and what they left for each demo role.
    open_walkers: list = field(default_factory=list)
    stragglers: Counter = field(default_factory=Counter)


def earlier_round_of(today: dt.date) -> thai.Round:
    """The round before the one `today` falls in."""
    current = thai.round_of(today)
    if current.number == 2:
        return thai.round_dates(current.fiscal_year, 1)
    return thai.round_dates(current.fiscal_year - 1, 2)


def walk_selection(limit: int = WALK_MAX) -> dict[OrgUnit, list[int]]:
    """Department root -> the pks of its units to walk, while the people in them stay within
    `limit`: the department that holds the demo accounts first, by whole units (its root, the
    demo supervisor's division, then the others in tree order) until the next would not fit;
    then each other department in code order when all of it fits in what is left."""
    supervisor = Person.objects.filter(user__username=SUPERVISOR_USERNAME).first()
    hr = Person.objects.filter(user__username=HR_USERNAME).first()
    demo_tree = next((p.unit.tree_id for p in (hr, supervisor) if p is not None), None)
    focus = None
    if supervisor is not None:
        focus = supervisor.unit.get_ancestors(include_self=True).filter(depth=1).first()
    sizes = dict(
        Person.objects.filter(is_active=True)
        .values_list("unit_id")
        .annotate(n=Count("id"))
        .order_by()
    )
    roots = sorted(
        OrgUnit.objects.filter(parent__isnull=True),
        key=lambda r: (r.tree_id != demo_tree, r.code),
    )
    chosen: dict[OrgUnit, list[int]] = {}
    left = limit
    for k, root in enumerate(roots):
        units = list(OrgUnit.objects.filter(tree_id=root.tree_id).order_by("lft"))
        if focus is not None and focus.tree_id == root.tree_id:
            inside = [u for u in units if focus.lft <= u.lft <= focus.rght]
            units = [units[0], *inside, *[u for u in units[1:] if u not in inside]]
        if k and sum(sizes.get(u.pk, 0) for u in units) > left:
            continue
        for unit in units:
            n = sizes.get(unit.pk, 0)
            if n > left:
                break
            left -= n
            chosen.setdefault(root, []).append(unit.pk)
    return chosen


def _spread(first: dt.date, days: int, i: int, n: int) -> dt.date:
    """The day of the i-th of n forms in a stage that takes `days` from `first`: the stages do
    not overlap, so each form's steps come in order."""
    return first + dt.timedelta(days=(i * days) // max(1, n))


def seed_earlier_rounds(*, seed: int = DEFAULT_SEED, today: dt.date | None = None) -> EarlierResult:
    """Create, open, walk, release and close the earlier round of the departments chosen by
    `walk_selection` (with that round's fiscal year's KPIs when it is not the current one), and
    record their units' KPI results for it and for the current round. The org chart and the
    current fiscal year's KPIs must be seeded already."""
    started = time.perf_counter()
    today = today or timezone.localdate()
    earlier = earlier_round_of(today)
    result = EarlierResult(code=earlier.code)
    User = get_user_model()
    admin = User.objects.get(username=ADMIN_USERNAME)
    hr = User.objects.filter(username=HR_USERNAME).first()
    clock = DemoClock()
    walked_units: dict[int, list[int]] = {}
    rounds = []
    selection = walk_selection()
    # While the current round cannot yet be scored, reviewed or released, the earlier one is
    # still being closed for a few late people: it stays in its review phase (see Stragglers).
    keep_open = phase_on(today) in (Phase.AGREEMENT, Phase.MONITORING)
    with clock.running():
        if selection and earlier.fiscal_year != thai.round_of(today).fiscal_year:
            clock.on(earlier.start)
            kpis = seed_kpis(
                fiscal_year=earlier.fiscal_year, seed=seed, roots=list(selection), today=today
            )
            result.kpis = sum(v for k, v in kpis.items() if k != "assignments")
            fresh_statistics_after(result.kpis, Kpi, KpiAssignment)
        for root, unit_ids in selection.items():
            clock.restart()
            rng = random.Random(f"demo-earlier-{seed}-{root.code}")
            walker = _EarlierWalker(root, unit_ids, earlier, clock, rng, admin, hr)
            walker.run(keep_open=keep_open)
            if keep_open:
                result.open_walkers.append(walker)
            result.walked += walker.walked
            result.unit_results += walker.unit_results
            walked_units[root.pk] = unit_ids
            rounds.append(walker.rnd)
    result.rounds = len(rounds)
    forms = AppraisalForm.objects.filter(round__in=rounds)
    result.forms = forms.count()
    result.bands = Counter(
        dict(
            forms.filter(state=State.RELEASED)
            .values_list("final_band")
            .annotate(n=Count("id"))
            .order_by()
        )
    )
    result.idp_rows = IdpRow.objects.filter(form__round__in=rounds).count()
    result.unit_results += _current_unit_results(
        [u for ids in walked_units.values() for u in ids], seed, today, hr or admin
    )
    result.seconds = time.perf_counter() - started
    return result


class _EarlierWalker:
    """One department's earlier round, stage by stage in the order of its phases."""

    def __init__(self, root, unit_ids, earlier: thai.Round, clock, rng, admin, hr):
        self.root = root
        self.unit_ids = unit_ids
        self.earlier = earlier
        self.clock = clock
        self.rng = rng
        self.admin = admin
        probe = AppraisalRound(department=root, fiscal_year=earlier.fiscal_year)
        self.actor = (
            hr if hr is not None and services.can(hr, "appraisal.manage_round", probe) else admin
        )
        self.walked = 0
        self.unit_results = 0

    def on(self, day: dt.date) -> None:
        self.clock.on(min(max(day, self.earlier.start), self.earlier.end))

    # -- the round ------------------------------------------------------------------------------
    def run(self, *, keep_open: bool = False) -> None:
        start, end = self.earlier.start, self.earlier.end
        self.on(start)
        actor = self.actor
        rnd = services.round_create(
            actor=actor,
            department=self.root,
            fiscal_year=self.earlier.fiscal_year,
            number=self.earlier.number,
            second_review=False,  # (the current round asks for it: both kinds are shown)
        )
        rnd = services.round_update(
            actor=actor,
            rnd=rnd,
            expected_version=rnd.version,
            fields={
                "agreement_deadline": start + dt.timedelta(days=30),
                "evaluation_deadline": end,
            },
        )
        head = self.root.head
        if head is not None and head.user_id:
            services.round_committee_add(
                actor=actor, rnd=rnd, expected_version=rnd.version, staff_code=head.staff_code
            )
        rnd.refresh_from_db()
        fresh_statistics_after(services.round_open(actor=actor, rnd=rnd))
        self.rnd = rnd
        forms = list(
            AppraisalForm.objects.filter(
                round=rnd,
                unit_id__in=self.unit_ids,
                person__user__isnull=False,
                evaluator__user__isnull=False,
            )
            .select_related("person", "evaluator", "higher", "higher2")
            .order_by("person__staff_code")
        )
        user_ids = {
            p.user_id
            for f in forms
            for p in (f.person, f.evaluator, f.higher, f.higher2)
            if p is not None and p.user_id
        }
        self.users = {u.pk: u for u in get_user_model().objects.filter(pk__in=user_ids)}
        self.by_unit: dict[int, list[AppraisalForm]] = defaultdict(list)
        for f in forms:
            self.by_unit[f.unit_id].append(f)
        forms = self._agreements(forms)
        self._advance(start + dt.timedelta(days=31))  # monitoring
        self._monitoring(forms)
        self._advance(end - dt.timedelta(days=25))  # evaluation
        self.late = self._stragglers(forms) if keep_open else {}
        on_time = [f for f in forms if f.pk not in self.late]
        forms = self._scoring(forms, on_time)
        self._team_results()
        forms = self._informing(forms)
        self._advance(end - dt.timedelta(days=10))  # review
        forms = self._reviews(forms)
        self.walked = len(forms) + len(self.late)
        if keep_open:
            # HR releases what is reviewed from the console and the round stays in its review
            # phase for the late people (seed_stragglers finishes their steps).
            self.on(end - dt.timedelta(days=1))
            services.round_release(actor=actor, rnd=rnd)
            self._release_own()
            return
        self._advance(end - dt.timedelta(days=1))  # released: every reviewed form
        self._release_own()
        self.on(end)
        rnd.refresh_from_db()
        services.round_close(actor=actor, rnd=rnd, expected_version=rnd.version)

    def _release_own(self) -> None:
        """The acting officer's own form is released by another officer (DOMAIN §8)."""
        for f in AppraisalForm.objects.filter(round=self.rnd, state=State.REVIEWED):
            services.form_release(actor=self.admin, form=f)

    def finish_late(self, today: dt.date) -> Counter:
        """The late people's steps after the round's period, up to yesterday: HR extends the
        evaluation deadline on the first day, then scoring, informing and acknowledging of the
        forms to review and to release, then the higher supervisor's review of those to release."""
        first = self.earlier.end + dt.timedelta(days=1)
        last = today - dt.timedelta(days=1)
        if last < first:  # the current round opened today: nothing later than its end
            first = last = self.earlier.end
        span = (last - first).days

        def at(share: float) -> dt.date:
            return first + dt.timedelta(days=round(span * share))

        self.clock.on(at(0))
        self.rnd.refresh_from_db()
        services.round_update(
            actor=self.actor,
            rnd=self.rnd,
            expected_version=self.rnd.version,
            fields={"evaluation_deadline": today + Stragglers.EXTENSION},
        )
        forms = list(
            AppraisalForm.objects.filter(pk__in=self.late)
            .select_related("person", "evaluator", "higher")
            .order_by("person__staff_code")
        )
        scored = [f for f in forms if self.late[f.pk] != Stragglers.SCORE]
        for i, form in enumerate(scored):
            self.clock.on(at(0.2 + 0.15 * i / max(1, len(scored))))
            levels, gaps = self.profile[form.pk]
            scored[i] = score_form(form, self.user(form.evaluator), levels, gaps)
        for i, form in enumerate(scored):
            day = at(0.4 + 0.15 * i / max(1, len(scored)))
            self.clock.on(day)
            form = services.form_inform(
                actor=self.user(form.evaluator),
                form=form,
                expected_version=form.version,
                informed_on=day,
            )
            scored[i] = services.form_acknowledge(
                actor=self.user(form.person), form=form, expected_version=form.version
            )
        for i, form in enumerate(f for f in scored if self.late[f.pk] == Stragglers.RELEASE):
            self.clock.on(at(0.7 + 0.2 * i / max(1, len(scored))))
            services.form_review_higher(
                actor=self.user(form.higher),
                form=form,
                expected_version=form.version,
                agrees=True,
                opinion="",
                revised_total=None,
            )
        return Counter(self.late.values())

    def _advance(self, day: dt.date) -> None:
        self.on(day)
        self.rnd.refresh_from_db()
        services.round_advance(actor=self.actor, rnd=self.rnd, expected_version=self.rnd.version)
        self.rnd.refresh_from_db()

    def user(self, person):
        return self.users[person.user_id]

    # -- the stages, each over every form -------------------------------------------------------
    def _agreements(self, forms: list[AppraisalForm]) -> list[AppraisalForm]:
        out = []
        first = self.earlier.start + dt.timedelta(days=1)
        for i, form in enumerate(forms):
            self.on(_spread(first, 20, i, len(forms)))
            me, ev = self.user(form.person), self.user(form.evaluator)
            form = write_agreement(form, me, self.rng)
            form = services.agreement_submit(actor=me, form=form, expected_version=form.version)
            if i % 12 == 5:
                form = services.agreement_return(
                    actor=ev,
                    form=form,
                    expected_version=form.version,
                    comment=RETURN_COMMENTS[i % len(RETURN_COMMENTS)],
                )
                form = services.agreement_submit(actor=me, form=form, expected_version=form.version)
            out.append(
                services.agreement_approve(actor=ev, form=form, expected_version=form.version)
            )
        return out

    def _monitoring(self, forms: list[AppraisalForm]) -> None:
        """A check-in on every other form, a journal entry or a coaching note on every other
        one besides (all of them would cost time and show nothing more)."""
        first = self.earlier.start + dt.timedelta(days=60)
        for i, form in enumerate(forms):
            day = _spread(first, 40, i, len(forms))
            self.on(day)
            me, ev = self.user(form.person), self.user(form.evaluator)
            if i % 2 == 0:
                services.checkin_record(
                    actor=me,
                    form=form,
                    on=day,
                    comment=CHECKIN["comment"],
                    progress=[
                        services.ProgressInput(
                            item_id=r.pk, result=CHECKIN["result"], milestone=2 + (i + j) % 2
                        )
                        for j, r in enumerate(form.kpis.all())
                    ],
                )
            elif i % 4 == 1:
                services.journal_add(
                    actor=me, form=form, kind="work", on=day, description=JOURNAL[i % len(JOURNAL)]
                )
            else:
                services.coaching_add(actor=ev, form=form, on=day, note=COACHING[i % len(COACHING)])

    def _classes(self) -> dict[int, str]:
        """The alignment class each unit of the walk is meant for, in tree order."""
        order = OrgUnit.objects.filter(pk__in=self.unit_ids).order_by("lft")
        return {u.pk: CLASS_CYCLE[i % len(CLASS_CYCLE)] for i, u in enumerate(order)}

    def _scoring(
        self, forms: list[AppraisalForm], on_time: list[AppraisalForm]
    ) -> list[AppraisalForm]:
        """Score the forms of `on_time` (each form's profile drawn over all `forms`, so the
        late ones keep theirs and the others the same whether or not some are late)."""
        self.classes = self._classes()
        self.profile: dict[int, tuple[tuple[int, ...], tuple[int, ...]]] = {}
        for unit_id, members in self.by_unit.items():
            pool = POOLS[self.classes[unit_id]]
            offset = self.rng.randrange(len(pool))
            for k, f in enumerate(members):
                self.profile[f.pk] = pool[(offset + k) % len(pool)]
        out = []
        first = self.earlier.end - dt.timedelta(days=24)
        for i, form in enumerate(on_time):
            self.on(_spread(first, 7, i, len(on_time)))
            form.refresh_from_db()
            levels, gaps = self.profile[form.pk]
            out.append(score_form(form, self.user(form.evaluator), levels, gaps))
        return out

    def _stragglers(self, forms: list[AppraisalForm]) -> dict[int, str]:
        """The few people whose appraisal is finished late (back from leave when the scoring
        was done): form pk -> how far it goes before today (see Stragglers). One of the demo
        supervisor's team to score; forms of one higher supervisor (the demo supervisor's own
        when that fits) to review; some others reviewed and waiting for HR's release. Never
        the demo staff's or the acting HR officer's own form."""
        skip = {STAFF_USERNAME, HR_USERNAME, SUPERVISOR_USERNAME}
        usernames = {u.pk: u.username for u in self.users.values()}
        pool = [
            f
            for f in forms
            if usernames.get(f.person.user_id) not in skip
            and f.higher is not None
            and f.higher.user_id
        ]
        late: dict[int, str] = {}
        team = [f for f in pool if usernames.get(f.evaluator.user_id) == SUPERVISOR_USERNAME]
        if team:
            late[team[0].pk] = Stragglers.SCORE
        rest = [f for f in pool if f.pk not in late]
        if not rest:
            return late
        # The higher supervisor above the demo supervisor's team, else the one with most forms.
        by_higher: dict[int, list[AppraisalForm]] = defaultdict(list)
        for f in rest:
            by_higher[f.higher_id].append(f)
        higher = (
            team[0].higher_id if team and len(by_higher.get(team[0].higher_id, [])) >= 2 else None
        )
        if higher is None:
            higher = max(by_higher, key=lambda h: (len(by_higher[h]), -h))
        for f in by_higher[higher][: Stragglers.REVIEWS]:
            late[f.pk] = Stragglers.REVIEW
        others = [f for f in rest if f.pk not in late]
        step = max(1, len(others) // Stragglers.RELEASES)
        for f in others[step // 2 :: step][: Stragglers.RELEASES]:
            late[f.pk] = Stragglers.RELEASE
        return late

    def _team_results(self) -> None:
        """Each unit's own KPIs get one result in the round, at the level its class asks of
        its people's mean score (the unit and the units under it, as the alignment reads it)."""
        day = self.earlier.end - dt.timedelta(days=16)
        self.on(day)
        period_end = self.earlier.end - dt.timedelta(days=30)
        scores: list[tuple[int, Decimal]] = []  # (the form's unit's lft, individual score)
        rows: dict[int, list[tuple[int, Decimal]]] = defaultdict(list)
        lft: dict[int, int] = {}
        for form_id, unit_lft, level, weight in FormKpi.objects.filter(
            form__round=self.rnd, form__state=State.SCORED
        ).values_list("form_id", "form__unit__lft", "level", "weight"):
            rows[form_id].append((level or 0, weight))
            lft[form_id] = unit_lft
        for form_id, items in rows.items():
            weight = sum(w for _l, w in items)
            if weight:
                scores.append((lft[form_id], sum(D(lv) * w for lv, w in items) / weight))
        units = OrgUnit.objects.filter(pk__in=self.unit_ids).select_related("head__user")
        kpis = defaultdict(list)
        for kpi in Kpi.objects.filter(
            unit_id__in=self.unit_ids, tier=KpiTier.UNIT, fiscal_year=self.earlier.fiscal_year
        ).order_by("unit_id", "code", "pk"):
            kpis[kpi.unit_id].append(kpi)
        for unit in units:
            mine = [s for at, s in scores if unit.lft <= at <= unit.rght]
            if not mine or not kpis[unit.pk]:
                continue
            level = _team_level(self.classes[unit.pk], statistics.fmean(mine))
            recorder = unit.head.user if unit.head and unit.head.user_id else self.actor
            for kpi in kpis[unit.pk]:
                self.unit_results += record_level(kpi, level, period_end, recorder)

    def _informing(self, forms: list[AppraisalForm]) -> list[AppraisalForm]:
        out = []
        first = self.earlier.end - dt.timedelta(days=16)
        for i, form in enumerate(forms):
            day = _spread(first, 5, i, len(forms))
            self.on(day)
            me, ev = self.user(form.person), self.user(form.evaluator)
            if i % 10 == 3:
                name, position = self._witness(form)
                form = services.form_refusal_record(
                    actor=ev,
                    form=form,
                    expected_version=form.version,
                    informed_on=day,
                    witness_name=name,
                    witness_position=position,
                    witness_on=day,
                )
            else:
                form = services.form_inform(
                    actor=ev, form=form, expected_version=form.version, informed_on=day
                )
                form = services.form_acknowledge(actor=me, form=form, expected_version=form.version)
            out.append(form)
        return out

    def _reviews(self, forms: list[AppraisalForm]) -> list[AppraisalForm]:
        out = []
        first = self.earlier.end - dt.timedelta(days=9)
        for i, form in enumerate(forms):
            if form.state == State.ACKNOWLEDGED:
                self.on(_spread(first, 3, i, len(forms)))
                differ = i % 9 == 4
                step = D(2) if i % 18 == 4 else D(-3)
                form = services.form_review_higher(
                    actor=self.user(form.higher),
                    form=form,
                    expected_version=form.version,
                    agrees=not differ,
                    opinion=(OPINIONS["raise"] if step > 0 else OPINIONS["lower"])
                    if differ
                    else "",
                    revised_total=min(D(100), max(D(0), form.total + step)).quantize(D("0.01"))
                    if differ
                    else None,
                )
            out.append(form)
        first = self.earlier.end - dt.timedelta(days=5)
        for i, form in enumerate(out):
            if form.state == State.HIGHER_REVIEWED:
                self.on(_spread(first, 3, i, len(out)))
                out[i] = services.form_review_higher2(
                    actor=self.user(form.higher2),
                    form=form,
                    expected_version=form.version,
                    agrees=True,
                )
        return out

    def _witness(self, form: AppraisalForm) -> tuple[str, str]:
        """Someone of the same unit, neither the appraisee nor the evaluator."""
        for c in self.by_unit[form.unit_id]:
            if c.person_id not in (form.person_id, form.evaluator_id):
                return c.person.full_name, c.position_title or WITNESS["default_position"]
        return WITNESS["name"], WITNESS["position"]


class Stragglers:
    """The earlier round's late people, while the current round is in its agreement or
    monitoring phase: back from leave after the scoring, they are scored, informed and reviewed
    after the round's period (HR extends its evaluation deadline when they come back), so each
    demo role has its step of the earlier round to take today, in its review phase, where the
    rules allow scoring, the higher supervisor's review and release (appraisal.rules)."""

    SCORE = "score"  # still agreed: the demo supervisor scores it
    REVIEW = "review"  # scored, informed, acknowledged: the higher supervisor's review
    RELEASE = "release"  # reviewed: demo-hr releases it
    REVIEWS = 3
    RELEASES = 3
    EXTENSION = dt.timedelta(days=14)  # the new evaluation deadline, from today


def seed_stragglers(result: EarlierResult, *, today: dt.date | None = None) -> Counter:
    """Finish the late people's steps of each earlier round left open, dated in order from the
    day after the round's end to yesterday (after the current round opened, so none of their
    IDP rows was carried into it). Returns the count per task left for today."""
    today = today or timezone.localdate()
    clock = DemoClock()
    with clock.running():
        for walker in result.open_walkers:
            clock.restart()
            walker.clock = clock
            result.stragglers += walker.finish_late(today)
    return result.stragglers


def _team_level(alignment_class: str, mean: float | Decimal) -> int:
    """A team level (0–5) that puts the unit in its class against its people's mean: at least
    one level above it (A), below it (B), or the nearest level (C and D: the spread decides)."""
    mean = float(mean)
    if alignment_class == "A" and mean <= 3.9:
        return min(5, math.ceil(mean + 1.05))
    if alignment_class == "B" and mean >= 1.1:
        return max(0, math.floor(mean - 1.05))
    return min(5, max(0, math.floor(mean + 0.5)))


def record_level(kpi: Kpi, level: int, period_end: dt.date, actor) -> int:
    """Record, through kpi.services, the result that earns `level` under the KPI's criteria:
    the level's own threshold (quantitative) or that many steps done (milestone). Returns the
    number of results recorded (0 for a KPI the demo cannot give that level)."""
    if kpi.measurement == Measurement.MILESTONE:
        kpi_services.kpi_result_record(
            kpi=kpi, actor=actor, period_end=period_end, steps_done=level, evidence=_EVIDENCE
        )
        return 1
    if kpi.measurement != Measurement.QUANTITATIVE or any(t is None for t in kpi.thresholds):
        return 0
    if level >= 1:
        actual = kpi.thresholds[level - 1]
    else:
        step = abs(kpi.thresholds[1] - kpi.thresholds[0])
        higher_is_better = kpi.direction == criteria.HIGHER_IS_BETTER.value
        actual = kpi.thresholds[0] - step if higher_is_better else kpi.thresholds[0] + step
        if actual < 0:
            return 0
    kpi_services.kpi_result_record(
        kpi=kpi, actor=actor, period_end=period_end, actual=actual, evidence=_EVIDENCE
    )
    return 1


_EVIDENCE = "ผลการดำเนินงานของหน่วยงานจากรายงานประจำรอบ"
CURRENT_LEVELS = (2, 3, 3, 4, 4, 5)


def _current_unit_results(unit_ids: list[int], seed: int, today: dt.date, actor) -> int:
    """A first result for the same units' own KPIs in the current round: the end of last
    month (or the round's first day), never after today."""
    current = thai.round_of(today)
    month_end = today.replace(day=1) - dt.timedelta(days=1)
    period_end = min(today, max(current.start, month_end))
    rng = random.Random(f"demo-unit-results-{seed}-{current.code}")
    n = 0
    for kpi in Kpi.objects.filter(
        unit_id__in=unit_ids, tier=KpiTier.UNIT, fiscal_year=current.fiscal_year
    ).order_by("unit__tree_id", "unit__lft", "code", "pk"):
        n += record_level(kpi, rng.choice(CURRENT_LEVELS), period_end, actor)
    return n
