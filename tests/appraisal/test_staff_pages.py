"""The appraisee's pages as a browser uses them: the agreement formset and its submission,
conflicts, who sees the score when, evidence download and refused files, check-ins, the
journal, self-assessment, acknowledgement and the "my appraisal" page."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from appraisal import selectors
from appraisal.forms_staff import AgreementFormSet
from appraisal.models import CheckIn, FormKpi, JournalEntry, State
from appraisal.services.agreements import agreement_return, agreement_save
from appraisal.services.review import form_acknowledge, form_release, form_review_higher
from appraisal.services.round_phases import round_advance
from appraisal.views_staff import _formset_error
from common import thai
from common.errors import DomainError
from kpi.models import KpiTier
from tests.appraisal.conftest import form_of, open_round, three_items
from tests.factories import informed
from tests.kpi.conftest import make_kpi

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 32


def kpi_row(name, weight, **extra):
    return {
        "kind": "plan",
        "name": name,
        "weight": weight,
        **{f"criteria_{i}": f"เกณฑ์ระดับ {i}" for i in range(1, 6)},
        **extra,
    }


def agreement_post(version, rows, *, initial=0):
    """The agreement page's POST: the rows given, then the page's two blank rows."""
    data = {
        "version": version,
        "items-TOTAL_FORMS": len(rows) + 2,
        "items-INITIAL_FORMS": initial,
        "items-MIN_NUM_FORMS": 0,
        "items-MAX_NUM_FORMS": 30,
    }
    for i, r in enumerate(rows):
        data.update({f"items-{i}-{k}": v for k, v in r.items()})
    for i in range(len(rows), len(rows) + 2):
        data[f"items-{i}-kind"] = "plan"
    return data


def text(response) -> str:
    return response.content.decode()


def messages_of(response) -> list[str]:
    return [str(m) for m in response.context["messages"]]


@pytest.fixture
def s1_form(rnd, org, client):
    """s1's form in a round in the agreement phase, s1 logged in."""
    client.force_login(org.s1.user)
    return form_of(rnd, org.s1)


# --- agreement -------------------------------------------------------------------------------


def test_agreement_formset_save_stores_the_rows_and_ignores_blank_ones(client, s1_form):
    url = reverse("appraisal:agreement", args=[s1_form.pk])
    page = client.get(url)
    assert page.status_code == 200
    assert 'name="items-TOTAL_FORMS" value="3"' in text(page)  # three blank rows to start
    rows = [kpi_row("ร้อยละงานเสร็จ", "30"), kpi_row("จำนวนรายงาน", "30"), kpi_row("คู่มือ", "40")]
    response = client.post(url, agreement_post(s1_form.version, rows))
    assert response.status_code == 302 and response["Location"] == url
    s1_form.refresh_from_db()
    assert s1_form.state == State.DRAFT
    assert list(s1_form.kpis.values_list("name", "weight")) == [
        ("ร้อยละงานเสร็จ", Decimal("30.00")),
        ("จำนวนรายงาน", Decimal("30.00")),
        ("คู่มือ", Decimal("40.00")),
    ]
    page = client.get(url)
    assert "บันทึกข้อตกลงแล้ว" in messages_of(page)
    assert 'id="weight-total"' in text(page)

    # Second save: change one row, delete another (ticked), keep the ids.
    saved = list(s1_form.kpis.all())
    edited = [
        kpi_row(saved[0].name, "60", id=saved[0].pk),
        kpi_row(saved[1].name, "30", id=saved[1].pk, DELETE="on"),
        kpi_row(saved[2].name, "40", id=saved[2].pk),
    ]
    response = client.post(url, agreement_post(s1_form.version, edited, initial=3))
    assert response.status_code == 302
    assert list(s1_form.kpis.values_list("pk", "weight")) == [
        (saved[0].pk, Decimal("60.00")),
        (saved[2].pk, Decimal("40.00")),
    ]
    # Two KPIs: saved, with the soft warning (3–10 is usual), not an error.
    assert "มีตัวชี้วัด 2 ตัว โดยทั่วไปควรมี 3–10 ตัว" in text(client.get(url))


def test_agreement_bad_input_gets_a_thai_message_on_the_field_and_stores_nothing(client, s1_form):
    url = reverse("appraisal:agreement", args=[s1_form.pk])
    cases = [
        ({"weight": "abc"}, "กรุณากรอกตัวเลข"),
        ({"weight": "150"}, "ต้องไม่เกิน 100"),
        ({"weight": "10.555"}, "ทศนิยมไม่เกิน 2 ตำแหน่ง"),
        ({"weight": "0"}, "ต้องไม่น้อยกว่า 0.01"),
        ({"name": ""}, "กรุณากรอกชื่อตัวชี้วัด"),
        ({"kind": "bogus"}, "กรุณาเลือกจากรายการ"),
        ({"kpi": "999999"}, "กรุณาเลือกจากรายการ"),
        ({"name": "ก" * 501}, "ข้อความยาวเกิน 500 ตัวอักษร"),
    ]
    for change, message in cases:
        row = {**kpi_row("ตัวชี้วัด", "50"), **change}
        response = client.post(url, agreement_post(s1_form.version, [row]))
        assert response.status_code == 200, change
        assert message in text(response), change
    assert not FormKpi.objects.filter(form=s1_form).exists()
    s1_form.refresh_from_db()
    assert s1_form.state == State.NOT_STARTED
    # A tampered post (no management form, no version) is a message too, not a 500.
    response = client.post(url, {"items-0-name": "x"})
    assert response.status_code == 200
    assert "ข้อมูลที่ส่งมาไม่ครบ" in text(response)


def test_a_service_error_naming_a_row_lands_on_that_rows_field():
    """The service counts rows as it got them (blank and deleted rows left out); the page puts
    the message on the same row of the formset, or at the top when it names no row."""
    rows = [kpi_row("ก", "50"), kpi_row("ข", "30", DELETE="on"), kpi_row("ค", "50")]
    formset = AgreementFormSet(agreement_post(1, rows), prefix="items")
    assert formset.is_valid()
    kept = formset.kept_forms()
    assert [f.cleaned_data["name"] for f in kept] == ["ก", "ค"]
    page_errors = []
    _formset_error(formset, kept, DomainError("ข้อความ", field="items-1-weight"), page_errors)
    assert formset.forms[2].errors["weight"] == ["ข้อความ"] and page_errors == []
    _formset_error(formset, kept, DomainError("รวมไม่ถึง 100", field="items"), page_errors)
    assert page_errors == ["รวมไม่ถึง 100"]


def test_a_row_id_of_another_form_is_refused_and_that_row_is_untouched(client, s1_form, org):
    other = form_of(s1_form.round, org.s2)
    other = agreement_save(
        actor=org.s2.user, form=other, expected_version=other.version, items=three_items()
    )
    victim = other.kpis.first()
    url = reverse("appraisal:agreement", args=[s1_form.pk])
    response = client.post(
        url, agreement_post(s1_form.version, [kpi_row("ยึดแถว", "100", id=victim.pk)], initial=1)
    )
    assert response.status_code == 200
    assert "ไม่พบตัวชี้วัดที่แก้ไข" in text(response)
    victim.refresh_from_db()
    assert (victim.form_id, victim.name) == (other.pk, "ตัวชี้วัดที่ 1")
    assert not s1_form.kpis.exists()


def test_submit_with_weights_of_90_is_refused_in_thai_and_changes_nothing(client, s1_form, org):
    form = agreement_save(
        actor=org.s1.user,
        form=s1_form,
        expected_version=s1_form.version,
        items=three_items(("30", "30", "30")),
    )
    response = client.post(
        reverse("appraisal:agreement_submit", args=[form.pk]),
        {"version": form.version},
        follow=True,
    )
    assert response.redirect_chain[-1][0] == reverse("appraisal:agreement", args=[form.pk])
    assert any("น้ำหนักตัวชี้วัดรวมกันต้องเท่ากับ 100 (ขณะนี้ 90" in m for m in messages_of(response))
    version = form.version
    form.refresh_from_db()
    assert (form.state, form.version, form.appraisee_signed_at) == (State.DRAFT, version, None)


def test_submit_with_weights_of_100_sends_the_agreement(client, s1_form, org):
    form = agreement_save(
        actor=org.s1.user, form=s1_form, expected_version=s1_form.version, items=three_items()
    )
    response = client.post(
        reverse("appraisal:agreement_submit", args=[form.pk]), {"version": form.version}
    )
    assert response.status_code == 302
    assert response["Location"] == reverse("appraisal:form", args=[form.pk])
    form.refresh_from_db()
    assert form.state == State.SUBMITTED and form.appraisee_signed_name == org.s1.full_name
    # The agreement page is now read-only and says why.
    page = client.get(reverse("appraisal:agreement", args=[form.pk]))
    assert 'id="read-only"' in text(page) and "items-TOTAL_FORMS" not in text(page)
    # A POST to it changes nothing.
    response = client.post(
        reverse("appraisal:agreement", args=[form.pk]),
        agreement_post(form.version, [kpi_row("ใหม่", "100")]),
    )
    assert response.status_code == 302
    assert form.kpis.count() == 3


def test_a_stale_version_is_a_conflict_message_the_input_stays_and_nothing_changes(
    client, s1_form, org
):
    url = reverse("appraisal:agreement", args=[s1_form.pk])
    stale = s1_form.version
    # Somebody else (another tab) saves first.
    agreement_save(actor=org.s1.user, form=s1_form, expected_version=stale, items=three_items())
    before = list(FormKpi.objects.filter(form=s1_form).values_list("name", "weight"))
    response = client.post(url, agreement_post(stale, [kpi_row("ข้อมูลที่ฉันพิมพ์ไว้", "100")]))
    assert response.status_code == 200
    body = text(response)
    assert 'id="conflict"' in body
    assert "มีผู้อื่นบันทึกแบบประเมินนี้ไปก่อนแล้ว" in body
    assert "ข้อมูลที่ฉันพิมพ์ไว้" in body  # the user's input is still on the page
    assert 'id="latest"' in body and "ตัวชี้วัดที่ 1" in body  # and what is saved now
    assert list(FormKpi.objects.filter(form=s1_form).values_list("name", "weight")) == before


def test_pull_cascaded_kpis_adds_them_as_plan_rows(client, s1_form, org):
    personal = make_kpi(org.grp1, tier=KpiTier.PERSON, person=org.s1, name="ตัวชี้วัดของสมชาย")
    page = client.get(reverse("appraisal:agreement", args=[s1_form.pk]))
    assert "ตัวชี้วัดของสมชาย" in text(page)
    response = client.post(
        reverse("appraisal:agreement_pull", args=[s1_form.pk]),
        {"version": s1_form.version},
        follow=True,
    )
    assert "ดึงตัวชี้วัดที่ถ่ายทอดมาแล้ว 1 ตัว" in messages_of(response)
    row = FormKpi.objects.get(form=s1_form)
    assert (row.kpi_id, row.kind, row.name) == (personal.pk, "plan", "ตัวชี้วัดของสมชาย")
    # The linked KPI is one of the row's choices, so saving the page again keeps the link.
    assert f'value="{personal.pk}" selected' in text(response)
    # and is no longer offered as cascaded and not yet in the agreement.
    assert 'id="cascaded"' not in text(response)


def test_the_appraisee_or_the_evaluator_may_reopen_an_approved_agreement_with_a_reason(
    client, world
):
    o = world
    client.force_login(o.s1.user)
    url = reverse("appraisal:agreement_revise", args=[o.f1.pk])
    response = client.post(url, {"version": o.f1.version, "reason": ""}, follow=True)
    assert "กรุณาระบุเหตุผลที่ขอแก้ไขข้อตกลง" in messages_of(response)
    o.f1.refresh_from_db()
    assert o.f1.state == State.AGREED
    response = client.post(url, {"version": o.f1.version, "reason": "งานเปลี่ยน"})
    assert response["Location"] == reverse("appraisal:agreement", args=[o.f1.pk])
    o.f1.refresh_from_db()
    assert o.f1.state == State.DRAFT
    assert o.f1.agreement_versions.count() == 1  # the approved version stays readable
    page = client.get(reverse("appraisal:form", args=[o.f1.pk]))
    assert 'id="version-1"' in text(page)


# --- who sees the score ----------------------------------------------------------------------


def release_f3(o):
    """s3's scored form through acknowledgement, higher review and release."""
    o.f3 = informed(o.f3)
    form_acknowledge(actor=o.s3.user, form=o.f3, expected_version=o.f3.version)
    o.f3.refresh_from_db()
    form_review_higher(
        actor=o.f3.higher.user, form=o.f3, expected_version=o.f3.version, agrees=True
    )
    round_advance(actor=o.hr, rnd=o.round)  # evaluation -> review
    o.f3.refresh_from_db()
    form_release(actor=o.hr, form=o.f3)
    o.f3.refresh_from_db()


def test_the_appraisee_sees_the_result_once_informed_and_the_review_once_released(client, world):
    o = world
    url = reverse("appraisal:form", args=[o.f3.pk])
    client.force_login(o.div1_head.user)  # s3's evaluator
    assert "86.00" in text(client.get(url))

    # Scored, not yet informed: nothing of the result, the IDP or the comments, no signing.
    client.force_login(o.s3.user)
    body = text(client.get(url))
    assert 'id="score-hidden"' in body and 'id="idp-hidden"' in body
    assert "86.00" not in body and "ดีมาก" not in body and 'id="total"' not in body
    assert 'id="evaluator-comment"' not in body
    assert "appraisal:acknowledge" not in body and "/acknowledge/" not in body
    response = client.post(
        reverse("appraisal:acknowledge", args=[o.f3.pk]), {"version": o.f3.version}, follow=True
    )
    assert any("ยังไม่ได้แจ้งผล" in m for m in messages_of(response))
    o.f3.refresh_from_db()
    assert o.f3.state == State.SCORED and o.f3.acknowledged_at is None
    summary = reverse("reports:form_summary", args=[o.f3.pk])
    assert client.get(summary).status_code == 403

    # The evaluator informs s3 (the date cannot be in the future or before the scoring).
    client.force_login(o.div1_head.user)
    inform_url = reverse("appraisal:inform", args=[o.f3.pk])
    tomorrow = timezone.localdate() + dt.timedelta(days=1)
    response = client.post(
        inform_url, {"version": o.f3.version, "informed_on": thai.format_date_input(tomorrow)}
    )
    assert response.status_code == 200 and "ต้องไม่เป็นวันในอนาคต" in text(response)
    response = client.post(
        inform_url,
        {"version": o.f3.version, "informed_on": thai.format_date_input(timezone.localdate())},
    )
    assert response.status_code == 302
    o.f3.refresh_from_db()
    assert o.f3.informed_on == timezone.localdate() and o.f3.state == State.SCORED

    # Informed: s3 sees what the evaluator scored and signs for it.
    client.force_login(o.s3.user)
    body = text(client.get(url))
    assert 'id="total"' in body and "86.00" in body and "ดีมาก" in body
    assert 'id="evaluator-comment"' in body and 'id="idp-hidden"' not in body
    assert client.get(summary).status_code == 200
    response = client.post(
        reverse("appraisal:acknowledge", args=[o.f3.pk]), {"version": o.f3.version}
    )
    assert response.status_code == 302
    o.f3.refresh_from_db()
    assert o.f3.state == State.ACKNOWLEDGED and o.f3.acknowledged_at is not None

    # The higher supervisor disagrees with a revised total: hidden from s3, even in the
    # timeline's comments and the history, until HR releases it.
    form_review_higher(
        actor=o.f3.higher.user,
        form=o.f3,
        expected_version=o.f3.version,
        agrees=False,
        opinion="ผลงานเด่นกว่าที่ประเมิน",
        revised_total="88.5",
    )
    body = text(client.get(url))
    assert "88.50" not in body and "ผลงานเด่นกว่าที่ประเมิน" not in body
    assert 'id="final-hidden"' in body and "86.00" in body
    assert client.get(reverse("appraisal:form_history", args=[o.f3.pk])).status_code == 403
    round_advance(actor=o.hr, rnd=o.round)
    o.f3.refresh_from_db()
    form_release(actor=o.hr, form=o.f3)

    body = text(client.get(url))
    assert 'id="total"' in body and "86.00" in body and "ดีมาก" in body
    assert 'id="final-total"' in body and "88.50" in body
    my = text(client.get(reverse("appraisal:my")))
    assert "ประกาศผลการประเมินแล้ว" in my


def test_a_stale_acknowledgement_is_refused_with_the_conflict_message(client, world):
    o = world
    o.f3 = informed(o.f3)
    client.force_login(o.s3.user)
    response = client.post(
        reverse("appraisal:acknowledge", args=[o.f3.pk]),
        {"version": o.f3.version - 1},
        follow=True,
    )
    assert any("มีผู้อื่นบันทึกแบบประเมินนี้ไปก่อนแล้ว" in m for m in messages_of(response))
    o.f3.refresh_from_db()
    assert o.f3.state == State.SCORED


# --- evidence --------------------------------------------------------------------------------


def test_evidence_downloads_as_an_attachment_for_s1_and_is_404_for_s2(client, world):
    o = world
    url = reverse("appraisal:evidence", args=[o.entry.pk])
    client.force_login(o.s1.user)
    response = client.get(url)
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == b"%PDF-1.4 test evidence"
    assert response["Content-Type"] == "application/pdf"
    disposition = response["Content-Disposition"]
    assert disposition.startswith("attachment;")
    assert "filename*=utf-8''%E0%B8%A3" in disposition  # รายงาน.pdf, the original name
    assert response["X-Content-Type-Options"] == "nosniff"
    assert "no-store" in response["Cache-Control"] and "private" in response["Cache-Control"]
    client.force_login(o.s2.user)
    assert client.get(url).status_code == 404


def test_the_form_page_links_the_evidence(client, world):
    o = world
    client.force_login(o.hr)
    body = text(client.get(reverse("appraisal:form", args=[o.f1.pk])))
    assert reverse("appraisal:evidence", args=[o.entry.pk]) in body
    assert "รายงาน.pdf" in body and "ส่งรายงานก่อนกำหนด" in body


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("setup.exe", b"MZ\x90\x00" + b"\x00" * 20, "ไฟล์หลักฐานต้องเป็น PDF, PNG, JPG, DOCX หรือ XLSX"),
        ("รายงาน.pdf", PNG, "เนื้อไฟล์ไม่ตรงกับชนิดไฟล์ .pdf"),
        ("report.pdf", b"this is not a pdf at all", "เนื้อไฟล์ไม่ตรงกับชนิดไฟล์ .pdf"),
        ("empty.pdf", b"", "ไฟล์หลักฐานว่างเปล่า"),
    ],
)
def test_bad_evidence_is_refused_in_thai_and_nothing_is_kept(
    client, world, settings, name, content, message
):
    o = world
    client.force_login(o.s1.user)
    stored = settings.MEDIA_ROOT / "evidence"
    files_before = sorted(p for p in stored.rglob("*") if p.is_file())
    entries = JournalEntry.objects.count()
    response = client.post(
        reverse("appraisal:journal", args=[o.f1.pk]),
        {
            "kind": "work",
            "on": thai.format_date_input(dt.date.today()),
            "description": "แนบไฟล์",
            "evidence": SimpleUploadedFile(name, content, content_type="application/pdf"),
        },
    )
    assert response.status_code == 200
    assert message in text(response)
    assert JournalEntry.objects.count() == entries
    assert sorted(p for p in stored.rglob("*") if p.is_file()) == files_before


# --- monitoring ------------------------------------------------------------------------------


def test_a_checkin_posted_from_the_page_is_stored_with_its_progress(client, world):
    o = world
    client.force_login(o.s1.user)
    url = reverse("appraisal:checkin", args=[o.f1.pk])
    items = list(o.f1.kpis.all())
    page = client.get(url)
    assert page.status_code == 200 and f'name="milestone-{items[0].pk}"' in text(page)
    before = CheckIn.objects.filter(form=o.f1).count()
    response = client.post(
        url,
        {
            "on": thai.format_date_input(dt.date.today()),
            "comment": "ไตรมาสที่ 2",
            f"result-{items[0].pk}": "ร้อยละ 70",
            f"milestone-{items[0].pk}": "4",
            f"note-{items[1].pk}": "รอข้อมูล",
        },
    )
    assert response.status_code == 302
    assert response["Location"].endswith("#checkins")
    checkin = CheckIn.objects.filter(form=o.f1).first()
    assert CheckIn.objects.filter(form=o.f1).count() == before + 1
    assert checkin.comment == "ไตรมาสที่ 2" and checkin.author == o.s1
    assert sorted(
        checkin.progress.values_list("item_id", "result", "milestone", "comment")
    ) == sorted([(items[0].pk, "ร้อยละ 70", 4, ""), (items[1].pk, "", None, "รอข้อมูล")])


def test_checkin_refusals_are_thai_messages_on_the_field(client, world):
    o = world
    client.force_login(o.grp1_head.user)  # the evaluator may record one too
    url = reverse("appraisal:checkin", args=[o.f1.pk])
    item = o.f1.kpis.first()
    before = CheckIn.objects.count()
    tomorrow = thai.format_date_input(dt.date.today() + dt.timedelta(days=1))
    for data, message in [
        ({"on": tomorrow, "comment": "x"}, "วันที่ต้องไม่เป็นวันในอนาคต"),
        ({"on": "not a date", "comment": "x"}, "กรุณากรอกวันที่ให้ถูกต้อง"),
        (
            {"on": thai.format_date_input(dt.date.today()), f"milestone-{item.pk}": "7"},
            "กรุณาเลือกจากรายการ",
        ),
        ({"on": thai.format_date_input(dt.date.today())}, "กรุณากรอกความก้าวหน้าอย่างน้อย 1 ตัวชี้วัด"),
    ]:
        response = client.post(url, data)
        assert response.status_code == 200, data
        assert message in text(response), data
    assert CheckIn.objects.count() == before


def test_a_journal_entry_with_evidence_posted_from_the_page_is_stored(client, world):
    o = world
    client.force_login(o.s1.user)
    response = client.post(
        reverse("appraisal:journal", args=[o.f1.pk]),
        {
            "kind": "behaviour",
            "on": thai.format_date_input(dt.date.today()),
            "description": "ช่วยเพื่อนร่วมทีม",
            "evidence": SimpleUploadedFile("ภาพ.png", PNG, content_type="text/plain"),
        },
    )
    assert response.status_code == 302
    entry = JournalEntry.objects.get(form=o.f1, description="ช่วยเพื่อนร่วมทีม")
    # The stored type comes from the checked content, not from what the browser claimed.
    assert (entry.kind, entry.evidence_name, entry.evidence_type) == (
        "behaviour",
        "ภาพ.png",
        "image/png",
    )
    assert entry.author == o.s1
    # Without a file, an entry is fine too; without a description it is not.
    url = reverse("appraisal:journal", args=[o.f1.pk])
    ok = client.post(
        url, {"kind": "work", "on": thai.format_date_input(dt.date.today()), "description": "ก"}
    )
    assert ok.status_code == 302
    bad = client.post(url, {"kind": "work", "on": thai.format_date_input(dt.date.today())})
    assert bad.status_code == 200 and "กรุณาบรรยายเหตุการณ์" in text(bad)


# --- self-assessment -------------------------------------------------------------------------


def test_self_assessment_stores_levels_and_a_stale_version_is_refused(client, world):
    o = world
    client.force_login(o.s1.user)
    url = reverse("appraisal:self_assess", args=[o.f1.pk])
    items = list(o.f1.kpis.all())
    comps = list(o.f1.competencies.all())
    assert client.get(url).status_code == 200
    data = {
        "version": o.f1.version,
        "comment": "ทำได้ตามเป้า",
        **{f"kpi-{it.pk}-self_level": "4" for it in items},
        f"kpi-{items[0].pk}-self_note": "ส่งครบ",
        **{f"comp-{c.pk}-self_actual": "2" for c in comps},
    }
    response = client.post(url, data)
    assert response.status_code == 302
    o.f1.refresh_from_db()
    assert o.f1.self_assessment == "ทำได้ตามเป้า" and o.f1.self_assessed_at is not None
    assert [r.self_level for r in o.f1.kpis.all()] == [4, 4, 4]
    assert {c.self_actual for c in o.f1.competencies.all()} == {2}
    # The old version again: a conflict message, nothing changes.
    response = client.post(url, {**data, f"kpi-{items[0].pk}-self_level": "1"})
    assert response.status_code == 200
    assert "มีผู้อื่นบันทึกแบบประเมินนี้ไปก่อนแล้ว" in text(response)
    assert o.f1.kpis.first().self_level == 4
    # A level outside 0–5 is a field message.
    response = client.post(
        url, {**data, "version": o.f1.version, f"kpi-{items[0].pk}-self_level": "9"}
    )
    assert response.status_code == 200 and "กรุณาเลือกจากรายการ" in text(response)


# --- my appraisal ----------------------------------------------------------------------------


def test_my_page_for_a_user_without_a_person_record_is_a_friendly_message(client, org):
    client.force_login(org.nobody)
    response = client.get(reverse("appraisal:my"))
    assert response.status_code == 200
    assert 'id="no-person"' in text(response)
    assert "ยังไม่ได้เชื่อมกับข้อมูลบุคลากร" in text(response)


def test_my_page_shows_the_steps_and_the_one_next_action(client, world):
    o = world
    client.force_login(o.s1.user)
    body = text(client.get(reverse("appraisal:my")))
    assert 'id="status-steps"' in body and 'aria-current="step"' in body
    assert 'id="next-step"' in body
    assert reverse("appraisal:self_assess", args=[o.f1.pk]) in body  # evaluation phase
    assert 'id="deadlines"' in body

    client.force_login(o.s2.user)  # submitted: waiting for the evaluator
    body = text(client.get(reverse("appraisal:my")))
    assert "รอผู้ประเมินอนุมัติข้อตกลง" in body and o.grp1_head.full_name in body


def test_a_returned_agreement_shows_the_evaluators_comment_and_the_fix_button(client, world):
    o = world
    agreement_return(
        actor=o.grp1_head.user,
        form=o.f2,
        expected_version=o.f2.version,
        comment="เพิ่มเกณฑ์ระดับ 5 ให้วัดได้",
    )
    client.force_login(o.s2.user)
    body = text(client.get(reverse("appraisal:my")))
    assert 'id="return-comment"' in body and "เพิ่มเกณฑ์ระดับ 5 ให้วัดได้" in body
    assert reverse("appraisal:agreement", args=[o.f2.pk]) in body
    page = text(client.get(reverse("appraisal:agreement", args=[o.f2.pk])))
    assert "เพิ่มเกณฑ์ระดับ 5 ให้วัดได้" in page and "items-TOTAL_FORMS" in page


def test_past_rounds_show_the_band_only_when_released(client, world, org, monkeypatch):
    o = world
    release_f3(o)
    # Round 2 is the current one whatever today's date; round 1 is past.
    second = open_round(org, number=2)
    monkeypatch.setattr(selectors, "current_round_of", lambda department, today=None: second)
    client.force_login(o.s3.user)
    body = text(client.get(reverse("appraisal:my")))
    past = body[body.index('id="past-forms"') :]
    assert "2570 / 1" in past and "ดีมาก" in past
    client.force_login(o.s1.user)  # s1's round-1 form is not released: no band
    body = text(client.get(reverse("appraisal:my")))
    past = body[body.index('id="past-forms"') :]
    assert "2570 / 1" in past and "ดีมาก" not in past


# --- pieces ----------------------------------------------------------------------------------


def test_post_only_actions_refuse_get(client, world):
    o = world
    client.force_login(o.s1.user)
    for name in ("agreement_pull", "agreement_submit", "agreement_revise", "acknowledge"):
        assert client.get(reverse(f"appraisal:{name}", args=[o.f1.pk])).status_code == 405


def test_the_evaluator_sees_buttons_for_the_team_pages(client, world):
    o = world
    client.force_login(o.grp1_head.user)
    body = text(client.get(reverse("appraisal:form", args=[o.f2.pk])))
    assert reverse("appraisal:agreement_review", args=[o.f2.pk]) in body
    assert reverse("appraisal:agreement", args=[o.f2.pk]) not in body  # not theirs to edit
