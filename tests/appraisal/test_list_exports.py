"""The lists HR and evaluators work from (the forms of a round, the progress console, the
distribution's names, ทีมของฉัน): filters by name or staff code, staff group, state, unit and
band, Thai page controls, and an .xlsx export of exactly the rows shown, with no score the
viewer may not see; each at a fixed number of queries whatever the number of forms."""

from __future__ import annotations

import io
from decimal import Decimal

import openpyxl
import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from appraisal import exports, views_hr, views_results, views_team
from appraisal.models import AppraisalForm, StaffGroup, State
from appraisal.services.rounds import round_committee_add
from common.models import AccessRecord, DataAccess
from orgchart import services as org_services
from orgchart.models import HrScope, Person
from tests.appraisal.conftest import form_of, open_round, recount
from tests.factories import make_person

HEADER = [label for label, _width in exports.COLUMNS]


def set_result(forms, *, state=State.SCORED, total="85.50", band="very_good", **extra):
    AppraisalForm.objects.filter(pk__in=[f.pk for f in forms]).update(
        state=state,
        achievement_points=Decimal("60.00"),
        competency_points=Decimal("25.50"),
        total=Decimal(total),
        band=band,
        final_total=Decimal(total),
        final_band=band,
        **extra,
    )
    recount(forms[0].round)


@pytest.fixture
def world(org):
    return results_world(org)


def results_world(org):
    """Round 2570-1 with s1 very good (released), s3 outstanding (scored), s4 fair (reviewed),
    s2 agreed with nothing scored; s4 a government employee."""
    o = org
    o.round = open_round(o)
    set_result([form_of(o.round, o.s1)], state=State.RELEASED)
    set_result([form_of(o.round, o.s3)], total="95.00", band="outstanding")
    set_result([form_of(o.round, o.s4)], state=State.REVIEWED, total="65.00", band="fair")
    AppraisalForm.objects.filter(round=o.round, person=o.s2).update(state=State.AGREED)
    AppraisalForm.objects.filter(round=o.round, person=o.s4).update(
        staff_group=StaffGroup.GOVERNMENT_EMPLOYEE
    )
    recount(o.round)
    return o


def workbook(response):
    assert response.status_code == 200, response.status_code
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    assert "attachment" in response["Content-Disposition"]
    assert response["Cache-Control"] == "private, no-store"
    book = openpyxl.load_workbook(io.BytesIO(b"".join(response.streaming_content)))
    ws = book.active
    header = [c.value for c in ws[1]]
    assert header == HEADER
    assert ws.freeze_panes == "A2"
    assert ws.auto_filter.ref == f"A1:L{ws.max_row}"
    cells = [c for row in ws.iter_rows() for c in row]
    assert not [c.coordinate for c in cells if c.data_type == "f"]
    rows = {r[0]: r for r in ws.iter_rows(min_row=2, values_only=True)}
    return rows


def codes(page) -> set[str]:
    return {f.person.staff_code for f in page}


# --- the forms of a round --------------------------------------------------------------------


def test_forms_list_filters_by_group_band_name_state_and_unit_subtree(client, world):
    o = world
    client.force_login(o.hr)
    url = reverse("appraisal:round_forms", args=[o.round.pk])

    def shown(**params):
        response = client.get(url, params)
        assert response.status_code == 200
        return codes(response.context["page"])

    everyone = shown()
    assert len(everyone) == AppraisalForm.objects.filter(round=o.round).count()
    assert shown(group=StaffGroup.GOVERNMENT_EMPLOYEE) == {o.s4.staff_code}
    assert shown(band="outstanding") == {o.s3.staff_code}
    assert shown(who="สมชาย") == {o.s1.staff_code}
    assert shown(who=o.s2.staff_code) == {o.s2.staff_code}
    assert shown(state=State.REVIEWED) == {o.s4.staff_code}
    # A unit with its subtree: div1 holds grp1 and grp2.
    in_div1 = shown(unit=o.div1.pk)
    assert {o.s1.staff_code, o.s3.staff_code, o.grp1_head.staff_code} <= in_div1
    assert o.s4.staff_code not in in_div1
    # Unknown values are ignored, never a 500.
    assert shown(group="x", band="y", state="z") == everyone


def test_forms_list_pages_with_thai_controls_keeping_the_filters(client, world, monkeypatch):
    o = world
    monkeypatch.setattr(views_results, "PER_PAGE", 2)
    client.force_login(o.hr)
    url = reverse("appraisal:round_forms", args=[o.round.pk])
    response = client.get(url, {"unit": o.div1.pk})
    page = response.context["page"]
    assert page.paginator.num_pages > 1 and len(page) == 2
    body = response.content.decode()
    assert "ถัดไป" in body and f"หน้า 1 จาก {page.paginator.num_pages}" in body
    assert f"unit={o.div1.pk}&amp;page=2" in body
    second = client.get(url, {"unit": o.div1.pk, "page": 2}).context["page"]
    assert not codes(page) & codes(second)
    assert client.get(url, {"page": "x"}).status_code == 200


def test_forms_export_holds_the_filtered_rows_with_every_column(client, world):
    o = world
    client.force_login(o.hr)
    url = reverse("appraisal:round_forms_xlsx", args=[o.round.pk])
    before = AccessRecord.objects.filter(what=DataAccess.LIST_EXPORT).count()
    rows = workbook(client.get(url, {"unit": o.div1.pk, "band": "outstanding"}))
    assert set(rows) == {o.s3.staff_code}
    s3 = rows[o.s3.staff_code]
    f3 = form_of(o.round, o.s3)
    assert s3[1] == o.s3.full_name and s3[2] == f3.position_title
    assert s3[3] == f3.position_number and s3[4] == o.grp2.name
    assert s3[5] == f3.evaluator.full_name and s3[6] == str(State.SCORED.label)
    assert [Decimal(str(v)) for v in s3[7:9]] == [Decimal("60"), Decimal("25.5")]
    assert s3[9] is None  # no other component in this round
    assert Decimal(str(s3[10])) == Decimal("95") and s3[11] == "ดีเด่น"
    # The whole list (all pages) without filters: one row a form.
    rows = workbook(client.get(url))
    assert len(rows) == AppraisalForm.objects.filter(round=o.round).count()
    assert rows[o.s2.staff_code][10] is None and rows[o.s2.staff_code][11] is None
    # Each download goes to the access log.
    assert AccessRecord.objects.filter(what=DataAccess.LIST_EXPORT).count() == before + 2


def test_hr_subtree_exports_its_scope_only(client, world):
    o = world
    client.force_login(o.hr_div2)
    rows = workbook(client.get(reverse("appraisal:round_forms_xlsx", args=[o.round.pk])))
    assert o.s4.staff_code in rows and o.s1.staff_code not in rows
    # A unit outside the scope is not found.
    response = client.get(
        reverse("appraisal:round_forms_xlsx", args=[o.round.pk]), {"unit": o.div1.pk}
    )
    assert response.status_code == 404


def test_an_officers_own_unreleased_result_leaks_nowhere(client, world):
    """s3 becomes HR of the department: their own scored form is listed without its figures,
    and no band filter reveals it (DOMAIN §8)."""
    o = world
    HrScope.objects.create(user=o.s3.user, unit=o.dept)
    client.force_login(o.s3.user)
    url = reverse("appraisal:round_forms_xlsx", args=[o.round.pk])
    rows = workbook(client.get(url))
    assert rows[o.s3.staff_code][7:] == (None,) * 5
    assert o.s3.staff_code not in workbook(client.get(url, {"band": "outstanding"}))
    page = client.get(reverse("appraisal:round_forms", args=[o.round.pk]), {"band": "outstanding"})
    assert not page.context["page"].object_list
    mine = client.get(reverse("appraisal:round_forms", args=[o.round.pk]), {"who": "สมศักดิ์"})
    f = mine.context["page"][0]
    assert f.shown_total is None and f.band_label == ""


def test_a_formula_looking_name_is_written_as_text(client, world):
    o = world
    Person.objects.filter(pk=o.s1.pk).update(last_name='=HYPERLINK("http://evil.example","x")')
    client.force_login(o.hr)
    response = client.get(reverse("appraisal:round_forms_xlsx", args=[o.round.pk]))
    book = openpyxl.load_workbook(io.BytesIO(b"".join(response.streaming_content)))
    cells = [c for row in book.active.iter_rows() for c in row]
    evil = [c for c in cells if isinstance(c.value, str) and "HYPERLINK" in c.value]
    assert evil and all(c.data_type == "s" for c in evil)


# --- the progress console --------------------------------------------------------------------


def test_console_counts_follow_the_filters_and_link_the_export(client, world):
    o = world
    client.force_login(o.hr)
    url = reverse("appraisal:round_console", args=[o.round.pk])
    everyone = client.get(url).context["total"]
    assert everyone == AppraisalForm.objects.filter(round=o.round).count()
    response = client.get(url, {"group": StaffGroup.GOVERNMENT_EMPLOYEE})
    assert response.context["total"] == 1
    assert client.get(url, {"who": "สมชาย"}).context["total"] == 1
    assert client.get(url, {"band": "very_good"}).context["total"] == 1
    body = response.content.decode()
    export = reverse("appraisal:round_forms_xlsx", args=[o.round.pk])
    assert f'href="{export}?group=government_employee"' in body
    # The cells open the forms list under the same filters.
    assert "group=government_employee&amp;state=" in body


def test_console_pages_its_unit_rows(client, world, monkeypatch):
    o = world
    monkeypatch.setattr(views_hr, "PER_PAGE", 1)
    client.force_login(o.hr)
    response = client.get(reverse("appraisal:round_console", args=[o.round.pk]))
    page = response.context["page"]
    assert len(page) == 1 and page.paginator.num_pages > 1
    assert "ถัดไป" in response.content.decode()


# --- the distribution ------------------------------------------------------------------------


def test_distribution_names_filter_page_and_export_for_the_committee(client, world):
    """A committee member (s2, not HR) sees the top-rated names with total and band, not their
    components; filters narrow the names and the export alike."""
    o = world
    round_committee_add(actor=o.hr, rnd=o.round, expected_version=None, staff_code=o.s2.staff_code)
    client.force_login(o.s2.user)
    url = reverse("appraisal:distribution", args=[o.round.pk])
    names = client.get(url).context["names"]
    assert codes(names) == {o.s1.staff_code, o.s3.staff_code}
    assert codes(client.get(url, {"band": "outstanding"}).context["names"]) == {o.s3.staff_code}
    assert codes(client.get(url, {"who": "สมชาย"}).context["names"]) == {o.s1.staff_code}
    xlsx = reverse("appraisal:distribution_xlsx", args=[o.round.pk])
    rows = workbook(client.get(xlsx))
    assert set(rows) == {o.s1.staff_code, o.s3.staff_code}
    assert rows[o.s3.staff_code][7:10] == (None, None, None)
    assert Decimal(str(rows[o.s3.staff_code][10])) == Decimal("95")
    assert rows[o.s3.staff_code][11] == "ดีเด่น"
    assert set(workbook(client.get(xlsx, {"band": "very_good"}))) == {o.s1.staff_code}
    # HR sees the components too.
    client.force_login(o.hr)
    rows = workbook(client.get(xlsx))
    assert Decimal(str(rows[o.s3.staff_code][7])) == Decimal("60")


def test_a_committee_members_own_unreleased_form_is_left_out_of_the_names(client, world):
    o = world
    round_committee_add(actor=o.hr, rnd=o.round, expected_version=None, staff_code=o.s3.staff_code)
    client.force_login(o.s3.user)
    rows = workbook(client.get(reverse("appraisal:distribution_xlsx", args=[o.round.pk])))
    assert set(rows) == {o.s1.staff_code}


# --- my team ---------------------------------------------------------------------------------


def test_team_filters_and_exports_the_scores_the_evaluator_gave(client, world):
    o = world
    client.force_login(o.grp1_head.user)
    url = reverse("appraisal:team")
    everyone = codes(client.get(url).context["page"])
    assert everyone == {o.s1.staff_code, o.s2.staff_code}
    assert codes(client.get(url, {"who": "สมหญิง"}).context["page"]) == {o.s2.staff_code}
    assert codes(client.get(url, {"band": "very_good"}).context["page"]) == {o.s1.staff_code}
    assert codes(client.get(url, {"state": State.AGREED}).context["page"]) == {o.s2.staff_code}
    xlsx = reverse("appraisal:team_xlsx")
    rows = workbook(client.get(xlsx))
    assert set(rows) == everyone
    assert Decimal(str(rows[o.s1.staff_code][10])) == Decimal("85.5")
    assert rows[o.s1.staff_code][11] == "ดีมาก"
    assert rows[o.s2.staff_code][10] is None
    assert set(workbook(client.get(xlsx, {"who": "สมหญิง"}))) == {o.s2.staff_code}
    assert AccessRecord.objects.filter(what=DataAccess.LIST_EXPORT, user=o.grp1_head.user).exists()


def test_the_appraisee_exports_no_team_and_sees_nothing_early(client, world):
    o = world
    client.force_login(o.s3.user)
    assert client.get(reverse("appraisal:team_xlsx")).status_code == 404
    assert client.get(reverse("appraisal:round_forms_xlsx", args=[o.round.pk])).status_code == 403
    assert client.get(reverse("appraisal:distribution_xlsx", args=[o.round.pk])).status_code == 403


def test_team_pages_with_thai_controls(client, world, monkeypatch):
    o = world
    monkeypatch.setattr(views_team, "PER_PAGE", 1)
    client.force_login(o.grp1_head.user)
    response = client.get(reverse("appraisal:team"))
    assert len(response.context["page"]) == 1
    assert "หน้า 1 จาก 2" in response.content.decode()


# --- query budgets ---------------------------------------------------------------------------


def grow(o, n_units=6, per_unit=4):
    """More units and people under the department, each with a scored form; and more of the
    evaluator's team (grp1)."""
    for i in range(n_units):
        unit = org_services.unit_create(code=f"DEPT-8{i:02d}", name=f"กองเพิ่ม {i}", parent=o.dept)
        for j in range(per_unit):
            make_person(unit, f"8{i:02d}{j}", f"เพิ่ม{i}{j}")
    for j in range(8):
        make_person(o.grp1, f"77{j:02d}", f"ทีม{j}")


def budget(client, user, url, params):
    client.force_login(user)
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url, params)
    assert response.status_code == 200, (url, response.status_code)
    if hasattr(response, "streaming_content"):
        b"".join(response.streaming_content)
    return len(ctx.captured_queries)


def test_lists_and_exports_cost_the_same_queries_for_few_and_many(client, org):
    """Every form of a grown organisation scored, then the grown people's forms removed: the
    same number of queries for each list page and export."""
    o = org
    grow(o)
    rnd = open_round(o)
    set_result(list(AppraisalForm.objects.filter(round=rnd)))
    round_committee_add(actor=o.hr, rnd=rnd, expected_version=None, staff_code=o.s2.staff_code)
    r = rnd.pk
    pages = [
        (o.hr, reverse("appraisal:round_forms", args=[r]), {"group": "civil_servant"}),
        (o.hr, reverse("appraisal:round_forms_xlsx", args=[r]), {"band": "very_good"}),
        (o.hr_div2, reverse("appraisal:round_forms_xlsx", args=[r]), {}),
        (o.hr, reverse("appraisal:round_console", args=[r]), {"who": "สม"}),
        (o.hr, reverse("appraisal:round_console", args=[r]), {}),
        (o.hr, reverse("appraisal:distribution", args=[r]), {"band": "very_good"}),
        (o.s2.user, reverse("appraisal:distribution_xlsx", args=[r]), {}),
        (o.hr, reverse("appraisal:distribution_xlsx", args=[r]), {}),
        (o.grp1_head.user, reverse("appraisal:team"), {"round": r}),
        (o.grp1_head.user, reverse("appraisal:team"), {"round": r, "who": "สม"}),
        (o.grp1_head.user, reverse("appraisal:team_xlsx"), {"round": r}),
    ]
    many = [budget(client, u, url, p) for u, url, p in pages]
    grown = AppraisalForm.objects.filter(round=rnd).filter(person__first_name__regex=r"^(เพิ่ม|ทีม)")
    assert grown.count() == 6 * 4 + 8
    grown.delete()
    few = [budget(client, u, url, p) for u, url, p in pages]
    labels = [f"{url} {p}" for _u, url, p in pages]
    assert few == many, list(zip(labels, few, many, strict=True))


# --- a unit's staff list ---------------------------------------------------------------------


def test_unit_staff_list_finds_people_by_name_or_staff_code(client, world, monkeypatch):
    from orgchart import views as org_views

    o = world
    client.force_login(o.hr)
    url = reverse("orgchart:unit", args=[o.grp1.pk])
    found = client.get(url, {"who": "สมหญิง"})
    assert [p.pk for p in found.context["people"]] == [o.s2.pk]
    assert [p.pk for p in client.get(url, {"who": o.s1.staff_code}).context["people"]] == [o.s1.pk]
    monkeypatch.setattr(org_views, "PEOPLE_PER_PAGE", 1)
    body = client.get(url, {"who": "สม"}).content.decode()
    assert "หน้า 1 จาก 2" in body and "who=%E0%B8%AA%E0%B8%A1&amp;page=2" in body
