from decimal import Decimal

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from kpi import services
from kpi.models import CascadeMethod, Kpi, KpiAssignment
from kpi.views import OS_PER_PAGE
from orgchart import services as org_services
from tests.factories import make_person
from tests.kpi.conftest import YEAR, make_kpi


def queries(client, url, **params):
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url, params)
    assert response.status_code == 200
    return len(ctx.captured_queries)


def build(org, n: int, tag: str) -> None:
    """n sub-units under div1, n KPIs of div1 with O/S cells, each cascaded to a sub-unit."""
    subs = []
    for i in range(n):
        unit = org_services.unit_create(
            code=f"DEPT-01-{tag}{i:03d}", name=f"งานย่อย {i}", parent=org.div1
        )
        head = make_person(unit, f"{tag}{i:04d}", f"หัวหน้างาน{i}")
        org_services.unit_update(unit=unit, head=head)
        subs.append(unit)
    for i in range(n):
        kpi = make_kpi(org.div1, code=f"K{i:03d}", weight=Decimal("1"))
        KpiAssignment.objects.create(kpi=kpi, role="O", unit=subs[i])
        KpiAssignment.objects.create(kpi=kpi, role="S", unit=subs[(i + 1) % n])
        services.kpi_cascade(
            parent=kpi,
            method=CascadeMethod.DIRECT,
            actor=None,
            children=[services.CascadeChild(unit=subs[i])],
        )


def page_costs(client, org):
    org.div1.refresh_from_db()
    return {
        "list": queries(client, reverse("kpi:unit", kwargs={"pk": org.div1.pk}), year=YEAR),
        "os": queries(client, reverse("kpi:os_matrix", kwargs={"pk": org.div1.pk}), year=YEAR),
        "tree": queries(client, reverse("kpi:cascade_tree", kwargs={"pk": org.div1.pk}), year=YEAR),
    }


def test_os_matrix_and_cascade_tree_cost_the_same_queries_for_5_and_50(client, org):
    client.force_login(org.hr)
    build(org, 5, "A")
    small = page_costs(client, org)
    build(org, 45, "B")
    org.div1.refresh_from_db()
    large = page_costs(client, org)
    assert Kpi.objects.filter(unit=org.div1).count() == 50
    assert org.div1.get_children().count() == 52
    assert small == large


def test_the_os_matrix_page_saves_and_shows_errors_in_thai(client, org):
    kpi = make_kpi(org.div1, code="1", weight=Decimal("100"))
    client.force_login(org.div1_head.user)
    url = reverse("kpi:os_matrix", kwargs={"pk": org.div1.pk})
    g1, g2 = f"u{org.grp1.pk}", f"u{org.grp2.pk}"
    bad = client.post(url, {"year": YEAR, f"c-{kpi.pk}-{g1}": "S", f"c-{kpi.pk}-{g2}": "S"})
    assert bad.status_code == 200
    assert "ต้องมีผู้รับผิดชอบหลัก (O) หนึ่งราย" in bad.content.decode()
    assert not KpiAssignment.objects.exists()
    ok = client.post(
        url,
        {
            "year": YEAR,
            f"c-{kpi.pk}-{g1}": "O",
            f"c-{kpi.pk}-{g2}": "s",
            f"collector-{kpi.pk}": "0004",
        },
    )
    assert ok.status_code == 302
    assert set(KpiAssignment.objects.values_list("role", "unit")) == {
        ("O", org.grp1.pk),
        ("S", org.grp2.pk),
    }
    kpi.refresh_from_db()
    assert kpi.collector == org.s1


def test_the_os_matrix_cells_show_the_roles_as_selects_to_an_editor_and_as_text_otherwise(
    client, org
):
    kpi = make_kpi(org.div1, code="<b>1</b>", weight=Decimal("100"))
    KpiAssignment.objects.create(kpi=kpi, role="O", unit=org.grp1)
    KpiAssignment.objects.create(kpi=kpi, role="S", unit=org.grp2)
    url = reverse("kpi:os_matrix", kwargs={"pk": org.div1.pk})
    g1, g2 = f"u{org.grp1.pk}", f"u{org.grp2.pk}"

    client.force_login(org.div1_head.user)
    html = client.get(url, {"year": YEAR}).content.decode()
    owner = html[html.index(f'name="c-{kpi.pk}-{g1}"') :].split("</select>")[0]
    supporter = html[html.index(f'name="c-{kpi.pk}-{g2}"') :].split("</select>")[0]
    assert '<option value="O" selected>O</option>' in owner and 'S" selected' not in owner
    assert '<option value="S" selected>S</option>' in supporter
    assert "&lt;b&gt;1&lt;/b&gt;" in owner and "<b>1</b>" not in html
    # A wrong save shows the posted roles again, not the stored ones.
    bad = client.post(url, {"year": YEAR, "kpi": kpi.pk, f"c-{kpi.pk}-{g1}": "S"})
    again = bad.content.decode()
    cell = again[again.index(f'name="c-{kpi.pk}-{g1}"') :].split("</select>")[0]
    assert '<option value="S" selected>S</option>' in cell and 'O" selected' not in cell

    client.force_login(org.s1.user)  # may see the unit's KPIs, not edit them
    seen = client.get(url, {"year": YEAR}).content.decode()
    assert f'name="c-{kpi.pk}-' not in seen
    assert seen.count("<strong>O</strong>") == 1 and seen.count("<strong>S</strong>") == 1


def test_the_os_matrix_is_paged_and_searchable_by_kpi_or_sub_unit_and_saves_one_page(client, org):
    g1, g2 = f"u{org.grp1.pk}", f"u{org.grp2.pk}"
    kpis = []
    for i in range(OS_PER_PAGE + 5):
        kpi = make_kpi(org.div1, code=f"{i:03d}", name=f"ตัวชี้วัดที่ {i}", weight=Decimal("1"))
        KpiAssignment.objects.create(kpi=kpi, role="O", unit=org.grp1 if i % 2 else org.grp2)
        kpis.append(kpi)
    kpis[7].name = "ร้อยละผู้ป่วยเบาหวานที่ควบคุมน้ำตาลได้"
    kpis[7].save(update_fields=["name"])
    client.force_login(org.div1_head.user)
    url = reverse("kpi:os_matrix", kwargs={"pk": org.div1.pk})

    first = client.get(url, {"year": YEAR})
    assert [k.pk for k in first.context["rows"]] == [k.pk for k in kpis[:OS_PER_PAGE]]
    assert "หน้า 1 จาก 2" in first.content.decode()
    second = client.get(url, {"year": YEAR, "page": 2})
    assert [k.pk for k in second.context["rows"]] == [k.pk for k in kpis[OS_PER_PAGE:]]

    by_kpi = client.get(url, {"year": YEAR, "q": "เบาหวาน"})
    assert [k.pk for k in by_kpi.context["rows"]] == [kpis[7].pk]
    # A sub-unit's name finds the KPIs it holds a cell in (grp1: the odd ones).
    by_unit = client.get(url, {"year": YEAR, "q": org.grp1.name})
    assert {k.pk for k in by_unit.context["rows"]} == {k.pk for i, k in enumerate(kpis) if i % 2}

    # Saving page 2 writes its rows only; the rows of page 1 keep their cells.
    data = {"year": YEAR, "page": 2}
    data["kpi"] = [k.pk for k in kpis[OS_PER_PAGE:]]
    for k in kpis[OS_PER_PAGE:]:
        data[f"c-{k.pk}-{g1}"] = "S"
        data[f"c-{k.pk}-{g2}"] = "O"
    saved = client.post(url, data)
    assert saved.status_code == 302 and "page=2" in saved["Location"]
    for i, k in enumerate(kpis):
        roles = set(KpiAssignment.objects.filter(kpi=k).values_list("role", "unit"))
        if i >= OS_PER_PAGE:
            assert roles == {("S", org.grp1.pk), ("O", org.grp2.pk)}, i
        else:
            assert roles == {("O", org.grp1.pk if i % 2 else org.grp2.pk)}, i


def test_the_collector_records_a_result_and_sees_the_level(client, org):
    kpi = make_kpi(org.div1, code="1")
    services.kpi_update(kpi=kpi, actor=None, collector=org.s1)
    client.force_login(org.s1.user)
    url = reverse("kpi:record_result", kwargs={"pk": kpi.pk})
    response = client.post(
        url, {"period_end": "31/10/2569", "actual": "85", "evidence": "รายงาน"}, follow=True
    )
    assert "ได้ระดับ 3" in response.content.decode()
    bad = client.post(url, {"period_end": "31/10/2569", "actual": "abc"}, follow=True)
    assert "ผลการดำเนินงาน" in bad.content.decode()
    assert kpi.results.count() == 1


def test_creating_a_kpi_with_bad_thresholds_keeps_the_form_and_says_why(client, org):
    client.force_login(org.div1_head.user)
    url = reverse("kpi:create", kwargs={"pk": org.div1.pk}) + f"?year={YEAR}"
    data = {
        "name": "ร้อยละความพึงพอใจ",
        "measurement": "quantitative",
        "direction": "higher",
        "source": "strategy",
        "frequency": "quarterly",
        "weight": "30",
        "threshold_1": "70",
        "threshold_2": "60",
        "threshold_3": "80",
        "threshold_4": "85",
        "threshold_5": "90",
    }
    response = client.post(url, data)
    assert response.status_code == 200
    assert "เกณฑ์แต่ละระดับต้องเพิ่มขึ้น" in response.content.decode()
    assert not Kpi.objects.exists()
    data["threshold_2"] = "75"
    assert client.post(url, data).status_code == 302
    assert Kpi.objects.get().fiscal_year == YEAR


def test_the_edit_form_refuses_a_stale_version(client, org):
    kpi = make_kpi(org.div1, code="1")
    client.force_login(org.hr)
    url = reverse("kpi:edit", kwargs={"pk": kpi.pk})
    services.kpi_update(kpi=kpi, actor=None, name="มีผู้แก้ก่อน")
    data = {
        "name": "ของฉัน",
        "measurement": "quantitative",
        "direction": "higher",
        "source": "strategy",
        "frequency": "quarterly",
        "version": "1",
        "threshold_1": "60",
        "threshold_2": "70",
        "threshold_3": "80",
        "threshold_4": "90",
        "threshold_5": "100",
    }
    response = client.post(url, data)
    assert "มีผู้อื่นบันทึกตัวชี้วัดนี้ก่อนท่าน" in response.content.decode()
    kpi.refresh_from_db()
    assert kpi.name == "มีผู้แก้ก่อน"


def test_the_cascade_page_splits_and_checks_the_sum(client, org):
    kpi = make_kpi(
        org.div1,
        code="2",
        unit_of_measure="แห่ง",
        threshold_1=Decimal("60"),
        threshold_2=Decimal("80"),
        threshold_3=Decimal("100"),
        threshold_4=Decimal("120"),
        threshold_5=Decimal("140"),
    )
    client.force_login(org.div1_head.user)
    url = reverse("kpi:cascade", kwargs={"pk": kpi.pk})
    g1, g2 = f"u{org.grp1.pk}", f"u{org.grp2.pk}"
    short = client.post(
        url,
        {
            "method": "split",
            f"pick-{g1}": "1",
            f"target-{g1}": "40",
            f"pick-{g2}": "1",
            f"target-{g2}": "50",
        },
    )
    assert "ขาดอีก 10" in short.content.decode()
    assert not kpi.children.exists()
    ok = client.post(
        url,
        {
            "method": "split",
            f"pick-{g1}": "1",
            f"target-{g1}": "50",
            f"pick-{g2}": "1",
            f"target-{g2}": "50",
        },
    )
    assert ok.status_code == 302
    assert sorted(kpi.children.values_list("threshold_3", flat=True)) == [
        Decimal("50"),
        Decimal("50"),
    ]
    garbage = client.post(url, {"method": "split", f"pick-{g1}": "1", f"target-{g1}": "1e999"})
    assert garbage.status_code == 200


def test_the_target_helper_suggests_and_applies_thresholds(client, org):
    kpi = make_kpi(
        org.div1,
        code="3",
        baseline_1=Decimal("70"),
        baseline_2=Decimal("75"),
        baseline_3=Decimal("82"),
    )
    client.force_login(org.div1_head.user)
    url = reverse("kpi:targets", kwargs={"pk": kpi.pk})
    body = client.get(url, {"step": "5"}).content.decode()
    assert "แบบที่ 1" in body and "82" in body
    assert client.post(url, {"step": "5", "apply": "1"}).status_code == 302
    kpi.refresh_from_db()
    assert kpi.thresholds == [
        Decimal("72"),
        Decimal("77"),
        Decimal("82"),
        Decimal("87"),
        Decimal("92"),
    ]


def test_a_head_delegates_kpi_editing_and_the_delegate_can_edit_but_not_delegate(client, org):
    client.force_login(org.div1_head.user)
    url = reverse("kpi:delegates", kwargs={"pk": org.div1.pk})
    assert client.post(url, {"staff_code": "0004", "action": "add"}).status_code == 302
    client.force_login(org.s1.user)
    assert client.get(reverse("kpi:create", kwargs={"pk": org.div1.pk})).status_code == 200
    assert client.post(url, {"staff_code": "0005", "action": "add"}).status_code == 403
    client.force_login(org.div1_head.user)
    client.post(url, {"staff_code": "0004", "action": "remove"})
    client.force_login(org.s1.user)
    assert client.get(reverse("kpi:create", kwargs={"pk": org.div1.pk})).status_code == 403


def test_delegating_to_an_unknown_code_says_so(client, org):
    client.force_login(org.div1_head.user)
    url = reverse("kpi:delegates", kwargs={"pk": org.div1.pk})
    body = client.post(url, {"staff_code": "nope", "action": "add"}, follow=True).content.decode()
    assert "ไม่พบบุคลากรรหัสหรือชื่อ “nope”" in body


def test_the_kpi_pages_link_to_their_pdfs(client, org):
    """The unit's tabs print the OS matrix and cascade; a KPI's page prints its template sheet."""
    kpi = make_kpi(org.div1, code="K001")
    client.force_login(org.div1_head.user)
    pdf = reverse("reports:unit_kpis", args=[org.div1.pk])
    for name in ("kpi:unit", "kpi:os_matrix", "kpi:cascade_tree"):
        page = client.get(reverse(name, args=[org.div1.pk]), {"year": YEAR}).content.decode()
        assert f"{pdf}?year={YEAR}" in page, name
    page = client.get(reverse("kpi:detail", args=[kpi.pk])).content.decode()
    assert reverse("reports:kpi_sheet", args=[kpi.pk]) in page
    response = client.get(reverse("reports:kpi_sheet", args=[kpi.pk]))
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
