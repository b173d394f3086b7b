"""The look-ups compiled once (common.compiled) give exactly what the ORM gives: every column
of the object and of each related object, the annotations, the same queries seen by the
connection's wrappers; a locking look-up still refuses to run outside a transaction, and an id
no form can have finds nothing."""

import datetime as dt
from types import SimpleNamespace

import pytest
from django.db import connection, transaction
from django.db.models import Q
from django.db.transaction import TransactionManagementError
from django.test.utils import CaptureQueriesContext

from appraisal.models import AppraisalForm, FormKpi
from appraisal.selectors import _FORM_BY_ID, form_for, kpi_rows
from appraisal.services._forms import _LOCKED
from common.compiled import CompiledLookup
from orgchart.models import Person
from orgchart.selectors import _PERSON_OF_USER


def columns(obj):
    return {f.attname: getattr(obj, f.attname) for f in obj._meta.concrete_fields}


def same(a, b, related=()):
    assert type(a) is type(b)
    assert columns(a) == columns(b)
    assert a._state.db == b._state.db and a._state.adding is b._state.adding is False
    for path in related:
        x, y = a, b
        for name in path.split("__"):
            x, y = getattr(x, name), getattr(y, name)
        assert (x is None) is (y is None), path
        if x is not None:
            assert columns(x) == columns(y), path


def test_the_form_look_up_equals_the_orm(world):
    related = ("round", "round__department", "person", "person__position", "unit")
    for form in AppraisalForm.objects.all():
        expected = AppraisalForm.objects.select_related(
            "round__department", "person__position", "unit"
        ).get(pk=form.pk)
        (found,) = _FORM_BY_ID(pk=form.pk)
        same(expected, found, related)
    assert _FORM_BY_ID(pk=10**9) == []


def test_the_kpi_rows_equal_the_related_manager_and_hold_the_form(world):
    checked = 0
    for form in AppraisalForm.objects.all():
        expected = list(form.kpis.select_related("kpi"))
        found = kpi_rows(form)
        assert [r.pk for r in found] == [r.pk for r in expected]  # the rows' own order
        for a, b in zip(expected, found, strict=True):
            same(a, b, ("kpi",))
            assert b.form is form
            checked += 1
    assert checked >= 6


def test_the_person_of_a_user_equals_the_orm_with_its_annotation(world):
    from orgchart.models import HrScope

    people = list(Person.objects.filter(user__isnull=False).select_related("user", "unit"))
    HrScope.objects.create(user=people[0].user, unit=people[0].unit)  # a person doing HR
    users = [p.user for p in people]
    hr_flags = set()
    for user in users:
        expected = list(
            Person.objects.select_related("unit", "position").filter(user=user, is_active=True)
        )
        found = _PERSON_OF_USER(user_id=user.pk)
        assert len(found) == len(expected) == 1
        same(expected[0], found[0], ("unit", "position"))
        assert found[0].has_hr_scope is HrScope.objects.filter(user=user).exists()
        hr_flags.add(found[0].has_hr_scope)
    assert hr_flags == {True, False}


def test_each_call_is_one_query_seen_by_the_connection(world):
    _FORM_BY_ID(pk=world.f1.pk)  # compiled
    with CaptureQueriesContext(connection) as ctx:
        _FORM_BY_ID(pk=world.f1.pk)
        _FORM_BY_ID(pk=world.f2.pk)
    assert len(ctx.captured_queries) == 2
    assert str(world.f2.pk) in ctx.captured_queries[1]["sql"]


def test_the_lock_needs_a_transaction_and_takes_the_row(world):
    with transaction.atomic():
        (locked,) = _LOCKED(pk=world.f1.pk)
    same(AppraisalForm.objects.select_related("round").get(pk=world.f1.pk), locked, ("round",))
    if connection.features.has_select_for_update:
        with CaptureQueriesContext(connection) as ctx, transaction.atomic():
            _LOCKED(pk=world.f1.pk)
        assert any("FOR UPDATE" in q["sql"] for q in ctx.captured_queries)


@pytest.mark.django_db(transaction=True)
def test_outside_a_transaction_the_lock_is_refused_as_the_orm_refuses_it():
    if not connection.features.has_select_for_update:
        pytest.skip("SQLite takes no row locks")
    with pytest.raises(TransactionManagementError):
        list(AppraisalForm.objects.select_for_update().filter(pk=1))
    with pytest.raises(TransactionManagementError):
        _LOCKED(pk=1)


def test_an_id_beyond_any_form_finds_nothing(world):
    assert form_for(world.hr, 10**30) is None
    assert form_for(world.hr, 0) is None


def test_a_value_the_sql_does_not_carry_falls_back_to_the_orm(world):
    # filter(pk__in=[...]) puts the marker inside a list: not a parameter of its own.
    look = CompiledLookup(lambda pks: FormKpi.objects.filter(pk__in=pks), "pks")
    rows = list(FormKpi.objects.all()[:2])
    assert {r.pk for r in look(pks=[r.pk for r in rows])} == {r.pk for r in rows}


def test_every_look_up_is_compiled_not_fallen_back(world):
    from django.db import DEFAULT_DB_ALIAS

    from appraisal.models import FORM_TIMELINE, IdpFollowUp, IdpRow
    from appraisal.models import FormCompetency as Competency
    from appraisal.selectors import (
        _FORM_EVENTS,
        _KPI_ROWS,
        _PEOPLE_OF_3,
        _PROGRESS_OF_FORM,
        _ROWS_OF_FORM,
        checkin_progress,
        form_events,
        form_rows,
    )
    from appraisal.views_staff import _KPI_CHOICES, _kpi_options
    from pms_site.context_processors import _NAV_FACTS, _nav_facts

    form = form_for(world.hr, world.f1.pk)
    _PERSON_OF_USER(user_id=world.hr.pk)
    with transaction.atomic():
        _LOCKED(pk=world.f1.pk)
    kpi_rows(form)
    form_events(form=form)
    form_events(form=form, kinds=FORM_TIMELINE)
    _nav_facts(SimpleNamespace(user=world.grp1_head.user), world.grp1_head)
    _kpi_options(form, [])
    for model in (Competency, IdpRow, IdpFollowUp):
        form_rows(form, model)
    checkin_progress(form=form)
    looks = [_FORM_BY_ID, _PERSON_OF_USER, _LOCKED, _KPI_ROWS, _PEOPLE_OF_3, _NAV_FACTS]
    looks += [_KPI_CHOICES, _PROGRESS_OF_FORM, *_ROWS_OF_FORM.values(), *_FORM_EVENTS.values()]
    for look in looks:
        assert look._by_db[DEFAULT_DB_ALIAS] is not None, look.build


def with_kpis(world):
    """Unit KPIs of f1's unit and of another unit, and s1's personal KPI, in the round's year."""
    from kpi.models import KpiTier
    from tests.kpi.conftest import YEAR, make_kpi

    assert world.round.fiscal_year == YEAR
    unit = world.f1.unit
    world.kpis = [
        make_kpi(unit, tier=KpiTier.UNIT, code="2"),
        make_kpi(unit, tier=KpiTier.UNIT, code="1"),
        make_kpi(unit, tier=KpiTier.PERSON, code="9", person=world.f1.person),
        make_kpi(world.f4.unit, tier=KpiTier.UNIT, code="3"),
    ]
    return world


def test_the_events_the_navigation_and_the_kpi_choices_equal_the_orm(world):
    with_kpis(world)
    from appraisal.models import FORM_TIMELINE
    from appraisal.selectors import form_events
    from appraisal.views_staff import _kpi_options
    from common.models import AuditEvent
    from kpi.models import Kpi

    offered = 0
    for form in AppraisalForm.objects.select_related("round"):
        for kinds in (None, FORM_TIMELINE):
            qs = AuditEvent.objects.filter(
                object_type="appraisal.appraisalform", object_id=str(form.pk)
            )
            if kinds is not None:
                qs = qs.filter(kind__in=[str(k) for k in kinds])
            expected = list(qs.select_related("actor").order_by("at", "pk"))
            found = form_events(form=form, kinds=kinds)
            assert [e.pk for e in found] == [e.pk for e in expected]
            for a, b in zip(expected, found, strict=True):
                same(a, b, ("actor",))
        rows = list(form.kpis.all())
        options = _kpi_options(form, rows)
        expected = list(
            Kpi.objects.filter(
                (
                    Q(unit_id=form.unit_id) & ~Q(tier="person")
                    | Q(tier="person", person_id=form.person_id)
                )
                & Q(fiscal_year=form.round.fiscal_year)
                | Q(pk__in=[r.kpi_id for r in rows if r.kpi_id])
            ).order_by("tier", "code", "pk")
        )
        assert [pk for pk, _label in options.choices] == [k.pk for k in expected]
        offered += len(options.choices)
    assert offered >= 3


def test_the_navigation_facts_equal_the_plain_queries(world):
    """The navigation bar reads a user's unread notices and whether they evaluate anyone in a
    round not closed in one query (pms_site.context_processors): the same answers as counting
    the notices and asking the ORM for such a round."""
    from django.contrib.auth import get_user_model
    from django.utils import timezone

    from appraisal.models import AppraisalRound, Phase
    from appraisal.selectors import round_has_forms_of
    from notices.models import Notice, NoticeKind
    from pms_site.context_processors import _nav_facts

    people = [p for p in Person.objects.select_related("user") if p.user_id]
    for i, person in enumerate(people[:4]):
        for read in [None] * (i + 1) + [timezone.now()]:
            Notice.objects.create(
                recipient=person.user, kind=NoticeKind.SUBMITTED, title="x", url="/", read_at=read
            )
    answers = set()
    for person in [None, *people]:
        # A user without a person (an administrator) evaluates nobody.
        user = person.user if person else get_user_model().objects.create(username="admin-x")
        request = SimpleNamespace(user=user)
        expected = (
            Notice.objects.filter(recipient=user, read_at=None).count(),
            person is not None
            and AppraisalRound.objects.exclude(phase=Phase.CLOSED)
            .filter(round_has_forms_of(person))
            .exists(),
        )
        with CaptureQueriesContext(connection) as ctx:
            assert _nav_facts(request, person) == expected
            assert _nav_facts(request, person) == expected
        assert len(ctx.captured_queries) == 1
        answers.add(expected)
    assert {n for n, _team in answers} >= {0, 1, 4} and {t for _n, t in answers} == {True, False}


def test_a_kpi_linked_from_elsewhere_keeps_the_databases_order(world):
    from appraisal.views_staff import _kpi_options
    from kpi.models import Kpi

    with_kpis(world)
    form = world.f1
    elsewhere = world.kpis[3]
    assert elsewhere.unit_id != form.unit_id
    rows = [SimpleNamespace(kpi_id=elsewhere.pk)]
    choices = [pk for pk, _label in _kpi_options(form, rows).choices]
    expected = Kpi.objects.filter(pk__in=[k.pk for k in world.kpis]).order_by("tier", "code", "pk")
    assert choices == [k.pk for k in expected]


def test_a_constant_equal_to_a_marker_is_never_taken_for_a_value(world):
    from django.db import DEFAULT_DB_ALIAS

    from common.compiled import _MARKERS

    look = CompiledLookup(lambda pk: FormKpi.objects.filter(pk=pk).exclude(order=_MARKERS[0]), "pk")
    row = FormKpi.objects.first()
    assert [r.pk for r in look(pk=row.pk)] == [row.pk]
    assert look._by_db[DEFAULT_DB_ALIAS] is None  # run through the ORM instead


def test_a_forms_rows_and_its_check_in_progress_equal_the_orm(world):
    from appraisal.models import CheckIn, CheckInProgress, IdpFollowUp, IdpRow
    from appraisal.models import FormCompetency as Competency
    from appraisal.selectors import checkin_progress, form_rows

    form = world.f1
    rows = list(form.kpis.all())
    checkin = CheckIn.objects.create(form=form, on=dt.date(2026, 3, 1), author=form.person)
    for r in rows:
        CheckInProgress.objects.create(checkin=checkin, item=r, result="ครึ่งทาง", milestone=3)
    IdpRow.objects.create(form=form, order=2, topic="ข", method="อบรม", period="ไตรมาส 2")
    IdpRow.objects.create(form=form, order=1, topic="ก", method="สอนงาน", period="ไตรมาส 1")
    seen = set()
    for f in AppraisalForm.objects.all():
        for model, related in (
            (Competency, "competencies"),
            (IdpRow, "idp"),
            (IdpFollowUp, "idp_followups"),
        ):
            expected = list(getattr(f, related).all())
            found = form_rows(f, model)
            assert [r.pk for r in found] == [r.pk for r in expected]
            for a, b in zip(expected, found, strict=True):
                same(a, b)
                assert b.form is f
            seen.add((model, bool(found)))
        expected = list(
            CheckInProgress.objects.filter(item__in=f.kpis.all())
            .select_related("checkin")
            .order_by("checkin__on", "checkin__pk")
        )
        found = [p for rows in checkin_progress(form=f).values() for p in rows]
        assert sorted(p.pk for p in found) == sorted(p.pk for p in expected)
        for item_id, rows in checkin_progress(form=f).items():
            assert [p.pk for p in rows] == [p.pk for p in expected if p.item_id == item_id]
        by_pk = {p.pk: p for p in found}
        for a in expected:
            same(a, by_pk[a.pk], ("checkin",))
    assert (Competency, True) in seen and (IdpRow, True) in seen
