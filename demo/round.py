"""The demo's current appraisal round: created and opened for each department, then a
deterministic sample of its forms walked through the real services, so that every state from
not started to released has forms and the demo accounts find real work waiting.
The texts it writes (items, comments, opinions) are in demo/data/round.json; the services it
calls are imported in `demo.round_services`.

Only the sample goes through the services (each step checks its rule, writes history and the
timeline); everyone else stays not started, so the cost does not grow with headcount beyond
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
from django.db.models import Count
from django.utils import timezone

from appraisal.models import AppraisalForm, AppraisalRound, ItemKind, Phase, State
from common import thai
from demo import round_services as services
from demo.accounts import (
    ADMIN_USERNAME,
    DEMO_USERNAMES,
    HR_USERNAME,
    STAFF_USERNAME,
    SUPERVISOR_USERNAME,
)
from demo.loader import read_json
from demo.plan import DEFAULT_SEED
from orgchart.models import OrgUnit

# The round is moved to the review phase: forms can then be at every state at once (the
# dates are deadlines, not locks), from agreements still being written to released results.
DEMO_PHASE = Phase.REVIEW
TARGETS = [
    State.DRAFT,
    State.RETURNED,
    State.SUBMITTED,
    State.AGREED,
    State.SCORED,
    State.ACKNOWLEDGED,
    State.HIGHER_REVIEWED,
    State.REVIEWED,
    State.RELEASED,
]
PER_STATE_MAX = 3
FORMS_PER_SAMPLE = 25  # one form per state for each 25 forms of a department, up to the max
# demo-supervisor's team, in staff-code order after demo-staff (who gets AGREED): agreements
# to approve, one to score, and some of everything else.
TEAM_PLAN = [
    State.SUBMITTED,
    State.SUBMITTED,
    State.AGREED,
    State.RETURNED,
    State.DRAFT,
    State.SCORED,
    State.ACKNOWLEDGED,
    State.SUBMITTED,
]
STAFF_STATE = State.AGREED
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


def _on(rnd: AppraisalRound, today: dt.date, days_ago: int) -> dt.date:
    """A date within the round and never in the future."""
    return max(rnd.start, min(today, today - dt.timedelta(days=days_ago)))


class _Walker:
    """Moves one form at a time through the services to its target state."""

    def __init__(self, rnd: AppraisalRound, hr, users: dict, rng: random.Random, today):
        self.rnd = rnd
        self.hr = hr
        self.users = users
        self.rng = rng
        self.today = today
        self.n = 0

    def user(self, person):
        return self.users[person.user_id]

    def walk(self, form: AppraisalForm, target: str, witness: tuple[str, str]) -> AppraisalForm:
        self.n += 1
        me = self.user(form.person)
        ev = self.user(form.evaluator)
        reached = ORDER.index(target)
        form = self._agreement(form, me)
        if target == State.DRAFT:
            return form
        form = services.agreement_submit(actor=me, form=form, expected_version=form.version)
        if target == State.SUBMITTED:
            return form
        if target == State.RETURNED or self.n % 3 == 0:
            form = services.agreement_return(
                actor=ev,
                form=form,
                expected_version=form.version,
                comment=RETURN_COMMENTS[self.n % len(RETURN_COMMENTS)],
            )
            if target == State.RETURNED:
                return form
            form = services.agreement_submit(actor=me, form=form, expected_version=form.version)
        form = services.agreement_approve(actor=ev, form=form, expected_version=form.version)
        self._monitoring(form, me, ev)
        if reached < ORDER.index(State.SCORED):
            return form
        form = self._score(form, ev)
        if target == State.SCORED:
            return form
        # The evaluator informs the appraisee the day the scoring is confirmed (never before).
        informed = timezone.localdate()
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
            form = services.form_acknowledge(actor=me, form=form, expected_version=form.version)
        if form.state == State.ACKNOWLEDGED and target != State.ACKNOWLEDGED:
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
            form = services.form_review_higher2(
                actor=self.user(form.higher2), form=form, expected_version=form.version, agrees=True
            )
        if target == State.RELEASED and form.state == State.REVIEWED:
            form = services.form_release(actor=self.hr, form=form)
        return form

    # -- steps --------------------------------------------------------------------------------
    def _agreement(self, form, me):
        return write_agreement(form, me, self.rng)

    def _monitoring(self, form, me, ev) -> None:
        items = list(form.kpis.all())
        services.checkin_record(
            actor=me,
            form=form,
            on=_on(self.rnd, self.today, 7),
            comment=CHECKIN["comment"],
            progress=[
                services.ProgressInput(
                    item_id=r.pk, result=CHECKIN["result"], milestone=2 + (i + self.n) % 2
                )
                for i, r in enumerate(items)
            ],
        )
        services.journal_add(
            actor=me,
            form=form,
            kind="work",
            on=_on(self.rnd, self.today, 14),
            description=JOURNAL[self.n % len(JOURNAL)],
        )
        services.coaching_add(
            actor=ev, form=form, on=_on(self.rnd, self.today, 3), note=COACHING[self.n % 3]
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


def _plan(slots: list[_Slot], rng: random.Random, usernames: dict[int, str]) -> dict[int, str]:
    """Form pk -> target state for the sample of one department, deterministic for the seed."""
    plan: dict[int, str] = {}
    team = [
        s for s in slots if s.usable() and usernames.get(s.evaluator_user) == SUPERVISOR_USERNAME
    ]
    staff = [s for s in team if usernames.get(s.user) == STAFF_USERNAME]
    for s in staff:
        plan[s.pk] = STAFF_STATE
    others = [s for s in team if s not in staff]
    for s, target in zip(others, TEAM_PLAN, strict=False):
        plan[s.pk] = target if s.usable(*NEEDS.get(target, ())) else State.REVIEWED
    pool = [s for s in slots if s.pk not in plan and s.usable()]
    rng.shuffle(pool)
    per = max(1, min(PER_STATE_MAX, len(slots) // FORMS_PER_SAMPLE))
    for target in TARGETS:
        needs = NEEDS.get(target, ())
        taken = 0
        for s in pool:
            if taken == per:
                break
            if s.pk not in plan and s.usable(*needs):
                plan[s.pk] = target
                taken += 1
    return plan


def seed_rounds(*, seed: int = DEFAULT_SEED, today: dt.date | None = None):
    """Create, open and fill the round today falls in, for every department of the demo."""
    today = today or timezone.localdate()
    current = thai.round_of(today)
    User = get_user_model()
    admin = User.objects.get(username=ADMIN_USERNAME)
    hr = User.objects.filter(username=HR_USERNAME).first()
    usernames = dict(User.objects.filter(username__in=DEMO_USERNAMES).values_list("pk", "username"))
    result = RoundSeedResult(code=current.code, rounds=0, forms=0, walked=0)
    rounds = []
    for root in OrgUnit.objects.filter(parent__isnull=True).select_related("head").order_by("code"):
        probe = AppraisalRound(department=root, fiscal_year=current.fiscal_year)
        actor = (
            hr if hr is not None and services.can(hr, "appraisal.manage_round", probe) else admin
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
                actor=actor, rnd=rnd, expected_version=rnd.version, staff_code=root.head.staff_code
            )
            rnd.refresh_from_db()
        started = time.perf_counter()
        result.forms += services.round_open(actor=actor, rnd=rnd)
        result.open_seconds += time.perf_counter() - started
        rnd.refresh_from_db()
        while rnd.phase != DEMO_PHASE:
            services.round_advance(actor=actor, rnd=rnd)
            rnd.refresh_from_db()
        slots = _slots(rnd)
        rng = random.Random(f"demo-round-{seed}-{root.code}")
        plan = _plan(slots, rng, usernames)
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
        walker = _Walker(rnd, actor, users, rng, today)
        for s in sample:
            walker.walk(by_pk[s.pk], plan[s.pk], _witness(s, by_unit[s.unit_id]))
        result.walked += walker.n
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
