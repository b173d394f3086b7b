"""The round's phase changes (DOMAIN §2): opening it (one form per person with the chain and
settings frozen into it), moving it to the next phase, releasing the reviewed results,
closing and reopening it. Each takes the round's own state-machine transition.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from typing import ClassVar

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _
from django_fsm import has_transition_perm

from appraisal import counts, defaults, scoring
from appraisal.models import (
    AppraisalForm,
    AppraisalRound,
    CompetencyKind,
    ExpectedLevel,
    FormCompetency,
    FormEvent,
    Phase,
    RoundEvent,
    RoundSetting,
    StaffGroup,
    State,
    group_of,
)
from appraisal.selectors import round_scope
from appraisal.services import _notices
from appraisal.services._busy import refuse_if_busy
from appraisal.services._forms import (
    actor_name,
    bump_round,
    lock_round,
    required_text,
)
from appraisal.services.followups import idp_followups_carry
from common.bulk import insert_values, insert_values_returning_ids
from common.errors import DomainError
from common.models import audit, audit_many
from common.permissions import can
from orgchart import selectors as org
from orgchart.models import OrgUnit, Person
from orgchart.selectors import roles_of, subtree_q

# Forms released per UPDATE and per insert of their history rows and events.
RELEASE_CHUNK = 1000


def _expected_for(by_grade: dict[str, ExpectedLevel], grade: str) -> tuple[int, int | None]:
    row = by_grade.get(grade or "") or by_grade.get("")
    if row is None:
        return defaults.EXPECTED_LEVELS.get(grade or "", (1, None))
    return row.core, row.managerial


def _frozen_settings(rnd, setting: RoundSetting) -> dict:
    """The field values every form of a staff group takes from the round and its setting."""
    return {
        "round_id": rnd.pk,
        "weight_achievement": setting.weight_achievement,
        "weight_competency": setting.weight_competency,
        "weight_other": setting.weight_other,
        "very_good_from": setting.very_good_from,
        "good_from": setting.good_from,
        "fair_from": setting.fair_from,
        "competency_method": rnd.competency_method,
        "rounding": rnd.rounding,
        "ratio_cap": rnd.ratio_cap,
        "bar_level_zero": rnd.bar_level_zero,
    }


@dataclass(frozen=True, slots=True)
class _Staff:
    """What the opening reads of a person and their position: values rather than two model
    objects each (reading 254,550 people as Person and Position took 13 s, as values 2 s).
    evaluators_for reads pk, unit_id and evaluator_override_id; group_of the other two."""

    pk: int
    unit_id: int
    staff_type: str
    on_probation: bool
    evaluator_override_id: int | None
    title: str
    management_title: str
    number: str
    position_type: str
    grade: str
    line_of_work: str

    PERSON: ClassVar = ("pk", "unit_id", "staff_type", "on_probation", "evaluator_override_id")
    POSITION: ClassVar = (
        "title",
        "management_title",
        "number",
        "position_type",
        "grade",
        "line_of_work",
    )

    @classmethod
    def of_department(cls, dept: OrgUnit) -> list[_Staff]:
        rows = (
            Person.objects.filter(unit__tree_id=dept.tree_id, is_active=True)
            .order_by("pk")
            .values_list(*cls.PERSON, *(f"position__{f}" for f in cls.POSITION))
        )
        # No position: its fields are NULL in the join, and the form takes "" for each. By
        # position, in the order of PERSON + POSITION (the fields' order, a test checks):
        # keywords cost 0.9 s more for 254,550 people.
        n = len(cls.PERSON)
        return [cls(*row[:n], *(v or "" for v in row[n:])) for row in rows]


def _frozen_form(base: dict, person: _Staff, evaluator, higher, higher2) -> dict:
    """The field values of a person's new form: the group's `base`, the person's position and
    evaluator chain (values, not a model object: 250,000 of them are written by COPY)."""
    return {
        **base,
        "person_id": person.pk,
        "unit_id": person.unit_id,
        "position_title": person.management_title or person.title,
        "position_number": person.number,
        "position_type": person.position_type,
        "position_grade": person.grade,
        "staff_group": group_of(person),
        "evaluator_id": evaluator.pk if evaluator else None,
        "higher_id": higher.pk if higher else None,
        "higher2_id": higher2.pk if higher2 else None,
    }


def _competencies_for(form_id: int, form: dict, comps, expected_by_grade, line_of_work: str):
    """The competency rows of a new form (`form`: its field values), as field values."""
    core, managerial = _expected_for(expected_by_grade, form["position_grade"])
    rows = []
    order = 0
    for c in comps:
        if c.kind == CompetencyKind.MANAGERIAL:
            if form["position_type"] not in defaults.MANAGERIAL_TYPES or managerial is None:
                continue
            expected = managerial
        elif c.kind == CompetencyKind.LINE:
            if c.line_of_work and c.line_of_work != line_of_work:
                continue
            expected = c.expected_level or core
        else:
            expected = core
        rows.append(
            {
                "form_id": form_id,
                "order": order,
                "kind": c.kind,
                "name": c.name,
                "expected": expected,
            }
        )
        order += 1
    return rows


def _chains(people: list[_Staff]) -> dict[int, tuple[Person | None, Person | None, Person | None]]:
    """(evaluator, higher, higher2) of each person, in queries that do not grow with headcount."""
    ev = org.evaluators_for(people)
    firsts = list({e.pk: e for e in ev.values() if e is not None}.values())
    hi = org.evaluators_for(firsts) if firsts else {}
    seconds = list({h.pk: h for h in hi.values() if h is not None}.values())
    hi2 = org.evaluators_for(seconds) if seconds else {}
    result = {}
    for p in people:
        e = ev.get(p.pk)
        h = hi.get(e.pk) if e is not None else None
        h2 = hi2.get(h.pk) if h is not None else None
        # Three roles, three people (DOMAIN §8): a level that repeats someone is skipped.
        if e is not None and e.pk == p.pk:
            e = None
        if h is not None and h.pk in (p.pk, getattr(e, "pk", None)):
            h = None
        if h2 is not None and h2.pk in (p.pk, getattr(e, "pk", None), getattr(h, "pk", None)):
            h2 = None
        result[p.pk] = (e, h, h2)
    return result


@transaction.atomic
def round_open(
    *, actor, rnd: AppraisalRound, expected_version: int | None = None, job: int | None = None
) -> int:
    """Open the round: one form per active person of the department, with the evaluator chain,
    weights, bands, method and expected competency levels frozen into it. Returns the count.
    `job`: the background step running it (appraisal.services.round_jobs), if one is."""
    rnd = lock_round(rnd, expected_version)
    refuse_if_busy(rnd, own=job)
    if not has_transition_perm(rnd.open, actor):
        if rnd.phase != Phase.SETUP:
            raise DomainError(_("รอบนี้เปิดแล้ว"))
        raise PermissionDenied("appraisal.manage_round")
    settings_by_group = {s.group: s for s in rnd.settings.all()}
    for group, s in settings_by_group.items():
        if not scoring.component_weights_valid(
            s.weight_achievement, s.weight_competency, s.weight_other
        ):
            raise DomainError(
                _("น้ำหนักองค์ประกอบของ %(g)s รวมกันไม่เท่ากับ 100") % {"g": StaffGroup(group).label}
            )
    comps = list(rnd.competencies.all())
    if not any(c.kind == CompetencyKind.CORE for c in comps):
        raise DomainError(_("ต้องมีสมรรถนะหลักอย่างน้อย 1 รายการก่อนเปิดรอบ"))
    expected_by_grade = {e.grade: e for e in rnd.expected_levels.all()}
    dept = rnd.department
    people = _Staff.of_department(dept)
    chains = _chains(people)
    bases = {g: _frozen_settings(rnd, s) for g, s in settings_by_group.items()}
    forms = []
    for p in people:
        base = bases.get(group_of(p)) or bases[StaffGroup.CIVIL_SERVANT]
        forms.append(_frozen_form(base, p, *chains[p.pk]))
    # COPY on PostgreSQL: a ministry's department opens 250,000 forms at once.
    ids = insert_values_returning_ids(AppraisalForm, forms)
    if None in ids:  # SQLite older than 3.35
        form_of = dict(AppraisalForm.objects.filter(round=rnd).values_list("person_id", "pk"))
        ids = [form_of[p.pk] for p in people]
    comp_rows = []
    for p, form_id, form in zip(people, ids, forms, strict=True):
        comp_rows.extend(_competencies_for(form_id, form, comps, expected_by_grade, p.line_of_work))
    insert_values(FormCompetency, comp_rows)
    # The round's per-unit counts, from the forms just made, in one pass.
    counts.rebuild(rnd, Counter(counts.new_form_key(f) for f in forms))
    # Each IDP row of the person's previous round, to be marked done or not (DOMAIN §7).
    carried = idp_followups_carry(
        rnd=rnd, form_of={p.pk: i for p, i in zip(people, ids, strict=True)}
    )
    rnd.open()
    rnd.opened_at = timezone.now()
    bump_round(rnd, actor)
    audit(
        actor=actor,
        kind=RoundEvent.OPEN,
        obj=rnd,
        summary=f"{rnd.code}: {len(ids)}",
        changes={"forms": len(ids), "idp_followups": carried},
    )
    return len(ids)


@transaction.atomic
def round_advance(
    *,
    actor,
    rnd: AppraisalRound,
    expected_version: int | None = None,
    release: bool = True,
    job: int | None = None,
) -> str:
    """Move the round to its next phase. Into the released phase every reviewed result is
    released with it; release=False leaves that to release_batch (the background worker's
    part for a large department, appraisal.services.round_jobs)."""
    rnd = lock_round(rnd, expected_version)
    refuse_if_busy(rnd, own=job)
    if not has_transition_perm(rnd.advance, actor):
        if can(actor, "appraisal.manage_round", rnd):
            raise DomainError(_("รอบนี้เลื่อนขั้นตอนต่อไม่ได้จากขั้นตอนปัจจุบัน"))
        raise PermissionDenied("appraisal.manage_round")
    old = rnd.phase
    rnd.advance()
    if rnd.phase == Phase.RELEASED and release:
        # Everyone's reviewed result is released, but never the acting officer's own: another
        # officer releases it from the console (round_release), DOMAIN §8.
        _release_reviewed(actor, rnd, None, skip_own=True)
    bump_round(rnd, actor)
    audit(actor=actor, kind=RoundEvent.PHASE, obj=rnd, changes={"phase": [old, rnd.phase]})
    return rnd.phase


def _reviewed(actor, rnd: AppraisalRound, units: Iterable[OrgUnit] | None, *, skip_own: bool):
    """The reviewed forms of the round (in `units`), without the acting officer's own with
    skip_own."""
    qs = AppraisalForm.objects.filter(round=rnd, state=State.REVIEWED)
    if units is not None:
        qs = qs.filter(subtree_q(units, prefix="unit__"))
    me = roles_of(actor).person if skip_own else None
    if me is not None:
        qs = qs.exclude(person=me)
    return qs


def _release_reviewed(
    actor,
    rnd: AppraisalRound,
    units: Iterable[OrgUnit] | None,
    *,
    skip_own: bool = False,
    limit: int | None = None,
) -> int:
    """Release the reviewed forms (the first `limit` of them by id); with skip_own, never the
    acting officer's own form (DOMAIN §8): another officer releases it.

    Each form leaves the trail a form saved alone leaves (a new version, a history row naming
    the actor, a release event in its timeline, its count moved, a notice to the person), but
    written a chunk of forms at a time: one UPDATE, one insert of history rows and one of
    events per RELEASE_CHUNK forms, instead of about ten statements per form: 1.1 ms a form
    instead of 6, a department of 254,550 in 278 s instead of about 25 minutes."""
    qs = (
        _reviewed(actor, rnd, units, skip_own=skip_own)
        .select_for_update(of=("self",))
        .select_related("person", "round")
    )
    if limit is not None:
        qs = qs.order_by("pk")[:limit]
    forms = list(qs)
    now = timezone.now()
    who = actor_name(roles_of(actor).person, actor)
    moved: Counter = Counter()
    for start in range(0, len(forms), RELEASE_CHUNK):
        chunk = forms[start : start + RELEASE_CHUNK]
        events = []
        for form in chunk:
            old, old_key = form.state, counts.stored_key(form)
            # The round-level permission was checked by the caller; the transition itself is
            # the form's one way from reviewed to released.
            form.release()
            form.released_at = now
            form.updated_at = now
            form.version += 1
            form._counted_key = counts.form_key(form)
            moved.update(counts.change(old_key, form._counted_key))
            events.append(
                {
                    "obj": form,
                    "summary": form.person.full_name,
                    "changes": {"state": [old, form.state]},
                }
            )
        AppraisalForm.objects.filter(pk__in=[f.pk for f in chunk], state=State.REVIEWED).update(
            state=State.RELEASED, released_at=now, updated_at=now, version=F("version") + 1
        )
        AppraisalForm.history.bulk_history_create(
            chunk, update=True, default_user=actor, default_date=now
        )
        audit_many(actor=actor, kind=FormEvent.RELEASE, events=events, actor_name=who)
    counts.apply(rnd.pk, moved)
    _notices.released(forms)
    return len(forms)


@transaction.atomic
def round_release(*, actor, rnd: AppraisalRound) -> int:
    """Release every reviewed form in the user's HR scope (or all, for the department's HR)."""
    rnd = lock_round(rnd, None)
    refuse_if_busy(rnd)
    if not rnd.phase_at_least(Phase.REVIEW) or rnd.is_closed:
        raise DomainError(_("ประกาศผลได้เมื่อรอบอยู่ในขั้นตอนทบทวนผลขึ้นไปเท่านั้น"))
    units = round_scope(user=actor, rnd=rnd)
    if not units:
        raise PermissionDenied("appraisal.release_form")
    count = _release_reviewed(actor, rnd, units, skip_own=True)
    audit(actor=actor, kind=RoundEvent.RELEASE, obj=rnd, summary=f"{rnd.code}: {count}")
    return count


def releasable_count(*, actor, rnd: AppraisalRound, units: Iterable[OrgUnit] | None) -> int:
    """How many reviewed forms a release by this officer (in `units`, or the whole round)
    would release."""
    return _reviewed(actor, rnd, units, skip_own=True).count()


@transaction.atomic
def release_batch(
    *,
    actor,
    rnd: AppraisalRound,
    units: Iterable[OrgUnit] | None,
    size: int,
    job: int | None = None,
) -> int:
    """Release up to `size` reviewed forms in a transaction of their own (the background
    worker's step `job` of a large release); 0 when none is left or the round no longer
    releases."""
    rnd = lock_round(rnd, None)
    refuse_if_busy(rnd, own=job)
    if not rnd.phase_at_least(Phase.REVIEW) or rnd.is_closed:
        return 0
    return _release_reviewed(actor, rnd, units, skip_own=True, limit=size)


@transaction.atomic
def round_close(*, actor, rnd: AppraisalRound, expected_version: int | None = None) -> None:
    rnd = lock_round(rnd, expected_version)
    refuse_if_busy(rnd)
    if not has_transition_perm(rnd.close, actor):
        if can(actor, "appraisal.manage_round", rnd):
            raise DomainError(_("ปิดรอบได้หลังประกาศผลแล้วเท่านั้น"))
        raise PermissionDenied("appraisal.manage_round")
    rnd.close()
    rnd.closed_at = timezone.now()
    bump_round(rnd, actor)
    audit(actor=actor, kind=RoundEvent.CLOSE, obj=rnd, summary=rnd.code)


@transaction.atomic
def round_reopen(*, actor, rnd: AppraisalRound, reason: str) -> None:
    """Reopen a closed round: an audited HR action that needs a reason."""
    reason = required_text(reason, _("เหตุผลการเปิดรอบใหม่"), field="reason")
    rnd = lock_round(rnd, None)
    refuse_if_busy(rnd)
    if not has_transition_perm(rnd.reopen, actor):
        if can(actor, "appraisal.manage_round", rnd):
            raise DomainError(_("รอบนี้ยังไม่ได้ปิด"))
        raise PermissionDenied("appraisal.manage_round")
    rnd.reopen()
    rnd.closed_at = None
    rnd.version += 1
    rnd._history_user = actor
    rnd._change_reason = reason
    rnd.save()
    audit(actor=actor, kind=RoundEvent.REOPEN, obj=rnd, summary=reason)
