"""The demo's current appraisal round: created and opened for each department, moved to the
phase a real office would be in on today's date (phase_on), and its forms walked through the
real services to states that fit that phase, so that the demo accounts find the work of that
day waiting and every step is dated in order.
The texts it writes (items, comments, opinions) are in demo/data/round.json; the services it
calls are imported in `demo.round_services`.

Time. The walk runs on the demo clock (demo.clock), each form from the round's first days to
yesterday: agreements in the first three weeks (the late ones in the last ten days), the
approval a few days after, a journal entry two weeks on, the mid-round check-in from the third
month, scoring from the evaluation phase, informing, acknowledgement and the reviews after it,
the release in the review phase. Nothing is dated today: today's work is the demo accounts'.

Cost. Every form with an evaluator is walked up to WALK_MAX forms (5-12 service calls each);
at benchmark sizes the rest stay not started, so the cost does not grow with headcount beyond
the bulk work of opening the round.
"""

from __future__ import annotations

import datetime as dt
import random
import time
from collections import Counter
from dataclasses import dataclass, field
from decimal import Decimal

from django.contrib.auth import get_user_model
from django.db.models import Count, Q
from django.utils import timezone

from appraisal.models import (
    AppraisalForm,
    AppraisalRound,
    FormCompetency,
    ItemKind,
    Phase,
    State,
    UnitFormCount,
)
from appraisal.models.rounds import PHASE_ORDER
from common import thai
from common.bulk import refresh_statistics
from demo import round_services as services
from demo.accounts import (
    ADMIN_USERNAME,
    DEMO_USERNAMES,
    HR_USERNAME,
    STAFF_USERNAME,
    SUPERVISOR_USERNAME,
)
from demo.clock import DemoClock
from demo.loader import read_json
from demo.plan import DEFAULT_SEED
from orgchart.models import OrgUnit

# The round's phase follows today's date as a real office would keep it (the earlier round's
# schedule, demo.earlier): agreements in the first month, monitoring until the last 25 days,
# evaluation, then the higher supervisors' reviews and HR's release in the last 10 days.
MONITORING_FROM = dt.timedelta(days=31)
EVALUATION_BEFORE_END = dt.timedelta(days=25)
REVIEW_BEFORE_END = dt.timedelta(days=10)
# How a department's forms stand in each phase (shares of its walked forms, the rest of the
# share list's first state); the late ones of the monitoring phase are the ones overdue.
MIX: dict[str, list[tuple[str, float]]] = {
    Phase.AGREEMENT: [
        (State.AGREED, 0.0),  # grows with the days gone: see _mix
        (State.SUBMITTED, 0.15),
        (State.RETURNED, 0.05),
        (State.DRAFT, 0.2),
    ],
    Phase.MONITORING: [
        (State.AGREED, 0.0),
        (State.SUBMITTED, 0.03),
        (State.RETURNED, 0.02),
        (State.DRAFT, 0.03),
        (State.NOT_STARTED, 0.02),
    ],
    Phase.EVALUATION: [
        (State.AGREED, 0.0),
        (State.SCORED, 0.2),
        (State.ACKNOWLEDGED, 0.2),
        (State.HIGHER_REVIEWED, 0.04),
        (State.SUBMITTED, 0.02),
    ],
    Phase.REVIEW: [
        (State.REVIEWED, 0.0),
        (State.AGREED, 0.04),
        (State.SCORED, 0.08),
        (State.ACKNOWLEDGED, 0.2),
        (State.HIGHER_REVIEWED, 0.1),
        (State.RELEASED, 0.2),
    ],
}
# demo-staff's own form and demo-supervisor's team (in staff-code order after demo-staff), by
# phase: an agreement to write (late, in monitoring) and agreements to approve, a form to score
# once the round is in evaluation, and some of everything else the phase holds.
STAFF_STATE = {
    Phase.AGREEMENT: State.DRAFT,
    Phase.MONITORING: State.DRAFT,
    Phase.EVALUATION: State.AGREED,
    Phase.REVIEW: State.SCORED,
}
TEAM_PLAN = {
    Phase.AGREEMENT: [State.SUBMITTED, State.SUBMITTED, State.AGREED, State.RETURNED,
                      State.DRAFT, State.AGREED, State.NOT_STARTED, State.SUBMITTED],
    Phase.MONITORING: [State.SUBMITTED, State.SUBMITTED, State.AGREED, State.RETURNED,
                       State.AGREED, State.AGREED, State.AGREED, State.AGREED],
    Phase.EVALUATION: [State.AGREED, State.AGREED, State.SCORED, State.ACKNOWLEDGED,
                       State.AGREED, State.SUBMITTED, State.HIGHER_REVIEWED, State.AGREED],
    Phase.REVIEW: [State.AGREED, State.SCORED, State.ACKNOWLEDGED, State.REVIEWED,
                   State.HIGHER_REVIEWED, State.RELEASED, State.ACKNOWLEDGED, State.REVIEWED],
}  # fmt: skip
# Forms walked in the current round, all departments together, in whole departments' orders
# (a form takes some 5-12 service calls): every form at the default size; at benchmark sizes
# the rest stay not started.
WALK_MAX = 160
ORDER = [s.value for s in State]

D = Decimal


@dataclass(frozen=True)
class Row:
    kind: str
    name: str
    target: str
    criteria: tuple[str, str, str, str, str]


_DATA = read_json("round.json")


def _rows(kind: str, rows: list[dict]) -> list[Row]:
    return [Row(kind, r["name"], r["target"], tuple(r["criteria"])) for r in rows]


DUTY_ROWS = _rows(ItemKind.DUTY, _DATA["duty_rows"])
SPECIAL_ROWS = _rows(ItemKind.SPECIAL, _DATA["special_rows"])
WEIGHTS = {
    1: [D(100)],
    2: [D(60), D(40)],
    3: [D(40), D(30), D(30)],
    4: [D(30), D(25), D(25), D(20)],
    5: [D(30), D(20), D(20), D(15), D(15)],
}
# Score profiles: a KPI level for each row (cycled) and how far below the expected level
# each competency is shown (cycled): a spread of bands, mostly ดีมาก and ดี.
PROFILES = [
    ("outstanding", (5, 5, 4, 5, 5), (0,)),
    ("very_good", (4, 4, 5, 4, 4), (0, 0, 0, 1)),
    ("very_good", (4, 5, 4, 4, 3), (0, 0, 1)),
    ("good", (4, 3, 3, 4, 3), (0, 1, 0, 1)),
    ("good", (3, 4, 3, 3, 4), (0, 1)),
    ("fair", (3, 3, 2, 3, 3), (1, 1, 0)),
    ("improve", (2, 2, 1, 2, 2), (1, 2)),
]
PROFILE_WEIGHTS = [12, 20, 18, 18, 14, 12, 6]
RETURN_COMMENTS = _DATA["return_comments"]
CHECKIN = _DATA["checkin"]
JOURNAL = _DATA["journal"]
COACHING = _DATA["coaching"]
SCORING = _DATA["scoring"]
OPINIONS = _DATA["opinions"]  # the higher supervisor's, when the score is raised or lowered
WITNESS = _DATA["witness"]  # a refusal's witness, when the unit has nobody else


@dataclass
class RoundSeedResult:
    code: str
    rounds: int
    forms: int
    walked: int
    states: Counter = field(default_factory=Counter)
    open_seconds: float = 0.0  # services.round_open, the bulk part that grows with headcount
    phase: str = ""
    tasks: list[str] = field(default_factory=list)  # where each demo role's work waits


def phase_on(today: dt.date, current: thai.Round | None = None) -> str:
    """The phase a real office's round is in on `today` (the round today falls in)."""
    current = current or thai.round_of(today)
    if today >= current.end - REVIEW_BEFORE_END:
        return Phase.REVIEW
    if today >= current.end - EVALUATION_BEFORE_END:
        return Phase.EVALUATION
    if today >= current.start + MONITORING_FROM:
        return Phase.MONITORING
    return Phase.AGREEMENT


def phase_starts(current: thai.Round) -> dict[str, dt.date]:
    return {
        Phase.AGREEMENT: current.start,
        Phase.MONITORING: current.start + MONITORING_FROM,
        Phase.EVALUATION: current.end - EVALUATION_BEFORE_END,
        Phase.REVIEW: current.end - REVIEW_BEFORE_END,
    }


def _mix(phase: str, current: thai.Round, today: dt.date) -> list[tuple[str, float]]:
    """The phase's shares, the agreement phase's not-started share shrinking with the days."""
    mix = list(MIX[phase])
    if phase == Phase.AGREEMENT:
        gone = min(1.0, (today - current.start).days / 30)
        mix.append((State.NOT_STARTED, round(0.6 * (1 - gone), 2)))
    return mix


class _Walker:
    """Moves one form at a time through the services to its target state, on the demo clock:
    each step dated after the one before it, from the round's first days to yesterday (today's
    work is the demo accounts'), each in the phase that allows it."""

    def __init__(self, rnd: AppraisalRound, hr, users: dict, rng: random.Random, today, clock):
        self.rnd = rnd
        self.hr = hr
        self.users = users
        self.rng = rng
        self.today = today
        self.clock = clock
        current = thai.round_dates(rnd.fiscal_year, rnd.number)
        self.start = current.start
        self.last = max(current.start, today - dt.timedelta(days=1))
        self.starts = phase_starts(current)
        self.n = 0

    def user(self, person):
        return self.users[person.user_id]

    def at(self, day: dt.date) -> dt.date:
        """Set the clock to `day` (never before the form's last step, never after yesterday)."""
        day = min(max(day, self.day), self.last)
        self.day = day
        self.clock.on(day)
        return day

    def later(self, lo: int, hi: int) -> dt.date:
        return self.at(self.day + dt.timedelta(days=self.rng.randint(lo, hi)))

    def walk(self, form: AppraisalForm, target: str, witness: tuple[str, str]) -> AppraisalForm:
        self.n += 1
        self.clock.restart()
        reached = ORDER.index(target)
        late = target in (State.DRAFT, State.RETURNED, State.SUBMITTED) and (
            self.today >= self.starts[Phase.MONITORING]
        )
        if target == State.NOT_STARTED:
            return form
        me = self.user(form.person)
        ev = self.user(form.evaluator)
        # The agreement: in the first three weeks, or (late ones) in the last ten days.
        self.day = self.start
        if late:
            self.at(self.today - dt.timedelta(days=self.rng.randint(2, 10)))
        else:
            self.at(self.start + dt.timedelta(days=1 + self.rng.randint(0, 20)))
        form = self._agreement(form, me)
        if target == State.DRAFT:
            return form
        form = services.agreement_submit(actor=me, form=form, expected_version=form.version)
        if target == State.SUBMITTED:
            return form
        if target == State.RETURNED or self.n % 3 == 0:
            self.later(1, 2)
            form = services.agreement_return(
                actor=ev,
                form=form,
                expected_version=form.version,
                comment=RETURN_COMMENTS[self.n % len(RETURN_COMMENTS)],
            )
            if target == State.RETURNED:
                return form
            self.later(1, 3)
            form = services.agreement_submit(actor=me, form=form, expected_version=form.version)
        self.later(1, 4)
        form = services.agreement_approve(actor=ev, form=form, expected_version=form.version)
        self._monitoring(form, me, ev)
        if reached < ORDER.index(State.SCORED):
            return form
        self.at(self.starts[Phase.EVALUATION] + dt.timedelta(days=self.rng.randint(0, 6)))
        form = self._score(form, ev)
        if target == State.SCORED:
            return form
        # The evaluator informs the appraisee a day or two after confirming the scores.
        informed = self.later(0, 2)
        if self.n % 3 == 1:
            form = services.form_refusal_record(
                actor=ev,
                form=form,
                expected_version=form.version,
                informed_on=informed,
                witness_name=witness[0],
                witness_position=witness[1],
                witness_on=informed,
            )
        else:
            form = services.form_inform(
                actor=ev, form=form, expected_version=form.version, informed_on=informed
            )
            self.later(0, 2)
            form = services.form_acknowledge(actor=me, form=form, expected_version=form.version)
        if form.state == State.ACKNOWLEDGED and target != State.ACKNOWLEDGED:
            self.later(1, 3)
            differ = self.n % 2 == 0
            step = D(3) if self.n % 4 == 0 else D(-2)
            revised = (
                min(D(100), max(D(0), form.total + step)).quantize(D("0.01")) if differ else None
            )
            form = services.form_review_higher(
                actor=self.user(form.higher),
                form=form,
                expected_version=form.version,
                agrees=not differ,
                opinion=(OPINIONS["raise"] if step > 0 else OPINIONS["lower"]) if differ else "",
                revised_total=revised,
            )
        if form.state == State.HIGHER_REVIEWED and target != State.HIGHER_REVIEWED:
            self.later(1, 2)
            form = services.form_review_higher2(
                actor=self.user(form.higher2), form=form, expected_version=form.version, agrees=True
            )
        if target == State.RELEASED and form.state == State.REVIEWED:
            self.at(max(self.day, self.starts[Phase.REVIEW]) + dt.timedelta(days=1))
            form = services.form_release(actor=self.hr, form=form)
        return form

    # -- steps --------------------------------------------------------------------------------
    def _agreement(self, form, me):
        return write_agreement(form, me, self.rng)

    def _monitoring(self, form, me, ev) -> None:
        """A journal entry two to three weeks after the approval (every third form), the
        mid-round check-in from the third month (every other form) and now and then a coaching
        note after it, each only once its day has come (all of them would cost time and show
        nothing more)."""
        approved = self.day
        items = list(form.kpis.all())
        journal = approved + dt.timedelta(days=14 + self.n % 7)
        if journal <= self.last and self.n % 3 == 0:
            services.journal_add(
                actor=me,
                form=form,
                kind="work",
                on=self.at(journal),
                description=JOURNAL[self.n % len(JOURNAL)],
            )
        checkin = max(journal, self.start + dt.timedelta(days=60)) + dt.timedelta(days=self.n % 9)
        if checkin <= self.last and self.n % 2 == 0:
            services.checkin_record(
                actor=me,
                form=form,
                on=self.at(checkin),
                comment=CHECKIN["comment"],
                progress=[
                    services.ProgressInput(
                        item_id=r.pk, result=CHECKIN["result"], milestone=2 + (i + self.n) % 2
                    )
                    for i, r in enumerate(items)
                ],
            )
            coaching = checkin + dt.timedelta(days=2)
            if coaching <= self.last and self.n % 4 == 0:
                services.coaching_add(
                    actor=ev, form=form, on=self.at(coaching), note=COACHING[self.n % 3]
                )
        form.refresh_from_db()

    def _score(self, form, ev):
        _name, levels, gaps = self.rng.choices(PROFILES, weights=PROFILE_WEIGHTS)[0]
        return score_form(form, ev, levels, gaps)


def write_agreement(form: AppraisalForm, me, rng: random.Random) -> AppraisalForm:
    """The appraisee's agreement: the KPIs cascaded to them (at most four), topped up with
    duty rows (and now and then a special task) to three or more, weighted to 100."""
    services.agreement_pull_cascaded(actor=me, form=form, expected_version=form.version)
    form.refresh_from_db()
    rows = [
        services.ItemInput(
            id=r.pk,
            name=r.name,
            weight=r.weight,
            kind=r.kind,
            target=r.target,
            criteria=[c or f"ระดับ {i}" for i, c in enumerate(r.criteria(), start=1)],
            kpi_id=r.kpi_id,
        )
        for r in form.kpis.all()
    ][:4]
    extras = [*rng.sample(DUTY_ROWS, 3)]
    if len(rows) < 4 and rng.random() < 0.5:
        extras.insert(0, rng.choice(SPECIAL_ROWS))
    while extras and (len(rows) < 3 or extras[0].kind == ItemKind.SPECIAL):
        extra = extras.pop(0)
        rows.append(
            services.ItemInput(
                name=extra.name,
                weight=D(0),
                kind=extra.kind,
                target=extra.target,
                criteria=list(extra.criteria),
            )
        )
    for row, weight in zip(rows, WEIGHTS[len(rows)], strict=True):
        row.weight = weight
    return services.agreement_save(actor=me, form=form, expected_version=form.version, items=rows)


def score_form(form: AppraisalForm, ev, levels: tuple[int, ...], gaps: tuple[int, ...]):
    """The evaluator scores and confirms: KPI rows at `levels` (cycled), each competency
    `gaps` (cycled) below its expected level, and an IDP row for every competency below it
    (ส่วนที่ ๓, as the scoring page proposes them)."""
    kpis = list(form.kpis.all())
    comps = list(form.competencies.all())
    scores = []
    for i, r in enumerate(kpis):
        level = levels[i % len(levels)]
        scores.append(
            services.ScoreInput(
                id=r.pk,
                actual=r.criteria()[level - 1] if level else SCORING["below_level_1"],
                level=level,
                reason=SCORING["reason"],
            )
        )
    comp_inputs = [
        services.CompetencyInput(id=c.pk, actual=max(0, c.expected - gaps[i % len(gaps)]), note="")
        for i, c in enumerate(comps)
    ]
    # The IDP rows the scoring page proposes for these ratings, saved with them in one go.
    for c, rated in zip(comps, comp_inputs, strict=True):
        c.actual = rated.actual
    services.score_save(
        actor=ev,
        form=form,
        expected_version=form.version,
        kpis=scores,
        competencies=comp_inputs,
        comment=SCORING["comment"],
        idp=services.idp_proposals(form=form, competencies=comps) or None,
    )
    form.refresh_from_db()
    return services.scoring_finish(actor=ev, form=form, expected_version=form.version)


@dataclass(frozen=True)
class _Slot:
    """One form as the plan sees it: read as plain values, so 20,000 of them cost little."""

    pk: int
    unit_id: int
    person_id: int
    evaluator_id: int | None
    user: int | None
    evaluator_user: int | None
    higher_user: int | None
    higher2_user: int | None
    name: str
    position: str

    def usable(self, *reviewers: str) -> bool:
        return bool(self.user and self.evaluator_user) and all(getattr(self, r) for r in reviewers)


SLOT_FIELDS = (
    "pk",
    "unit_id",
    "person_id",
    "evaluator_id",
    "person__user_id",
    "evaluator__user_id",
    "higher__user_id",
    "higher2__user_id",
)
NEEDS = {
    State.ACKNOWLEDGED: ("higher_user",),
    State.HIGHER_REVIEWED: ("higher_user", "higher2_user"),
}


def _slots(rnd: AppraisalRound) -> list[_Slot]:
    rows = (
        AppraisalForm.objects.filter(round=rnd)
        .order_by("person__staff_code")
        .values_list(
            *SLOT_FIELDS,
            "person__title",
            "person__first_name",
            "person__last_name",
            "position_title",
        )
    )
    return [_Slot(*r[:8], f"{r[8]}{r[9]} {r[10]}", r[11]) for r in rows]


def _plan(
    slots: list[_Slot],
    rng: random.Random,
    usernames: dict[int, str],
    phase: str,
    mix: list[tuple[str, float]],
    limit: int,
) -> dict[int, str]:
    """Form pk -> target state for one department, deterministic for the seed: the demo
    accounts' forms as STAFF_STATE and TEAM_PLAN ask, then up to `limit` others shared out as
    the phase's mix asks (the first state of the mix takes what the shares leave)."""
    plan: dict[int, str] = {}
    team = [
        s for s in slots if s.usable() and usernames.get(s.evaluator_user) == SUPERVISOR_USERNAME
    ]
    staff = [s for s in team if usernames.get(s.user) == STAFF_USERNAME]
    for s in staff:
        plan[s.pk] = STAFF_STATE[phase]
    others = [s for s in team if s not in staff]
    fallback = mix[0][0]
    for s, target in zip(others, TEAM_PLAN[phase], strict=False):
        plan[s.pk] = target if s.usable(*NEEDS.get(target, ())) else fallback
    pool = [s for s in slots if s.pk not in plan and s.usable()]
    rng.shuffle(pool)
    pool = pool[: max(0, limit - len(plan))]
    n = len(pool)
    for target, share in mix[1:]:
        want = round(share * n)
        needs = NEEDS.get(target, ())
        for s in pool:
            if want == 0:
                break
            if s.pk not in plan and s.usable(*needs):
                plan[s.pk] = target
                want -= 1
    for s in pool:
        plan.setdefault(s.pk, fallback if s.usable(*NEEDS.get(fallback, ())) else State.AGREED)
    return plan


# An opening of this many forms or more is followed by an ANALYZE of what it wrote (below).
FRESH_STATISTICS_FROM = 5_000


def fresh_statistics_after(opened: int, *models) -> None:
    """ANALYZE the tables a round's opening (or another bulk write of `opened` rows) has just
    filled, inside the seed's transaction, before the walk through the services reads them.
    Without it the planner takes the new rows for none: at 300,000 staff the walk's queries of
    the per-unit counts took 11.7 ms instead of 0.6 and its KPI look-ups 24 ms instead of 0.9. A round opened
    in production commits first, and autovacuum's ANALYZE follows."""
    if opened >= FRESH_STATISTICS_FROM:
        refresh_statistics(*(models or (AppraisalForm, FormCompetency, UnitFormCount)))


def seed_rounds(*, seed: int = DEFAULT_SEED, today: dt.date | None = None):
    """Create and open the round today falls in for every department of the demo, move it to
    the phase today's date calls for (phase_on) and walk its forms to states that fit it, each
    step dated in order on the demo clock."""
    today = today or timezone.localdate()
    current = thai.round_of(today)
    phase = phase_on(today, current)
    starts = phase_starts(current)
    mix = _mix(phase, current, today)
    User = get_user_model()
    admin = User.objects.get(username=ADMIN_USERNAME)
    hr = User.objects.filter(username=HR_USERNAME).first()
    usernames = dict(User.objects.filter(username__in=DEMO_USERNAMES).values_list("pk", "username"))
    result = RoundSeedResult(code=current.code, rounds=0, forms=0, walked=0, phase=phase)
    rounds = []
    left = WALK_MAX
    clock = DemoClock()
    with clock.running():
        for root in (
            OrgUnit.objects.filter(parent__isnull=True).select_related("head").order_by("code")
        ):
            clock.restart()
            clock.on(current.start)
            probe = AppraisalRound(department=root, fiscal_year=current.fiscal_year)
            actor = (
                hr
                if hr is not None and services.can(hr, "appraisal.manage_round", probe)
                else admin
            )
            rnd = services.round_create(
                actor=actor,
                department=root,
                fiscal_year=current.fiscal_year,
                number=current.number,
                second_review=True,
            )
            rnd = services.round_update(
                actor=actor,
                rnd=rnd,
                expected_version=rnd.version,
                fields={
                    "agreement_deadline": current.start + dt.timedelta(days=30),
                    "evaluation_deadline": current.end,
                },
            )
            if root.head_id and root.head.user_id:
                services.round_committee_add(
                    actor=actor,
                    rnd=rnd,
                    expected_version=rnd.version,
                    staff_code=root.head.staff_code,
                )
                rnd.refresh_from_db()
            started = time.perf_counter()
            opened = services.round_open(actor=actor, rnd=rnd)
            result.forms += opened
            result.open_seconds += time.perf_counter() - started
            fresh_statistics_after(opened)
            rnd.refresh_from_db()
            while rnd.phase != phase:
                upcoming = PHASE_ORDER[PHASE_ORDER.index(rnd.phase) + 1]
                clock.on(starts[upcoming])
                services.round_advance(actor=actor, rnd=rnd)
                rnd.refresh_from_db()
            slots = _slots(rnd)
            rng = random.Random(f"demo-round-{seed}-{root.code}-{phase}")
            plan = _plan(slots, rng, usernames, phase, mix, left)
            left = max(0, left - len(plan))
            sample = [s for s in slots if s.pk in plan]
            user_ids = {
                u
                for s in sample
                for u in (s.user, s.evaluator_user, s.higher_user, s.higher2_user)
                if u
            }
            users = {u.pk: u for u in User.objects.filter(pk__in=user_ids)}
            forms = AppraisalForm.objects.filter(pk__in=plan).select_related(
                "person", "evaluator", "higher", "higher2"
            )
            by_pk = {f.pk: f for f in forms}
            by_unit: dict[int, list[_Slot]] = {}
            for s in slots:
                by_unit.setdefault(s.unit_id, []).append(s)
            walker = _Walker(rnd, actor, users, rng, today, clock)
            for s in sample:
                walker.walk(by_pk[s.pk], plan[s.pk], _witness(s, by_unit[s.unit_id]))
            result.walked += sum(1 for s in sample if plan[s.pk] != State.NOT_STARTED)
            result.rounds += 1
            rounds.append(rnd)
    result.states = Counter(
        dict(
            AppraisalForm.objects.filter(round__in=rounds)
            .values_list("state")
            .annotate(n=Count("id"))
            .order_by()
        )
    )
    return result


def _witness(slot: _Slot, colleagues: list[_Slot]) -> tuple[str, str]:
    """Someone of the same unit, neither the appraisee nor the evaluator."""
    for c in colleagues:
        if c.person_id not in (slot.person_id, slot.evaluator_id):
            return c.name, c.position or WITNESS["default_position"]
    return WITNESS["name"], WITNESS["position"]


def demo_tasks(today: dt.date | None = None) -> list[str]:
    """Where each demo role's work waits today (read from the database, so a re-run with
    --if-empty prints the same): in the current round, and in an earlier round still open for a
    few late people (demo.earlier.Stragglers); and when the work the current phase cannot hold
    yet comes."""
    today = today or timezone.localdate()
    current = thai.round_of(today)
    live = AppraisalRound.objects.exclude(phase__in=[Phase.SETUP, Phase.CLOSED])
    rounds = list(live.filter(fiscal_year=current.fiscal_year, number=current.number))
    if not rounds:
        return []
    earlier = list(live.filter(phase_at_least_review_q()).exclude(pk__in=[r.pk for r in rounds]))
    phase = phase_on(today, current)
    starts = phase_starts(current)
    forms = AppraisalForm.objects.filter(round__in=rounds)
    late = AppraisalForm.objects.filter(round__in=earlier)
    codes = "/".join(sorted({r.code for r in earlier}))
    lines = []

    def when(p: str) -> str:
        return f"from {thai.format_date_short(starts[p])} ({Phase(p).label})"

    mine = forms.filter(person__user__username=STAFF_USERNAME).first()
    if mine is not None:
        todo = {
            State.NOT_STARTED: "write the agreement",
            State.DRAFT: "finish and submit the agreement",
            State.RETURNED: "correct and resubmit the agreement",
            State.AGREED: "record progress (check-in, journal)"
            if phase in (Phase.AGREEMENT, Phase.MONITORING)
            else "self-assessment; waits for the evaluator's scores",
            State.SCORED: "waits to be informed of the scores",
        }.get(mine.state, State(mine.state).label)
        overdue = (
            " (overdue)"
            if (
                mine.state in (State.NOT_STARTED, State.DRAFT, State.RETURNED, State.SUBMITTED)
                and mine.round.agreement_deadline
                and today > mine.round.agreement_deadline
            )
            else ""
        )
        lines.append(f"{STAFF_USERNAME}: {todo}{overdue} (การประเมินของฉัน, round {mine.round.code})")
    team = forms.filter(evaluator__user__username=SUPERVISOR_USERNAME)
    approve = team.filter(state=State.SUBMITTED).count()
    score = team.filter(state=State.AGREED).count()
    parts = [f"{approve} agreement(s) to approve (ทีมของฉัน, round {current.code})"]
    late_score = late.filter(
        evaluator__user__username=SUPERVISOR_USERNAME, state=State.AGREED
    ).count()
    if late_score:
        parts.append(f"{late_score} late form(s) to score (ทีมของฉัน, round {codes})")
    if phase in (Phase.EVALUATION, Phase.REVIEW):
        parts.append(f"{score} form(s) to score")
    else:
        parts.append(
            f"coaching and check-ins of {score} agreed form(s); scoring of {current.code} "
            f"{when(Phase.EVALUATION)}"
        )
    lines.append(f"{SUPERVISOR_USERNAME}: " + ", ".join(parts))
    higher = (
        AppraisalForm.objects.filter(
            round__in=rounds + earlier, state=State.ACKNOWLEDGED, higher__user__isnull=False
        )
        .values_list(
            "higher__user__username",
            "higher__title",
            "higher__first_name",
            "higher__last_name",
            "round__fiscal_year",
            "round__number",
        )
        .annotate(n=Count("id"))
        .order_by("-n", "higher__user__username")
        .first()
    )
    if higher:
        lines.append(
            f"{higher[0]}: {higher[6]} review(s) as higher supervisor "
            f"({higher[1]}{higher[2]} {higher[3]}; ทีมของฉัน, round {higher[4]}-{higher[5]})"
        )
    else:
        lines.append(f"higher supervisors: reviews {when(Phase.EVALUATION)}")
    hr_parts = []
    late_release = late.filter(state=State.REVIEWED).count()
    if late_release:
        hr_parts.append(
            f"{late_release} late reviewed form(s) to release (round {codes}: its console, "
            "ประกาศผล)"
        )
    released = forms.filter(state=State.REVIEWED)
    if phase == Phase.REVIEW and released.exists():
        hr_parts.append(f"{released.count()} reviewed form(s) to release")
    else:
        hr_parts.append(f"release of {current.code} {when(Phase.REVIEW)}")
    pending = forms.filter(
        state__in=[State.NOT_STARTED, State.DRAFT, State.RETURNED, State.SUBMITTED]
    ).count()
    if pending:
        hr_parts.append(f"reminders to {pending} form(s) without an approved agreement")
    lines.append(f"{HR_USERNAME}: " + ", ".join(hr_parts))
    return lines


def phase_at_least_review_q():
    """Rounds in their review phase or later (released), as a filter."""
    return Q(phase__in=PHASE_ORDER[PHASE_ORDER.index(Phase.REVIEW) :])
