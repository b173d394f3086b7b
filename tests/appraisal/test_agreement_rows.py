"""The agreement's rows: as many blank rows to start as the unit's KPIs (or three), rows added
and removed in the page on the Django formset, and the weights' total as you type."""

from __future__ import annotations

import os
import re
from decimal import Decimal

import pytest
from django.urls import reverse

from appraisal.forms_staff import agreement_blank_rows
from appraisal.services.agreements import agreement_save
from appraisal.services.agreements import agreement_submit as submit
from kpi.models import KpiTier
from tests.appraisal.conftest import form_of, open_round, three_items
from tests.e2e import conftest as e2e
from tests.kpi.conftest import make_kpi

# The browser fixtures of the journeys (system chromium, the live server, a signed-in page).
browser = e2e.browser
live_server = e2e.live_server
login_as = e2e.login_as


def row_indexes(html: str) -> list[int]:
    """The formset rows drawn in the page (the empty-form template's __prefix__ row is not)."""
    return sorted({int(i) for i in re.findall(r'name="items-(\d+)-name"', html)})


def total_forms(html: str) -> int:
    return int(re.search(r'name="items-TOTAL_FORMS" value="(\d+)"', html)[1])


@pytest.fixture
def s1_page(rnd, org, client):
    client.force_login(org.s1.user)
    form = form_of(rnd, org.s1)
    return form, reverse("appraisal:agreement", args=[form.pk])


def test_blank_rows_are_the_unit_kpis_or_three_and_one_once_saved():
    assert agreement_blank_rows(saved=0, unit_kpis=0) == 3
    assert agreement_blank_rows(saved=0, unit_kpis=5) == 5
    assert agreement_blank_rows(saved=0, unit_kpis=80) == 30
    assert agreement_blank_rows(saved=3, unit_kpis=5) == 1


def test_a_new_agreement_of_a_unit_without_kpis_starts_with_three_blank_rows(client, s1_page):
    _form, url = s1_page
    html = client.get(url).content.decode()
    assert row_indexes(html) == [0, 1, 2] and total_forms(html) == 3
    # The buttons the script shows; the empty form is asked for when a row is added.
    assert "__prefix__" not in html and "data-row-template" not in html
    assert 'data-row-url="' + reverse("appraisal:agreement_row", args=[_form.pk]) in html
    assert "data-add-row" in html and "data-remove-row" in html and "น้ำหนักรวม" in html


def test_the_blank_row_for_the_add_button(client, s1_page, org):
    form, _url = s1_page
    make_kpi(org.grp1, code="G1", name="ตัวชี้วัดกลุ่มงาน 1")
    row_url = reverse("appraisal:agreement_row", args=[form.pk])
    response = client.get(row_url)
    assert response.status_code == 200
    html = response.content.decode()
    assert html.count("data-row-wrap") == 1 and html.count("<fieldset") == 1
    for field in ("name", "weight", "kind", "target", "criteria_5", "kpi", "DELETE", "id"):
        assert f'name="items-__prefix__-{field}"' in html, field
    assert "ตัวชี้วัดกลุ่มงาน 1" in html  # the unit's KPIs to link to
    assert "ตัวชี้วัดใหม่" in html and "data-remove-row" in html
    # Only GET, only the appraisee, only while the agreement may be edited.
    assert client.post(row_url).status_code == 405
    client.force_login(org.s2.user)
    assert client.get(row_url).status_code in (403, 404)
    client.force_login(org.grp1_head.user)  # the evaluator reviews; does not write the rows
    assert client.get(row_url).status_code in (403, 404)
    client.logout()
    assert client.get(row_url).status_code == 302
    client.force_login(org.s1.user)
    agreement_save(actor=org.s1.user, form=form, expected_version=form.version, items=three_items())
    form.refresh_from_db()
    submit(actor=org.s1.user, form=form, expected_version=form.version)
    response = client.get(row_url)
    assert response.status_code == 409
    assert "ส่งหรืออนุมัติแล้ว" in response.content.decode()


def test_a_new_agreement_starts_with_a_blank_row_per_unit_kpi(client, s1_page, org):
    _form, url = s1_page
    for code in ("1", "2", "3", "4", "5"):
        make_kpi(org.grp1, code=f"G{code}", name=f"ตัวชี้วัดกลุ่มงาน {code}")
    # Neither another unit's KPI nor a person's counts.
    make_kpi(org.grp2, code="X1", name="ตัวชี้วัดของกลุ่มอื่น")
    make_kpi(org.grp1, code="P1", name="ตัวชี้วัดบุคคล", tier=KpiTier.PERSON, person=org.s2)
    html = client.get(url).content.decode()
    assert row_indexes(html) == [0, 1, 2, 3, 4] and total_forms(html) == 5


def test_a_saved_agreement_shows_its_rows_and_one_blank_row(client, s1_page, org):
    form, url = s1_page
    agreement_save(actor=org.s1.user, form=form, expected_version=form.version, items=three_items())
    html = client.get(url).content.decode()
    assert row_indexes(html) == [0, 1, 2, 3] and total_forms(html) == 4
    assert 'name="items-INITIAL_FORMS" value="3"' in html


def test_a_row_marked_delete_is_not_validated_nor_stored(client, s1_page):
    """What the page's remove button does: tick DELETE on a row, whatever it holds."""
    form, url = s1_page
    data = {"version": form.version, "items-TOTAL_FORMS": 2, "items-INITIAL_FORMS": 0}
    data.update({"items-MIN_NUM_FORMS": 0, "items-MAX_NUM_FORMS": 30})
    data.update(
        {
            "items-0-kind": "plan",
            "items-0-name": "ร้อยละงานเสร็จ",
            "items-0-weight": "100",
            **{f"items-0-criteria_{i}": f"เกณฑ์ {i}" for i in range(1, 6)},
            # A half-typed row the user removed: no weight, which would fail if it were kept.
            "items-1-kind": "plan",
            "items-1-name": "แถวที่ลบ",
            "items-1-DELETE": "on",
        }
    )
    response = client.post(url, data)
    assert response.status_code == 302
    assert list(form.kpis.values_list("name", "weight")) == [("ร้อยละงานเสร็จ", Decimal("100"))]


# --- in the browser ------------------------------------------------------------------------


def fill_row(page, index: int, name: str, weight: str) -> None:
    prefix = f"#agreement-form [name='items-{index}-"
    page.fill(prefix + "name']", name)
    page.fill(prefix + "weight']", weight)
    for level in range(1, 6):
        page.fill(prefix + f"criteria_{level}']", f"ระดับ {level} ของ{name}")


@pytest.mark.skipif(os.environ.get("E2E", "").strip() == "0", reason="E2E=0")
@pytest.mark.django_db(transaction=True)
def test_rows_are_added_and_removed_in_the_page_with_the_total_as_you_type(org, login_as):
    from playwright.sync_api import expect

    rnd = open_round(org)
    form = form_of(rnd, org.s1)
    page = login_as("s1")
    page.goto(reverse("appraisal:agreement", args=[form.pk]))
    rows = page.locator("#agreement-rows [data-row]:visible")
    total = page.locator("#weight-total")
    management = page.locator("input[name='items-TOTAL_FORMS']")
    expect(rows).to_have_count(3)
    # With the script the DELETE boxes give way to a remove button per row.
    expect(page.locator("#agreement-rows [data-delete-box]:visible")).to_have_count(0)

    fill_row(page, 0, "ร้อยละงานเสร็จ", "30")
    expect(total).to_have_text("30")
    fill_row(page, 1, "จำนวนรายงาน", "30")
    expect(total).to_have_text("60")
    expect(page.locator("#submit-form button")).to_be_disabled()  # unsaved changes

    # The blank row cannot be had (the server or the network fails): a message, no row.
    row_url = reverse("appraisal:agreement_row", args=[form.pk])
    page.route(f"**{row_url}", lambda route: route.fulfill(status=500, body="error"))
    page.locator("[data-add-row]").click()
    expect(page.locator("[data-add-failed]")).to_be_visible()
    expect(rows).to_have_count(3)
    expect(management).to_have_value("3")
    page.unroute(f"**{row_url}")

    # Add a row: the empty form numbered 3, TOTAL_FORMS raised, focus in its name.
    page.locator("[data-add-row]").click()
    expect(rows).to_have_count(4)
    expect(management).to_have_value("4")
    expect(page.locator("[name='items-3-name']")).to_be_focused()
    expect(page.locator("[data-add-failed]")).to_be_hidden()
    # Again (the blank row kept from the first), then that one removed at once.
    page.locator("[data-add-row]").click()
    expect(rows).to_have_count(5)
    expect(management).to_have_value("5")
    page.locator("[data-row-wrap]", has=page.locator("[name='items-4-name']")).locator(
        "[data-remove-row]"
    ).click()
    expect(rows).to_have_count(4)
    fill_row(page, 3, "คู่มือ", "40.5")
    expect(total).to_have_text("100.50")
    expect(total).to_have_class(re.compile(r"\btext-danger\b"))
    page.fill("[name='items-3-weight']", "40")
    expect(total).to_have_text("100")
    expect(total).to_have_class(re.compile(r"\btext-success\b"))

    # Remove the blank row 2 and the filled row 1: hidden, DELETE ticked, the total follows.
    page.locator("[data-row-wrap]", has=page.locator("[name='items-2-name']")).locator(
        "[data-remove-row]"
    ).click()
    page.locator("[data-row-wrap]", has=page.locator("[name='items-1-name']")).locator(
        "[data-remove-row]"
    ).click()
    expect(rows).to_have_count(2)
    expect(page.locator("[name='items-1-DELETE']")).to_be_checked()
    expect(total).to_have_text("70")

    with page.expect_navigation():
        page.locator("#agreement-form button[name=save]").click()
    expect(page.locator("main .alert-success")).to_contain_text("บันทึกข้อตกลงแล้ว")
    form.refresh_from_db()
    assert list(form.kpis.order_by("order").values_list("name", "weight")) == [
        ("ร้อยละงานเสร็จ", Decimal("30")),
        ("คู่มือ", Decimal("40")),
    ]

    # A saved row removed can be brought back until the page is saved.
    expect(rows).to_have_count(3)  # two saved rows and one blank
    expect(total).to_have_text("70")
    first = page.locator("[data-row-wrap]").first
    first.locator("[data-remove-row]").click()
    expect(total).to_have_text("40")
    expect(first.locator("[data-removed-note]")).to_be_visible()
    first.locator("[data-undo-remove]").click()
    expect(total).to_have_text("70")
    expect(page.locator("[name='items-0-DELETE']")).not_to_be_checked()
    first.locator("[data-remove-row]").click()
    with page.expect_navigation():
        page.locator("#agreement-form button[name=save]").click()
    assert list(form.kpis.values_list("name", flat=True)) == ["คู่มือ"]
