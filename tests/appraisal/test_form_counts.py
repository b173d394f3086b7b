"""The per-unit form counts of a round (issue 15): kept by the services as the forms change,
equal to a recount, rebuilt by a command, recounted after a unit move, and read by the
department pages in queries that do not grow with the number of forms."""

from __future__ import annotations

import threading

import pytest
from django.core.management import CommandError, call_command
from django.db import connection
from django.db.models import F
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from appraisal import counts, selectors
from appraisal.models import AppraisalForm, UnitFormCount
from appraisal.services.agreements import agreement_save, agreement_submit
from appraisal.services.review import form_acknowledge
from orgchart import services as org_services
from tests.appraisal.conftest import (
    appraisal_world,
    count_problems,
    form_of,
    open_round,
    recount,
    three_items,
)
from tests.factories import build_org, informed, make_person


def test_a_round_opens_with_counts_of_every_unit_subtree(org):
    rnd = open_round(org)
    assert count_problems() == []
    totals = selectors.progress_counts(rnd, [org.dept, org.div1, org.div2])
    forms = AppraisalForm.objects.filter(round=rnd)
    assert sum(totals[org.dept.pk]) == forms.count()
    assert sum(totals[org.div2.pk]) == forms.filter(unit=org.div2).count()
    assert sum(totals[org.div1.pk]) + sum(totals[org.div2.pk]) + forms.filter(
        unit=org.dept
    ).count() == sum(totals[org.dept.pk])


def test_the_counts_follow_agreements_scores_and_results_through_the_services(org):
    o = appraisal_world(org)
    assert count_problems() == []
    f3 = informed(o.f3)
    form_acknowledge(actor=org.s3.user, form=f3, expected_version=f3.version)
    assert count_problems() == []


def test_the_counts_follow_the_services_when_their_chains_are_read_from_the_trees(org, monkeypatch):
    """counts.apply's other way, for deltas over many units (a release of a department): the
    chains read from the whole trees and the rows added in chunks, here of two rows."""
    monkeypatch.setattr(counts, "_FEW_UNITS", 0)
    monkeypatch.setattr(connection.features, "max_query_params", 15)
    o = appraisal_world(org)
    assert count_problems() == []
    f3 = informed(o.f3)
    form_acknowledge(actor=org.s3.user, form=f3, expected_version=f3.version)
    assert count_problems() == []


def test_a_form_save_moves_its_counts_in_one_statement(org):
    """The chain of the form's unit read, the old key's rows taken down and the new key's
    added (created where missing): one statement, whatever the depth of the unit."""
    rnd = open_round(org)
    form = form_of(rnd, org.s1)
    before = counts.stored(rnd)
    with CaptureQueriesContext(connection) as ctx:
        form = agreement_save(
            actor=org.s1.user, form=form, expected_version=form.version, items=three_items()
        )
        form = agreement_submit(actor=org.s1.user, form=form, expected_version=form.version)
    # Two saves (not started to draft, draft to submitted): one statement each.
    assert len([q for q in ctx if "unitformcount" in q["sql"]]) == 2
    assert count_problems() == []
    after = counts.stored(rnd)
    chain = [u.pk for u in form.unit.get_ancestors(include_self=True)]
    old_key = ("not_started", "", form.staff_group)
    new_key = ("submitted", "", form.staff_group)
    for unit in chain:
        assert after.get((unit, *old_key), 0) == before[(unit, *old_key)] - 1
        assert after[(unit, *new_key)] == before.get((unit, *new_key), 0) + 1


def test_the_rebuild_command_gives_the_counts_the_writes_kept(org):
    o = appraisal_world(org)
    kept = counts.stored(o.round)
    call_command("rebuild_form_counts")
    assert counts.stored(o.round) == kept
    call_command("rebuild_form_counts", "--round", o.round.code, "--check")
    # A count gone wrong outside the services: --check says so, a rebuild repairs it.
    UnitFormCount.objects.filter(round=o.round, unit=org.dept).update(n=F("n") + 3)
    with pytest.raises(CommandError):
        call_command("rebuild_form_counts", "--check")
    call_command("rebuild_form_counts", "--round", o.round.code)
    call_command("rebuild_form_counts", "--round", o.round.code)  # idempotent
    assert counts.stored(o.round) == kept


def test_a_unit_moved_to_another_parent_takes_its_forms_counts_along(org):
    o = appraisal_world(org)
    before = sum(selectors.progress_totals(o.round, [org.div2]))
    grp1_forms = AppraisalForm.objects.filter(round=o.round, unit=org.grp1).count()
    assert grp1_forms
    org_services.unit_move(unit=org.grp1, new_parent=org.div2)
    org.div2.refresh_from_db()
    assert count_problems() == []
    assert sum(selectors.progress_totals(o.round, [org.div2])) == before + grp1_forms


def test_the_distribution_from_the_counts_equals_a_count_of_the_forms(org):
    """The subtree counts less the viewer's own unreleased result give the figures a count of
    the forms gives (units=None still counts the forms)."""
    o = appraisal_world(org)
    o.round.department.refresh_from_db()
    for viewer in (None, org.s3, org.s1, org.director):
        by_forms = selectors.distribution(o.round, None, viewer=viewer)
        by_counts = selectors.distribution(o.round, [o.round.department], viewer=viewer)
        assert by_counts == by_forms, viewer
    # s3's own scored form is left out of what s3 sees.
    assert selectors.distribution(o.round, [org.dept], viewer=org.s3)["total"] == (
        selectors.distribution(o.round, [org.dept])["total"] - 1
    )


def _add_forms(rnd, org, n: int) -> None:
    """n more people with a form in the round (set outside the services), then a recount."""
    template = form_of(rnd, org.s1)
    for i in range(n):
        unit = (org.grp1, org.grp2, org.div2)[i % 3]
        template.pk = None
        template.person = make_person(unit, f"77{i:03d}", f"เพิ่ม{i}")
        template.unit = unit
        template.save()
    recount(rnd)


def test_the_department_pages_cost_the_same_queries_for_few_and_many_forms(client, org):
    rnd = open_round(org)
    pages = [
        reverse("appraisal:rounds"),
        reverse("appraisal:round_console", args=[rnd.pk]),
        reverse("appraisal:distribution", args=[rnd.pk]),
        reverse("reports:round", args=[rnd.pk]),
    ]
    client.force_login(org.hr)

    def queries():
        out = []
        for url in pages:
            with CaptureQueriesContext(connection) as ctx:
                response = client.get(url)
            assert response.status_code == 200, url
            out.append(len(ctx.captured_queries))
        return out

    few = queries()
    total_before = client.get(pages[1]).context["total"]
    _add_forms(rnd, org, 30)
    assert queries() == few
    assert client.get(pages[1]).context["total"] == total_before + 30


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_concurrent_submissions_under_one_department_lose_no_count():
    """Seven people submit their agreements at the same moment: every submission moves a count
    in the same department rows, under row locks taken in one order: none is lost and no two
    writers deadlock."""
    org = build_org()
    rnd = open_round(org)
    names = ["s1", "s2", "s3", "s4", "grp1_head", "div1_head", "div2_head"]
    forms = {}
    for name in names:
        person = getattr(org, name)
        form = form_of(rnd, person)
        forms[name] = agreement_save(
            actor=person.user, form=form, expected_version=form.version, items=three_items()
        )
    barrier = threading.Barrier(len(names))
    errors: list[BaseException] = []

    def worker(name: str) -> None:
        try:
            barrier.wait()
            form = forms[name]
            agreement_submit(
                actor=getattr(org, name).user, form=form, expected_version=form.version
            )
        except BaseException as exc:  # noqa: BLE001 - reported by the main thread
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=worker, args=(name,)) for name in names]
    try:
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        assert errors == []
        assert count_problems() == []
        submitted = selectors.progress_totals(rnd, [org.dept])[
            selectors.PROGRESS_STATES.index("submitted")
        ]
        assert submitted == len(names)
    finally:
        connection.close()


def test_each_unit_counts_in_its_ancestors_read_up_the_parent_links(org, monkeypatch):
    """counts._chains, both ways (up the parent links for a few units, from the whole trees
    for many), against django-mptt's own ancestors of every unit."""
    from orgchart.models import OrgUnit

    units = list(OrgUnit.objects.all())
    expected = {u.pk: sorted(a.pk for a in u.get_ancestors(include_self=True)) for u in units}
    assert any(len(chain) > 2 for chain in expected.values())  # a tree deeper than two levels
    for u in units:
        assert sorted(counts._chains([u.pk])[u.pk]) == expected[u.pk]
    few = counts._chains([u.pk for u in units[:3]])
    assert {k: sorted(v) for k, v in few.items()} == {u.pk: expected[u.pk] for u in units[:3]}
    monkeypatch.setattr(counts, "_FEW_UNITS", 0)  # the whole trees' way
    many = counts._chains([u.pk for u in units])
    assert {k: sorted(v) for k, v in many.items()} == expected
