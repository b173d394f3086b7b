"""HR's salary raise pages and the raise list downloads, as HR uses them (figures in
tests/rewards/raise_world.py); who may open them is in tests/rewards/access_raises.py."""

from __future__ import annotations

import io
from decimal import Decimal

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from common.models import AccessRecord
from orgchart.models import HrScope
from reports.raise_list import COLUMNS
from rewards.models import RaiseLine, RaiseSheet
from tests.reports.pdfcheck import text_of
from tests.rewards.raise_world import raise_round

pytestmark = pytest.mark.django_db


@pytest.fixture
def hr(client, org):
    org.round = raise_round(org)
    client.force_login(org.hr)
    return org


def make_sheet(client, o) -> RaiseSheet:
    response = client.post(
        reverse("rewards:raises", kwargs={"pk": o.round.pk}),
        {"budget_unit": "", "staff_group": "civil_servant"},
    )
    sheet = RaiseSheet.objects.get(round=o.round, staff_group="civil_servant")
    assert response.status_code == 302
    assert response["Location"] == reverse("rewards:raise_sheet", kwargs={"pk": sheet.pk})
    return sheet


def test_hr_creates_proposes_adjusts_and_is_refused_over_the_budget(client, hr):
    o = hr
    index = client.get(reverse("rewards:raises", kwargs={"pk": o.round.pk})).content.decode()
    assert "สร้างบัญชี" in index and "1 เมษายน 2570" in index
    sheet = make_sheet(client, o)
    url = reverse("rewards:raise_sheet", kwargs={"pk": sheet.pk})
    page = client.get(url).content.decode()
    assert 'id="budget">9,960.00' in page and 'id="roll-total">332,000.00' in page
    assert "ยังไม่ประกาศผลการประเมิน" in page and "ผลการประเมินระดับต้องปรับปรุง" in page
    assert AccessRecord.objects.filter(what="salary", object_id=str(sheet.pk)).count() == 1

    page = client.post(url, {"action": "propose"}, follow=True).content.decode()
    assert "คำนวณข้อเสนอแล้ว" in page
    s1 = RaiseLine.objects.get(sheet=sheet, person=o.s1)
    page = client.post(
        url, {"action": "adjust", "line": s1.pk, "percent": "2"}, follow=True
    ).content.decode()
    assert "บันทึกแล้ว: นายสมชาย ทดสอบ เลื่อน 480 บาท" in page  # 23,930 × 2% = 478.60 → 480
    director = RaiseLine.objects.get(sheet=sheet, person=o.director)
    page = client.post(
        url, {"action": "adjust", "line": director.pk, "amount": "4310"}, follow=True
    ).content.decode()
    assert "เลื่อนเงินเดือน นายอธิบดี ทดสอบ 4,310 บาท ไม่ได้" in page and "เกินวงเงิน 9,960 บาท" in page
    page = client.post(
        url, {"action": "adjust", "line": s1.pk, "percent": "abc"}, follow=True
    ).content.decode()
    assert "ร้อยละ" in page and "alert" in page
    assert sum(sheet.lines.values_list("amount", flat=True)) <= Decimal(9960)

    page = client.post(url, {"action": "confirm"}, follow=True).content.decode()
    assert "ยืนยันบัญชีแล้ว" in page and 'id="confirmed-note"' in page
    assert "adjust-form" not in page
    history = page[page.index('id="sheet-history"') :]
    for kind in ("ยืนยันบัญชีเลื่อนเงินเดือน", "ปรับการเลื่อนเงินเดือนรายบุคคล", "สร้างบัญชีเลื่อนเงินเดือน"):
        assert kind in history

    # The new salary is on s1's person page with its history, for HR and s1; never for the
    # evaluator (salaries are the person's, HR's and administrators' only).
    s1.refresh_from_db()
    person_url = reverse("orgchart:person", kwargs={"pk": o.s1.pk})
    page = client.get(person_url).content.decode()
    card = page[page.index('id="salary-history"') :]
    assert "ประวัติการเลื่อนเงินเดือน" in card and "1 เมษายน 2570" in card
    assert "22,000.00" in card and "22,480.00" in card and "480.00" in card
    client.force_login(o.s1.user)
    assert 'id="salary-history"' in client.get(person_url).content.decode()
    client.force_login(o.grp1_head.user)
    page = client.get(person_url).content.decode()
    assert 'id="salary-history"' not in page and "22,480" not in page


def test_hr_cannot_adjust_their_own_line_on_the_page(client, org):
    org.round = raise_round(org)
    HrScope.objects.create(user=org.director.user, unit=org.dept)
    client.force_login(org.director.user)
    sheet = make_sheet(client, org)
    url = reverse("rewards:raise_sheet", kwargs={"pk": sheet.pk})
    assert "รายการของท่านเอง (ปรับไม่ได้)" in client.get(url).content.decode()
    own = RaiseLine.objects.get(sheet=sheet, person=org.director)
    page = client.post(
        url, {"action": "adjust", "line": own.pk, "percent": "5"}, follow=True
    ).content.decode()
    assert "ท่านไม่สามารถกำหนดการเลื่อนเงินเดือนของตนเองได้" in page
    own.refresh_from_db()
    assert own.percent is None


def test_the_raise_list_as_xlsx_and_pdf(client, hr):
    o = hr
    sheet = make_sheet(client, o)
    client.post(reverse("rewards:raise_sheet", kwargs={"pk": sheet.pk}), {"action": "propose"})
    s1 = RaiseLine.objects.get(sheet=sheet, person=o.s1)

    response = client.get(reverse("reports:raise_list_xlsx", kwargs={"pk": sheet.pk}))
    assert response.status_code == 200 and response["Cache-Control"] == "private, no-store"
    ws = load_workbook(io.BytesIO(b"".join(response.streaming_content))).active
    assert ws["A1"].value.startswith("บัญชีรายละเอียดการเลื่อนเงินเดือนข้าราชการ ครั้งที่ 1")
    assert [c.value for c in ws[5]] == COLUMNS
    rows = {r[1]: r for r in ws.iter_rows(min_row=6, values_only=True)}
    row = rows["นายสมชาย ทดสอบ"]
    assert Decimal(str(row[4])) == Decimal(22000) and Decimal(str(row[7])) == s1.amount
    assert Decimal(str(row[8])) == s1.new_salary and row[10] == "75.00 ดี"
    assert "ยังไม่ประกาศผลการประเมิน" in rows["นายสมปอง ทดสอบ"][11]
    assert Decimal(str(ws["D3"].value)) == Decimal(9960)

    response = client.get(reverse("reports:raise_list_pdf", kwargs={"pk": sheet.pk}))
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    data = b"".join(response.streaming_content)
    text = text_of(data)
    for expected in (
        "บัญชีรายละเอียดการเลื่อนเงินเดือนข้าราชการ",
        "มีผลตั้งแต่วันที่ 1 เมษายน 2570",
        "นายสมชาย ทดสอบ",
        "ตอบแทน",
        "9,960.00",
        "332,000.00",
        f"{s1.new_salary:,.2f}",
    ):
        assert expected in text, expected


def test_hr_edits_the_tables_with_thai_messages(client, hr):
    o = hr
    url = reverse("rewards:raise_tables", kwargs={"pk": o.round.pk})
    page = client.get(url).content.decode()
    assert "71,700" in page and "ค่าเริ่มต้น" in page
    bad = {
        "kind": "base",
        "base-grade": "K1",
        "base-effective_from": "1/4/2570",
        "base-mid": "20705",
        "base-lower_base": "30000",
        "base-upper_base": "23930",
        "base-ceiling": "26900",
    }
    page = client.post(url, bad).content.decode()
    assert "ฐานล่างต้องไม่สูงกว่าฐานบน" in page
    response = client.post(url, {**bad, "base-lower_base": "17980", "base-upper_base": "24000"})
    assert response.status_code == 302
    page = client.post(
        url,
        {
            "kind": "range",
            "range-staff_group": "civil_servant",
            "range-band": "improve",
            "range-effective_from": "1/4/2570",
            "range-low": "0",
            "range-high": "1",
        },
    ).content.decode()
    assert "ระดับต้องปรับปรุงไม่ได้เลื่อนเงินเดือน" in page
    page = client.post(
        url, {"kind": "unit", "unit-name": "กองการเจ้าหน้าที่", "unit-units": [o.div2.pk]}, follow=True
    ).content.decode()
    assert "บันทึกแล้ว" in page
