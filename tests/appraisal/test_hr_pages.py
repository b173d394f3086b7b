"""HR's round pages against the test world: settings, console, reminders, phases, release,
distribution, the forms list and the change of a form's evaluator."""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal
from io import StringIO

import pytest
from django.core import mail
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from appraisal.models import (
    PROGRESS_STATES,
    AppraisalForm,
    AppraisalRound,
    CompetencyKind,
    FormEvent,
    Phase,
    RoundSetting,
    State,
)
from appraisal.selectors import form_events
from appraisal.services.evaluation import CompetencyInput, ScoreInput, score_save, scoring_finish
from appraisal.services.review import form_acknowledge, form_review_higher
from appraisal.services.round_phases import round_advance
from appraisal.services.rounds import round_committee_add, round_create
from common.models import AuditEvent
from orgchart import services as org_services
from tests.appraisal.conftest import YEAR, form_of, open_round, recount
from tests.factories import informed, make_person


def settings_url(rnd):
    return reverse("appraisal:round_settings", args=[rnd.pk])


def console_url(rnd):
    return reverse("appraisal:round_console", args=[rnd.pk])


def new_round(org, number=2):
    return round_create(actor=org.hr, department=org.dept, fiscal_year=YEAR, number=number)


def settings_post(rnd, **overrides):
    """The settings form as the page sends it, with the round's current values."""
    data = {
        "action": "save",
        "version": rnd.version,
        "competency_method": rnd.competency_method,
        "agreement_deadline": "",
        "evaluation_deadline": "",
    }
    if rnd.second_review:
        data["second_review"] = "on"
    for s in rnd.settings.all():
        for name in (
            "weight_achievement",
            "weight_competency",
            "weight_other",
            "very_good_from",
            "good_from",
            "fair_from",
        ):
            data[f"{s.group}-{name}"] = str(getattr(s, name))
    for e in rnd.expected_levels.all():
        data[f"expected-{e.grade}-core"] = e.core
        data[f"expected-{e.grade}-managerial"] = e.managerial or ""
    data.update(overrides)
    return data


def cell_numbers(html: str, row_id: str) -> list[int]:
    """The right-aligned numbers of one table row (state counts, then the total)."""
    match = re.search(rf"<tr [^>]*{row_id}[^>]*>(.*?)</tr>", html, re.S)
    assert match, row_id
    cells = re.findall(r'<td class="text-end[^"]*">(.*?)</td>', match.group(1), re.S)
    return [int(re.sub(r"<[^>]+>", "", c).strip().replace(",", "")) for c in cells]


def messages_of(response) -> list[str]:
    return [str(m) for m in response.context["messages"]]


# --- settings --------------------------------------------------------------------------------


def test_weights_not_totalling_100_are_refused_on_their_field_and_nothing_is_saved(client, org):
    rnd = new_round(org)
    client.force_login(org.hr)
    data = settings_post(
        rnd,
        **{
            "civil_servant-weight_achievement": "60",
            "civil_servant-weight_competency": "30",
            "agreement_deadline": "31/10/2569",
        },
    )
    response = client.post(settings_url(rnd), data)
    assert response.status_code == 200
    form = response.context["form"]
    assert "รวมกันเท่ากับ 100" in " ".join(form.errors["civil_servant-weight_achievement"])
    body = response.content.decode()
    row = re.search(r'<tr id="group-civil_servant">(.*?)</tr>', body, re.S).group(1)
    assert "รวมกันเท่ากับ 100" in row
    setting = RoundSetting.objects.get(round=rnd, group="civil_servant")
    assert (setting.weight_achievement, setting.weight_competency) == (70, 30)
    rnd.refresh_from_db()
    assert rnd.agreement_deadline is None  # the whole save is one transaction
    assert rnd.version == 1


def test_middle_bands_out_of_order_are_refused(client, org):
    rnd = new_round(org)
    client.force_login(org.hr)
    data = settings_post(rnd, **{"probation-very_good_from": "70", "probation-good_from": "75"})
    response = client.post(settings_url(rnd), data)
    assert response.status_code == 200
    assert "ต้องเริ่มต่ำกว่าระดับที่อยู่เหนือขึ้นไป" in " ".join(
        response.context["form"].errors["probation-very_good_from"]
    )
    assert RoundSetting.objects.get(round=rnd, group="probation").good_from == 70


def test_settings_are_saved_with_buddhist_era_deadlines_and_expected_levels(client, org):
    rnd = new_round(org)
    client.force_login(org.hr)
    data = settings_post(
        rnd,
        **{
            "probation-weight_achievement": "60",
            "probation-weight_competency": "40",
            "civil_servant-very_good_from": "85",
            "agreement_deadline": "๓๐/๔/๒๕๗๐",
            "evaluation_deadline": "15/9/2570",
            "expected-K1-core": "2",
            "competency_method": "rating",
            "second_review": "on",
        },
    )
    response = client.post(settings_url(rnd), data)
    assert response.status_code == 302
    rnd.refresh_from_db()
    assert rnd.agreement_deadline == dt.date(2027, 4, 30)
    assert rnd.evaluation_deadline == dt.date(2027, 9, 15)
    assert rnd.competency_method == "rating" and rnd.second_review
    probation = RoundSetting.objects.get(round=rnd, group="probation")
    assert (probation.weight_achievement, probation.weight_competency) == (60, 40)
    assert RoundSetting.objects.get(round=rnd, group="civil_servant").very_good_from == 85
    assert rnd.expected_levels.get(grade="K1").core == 2
    body = client.get(settings_url(rnd)).content.decode()
    assert "30 เมษายน 2570" in body  # shown in B.E.
    assert 'value="30/04/2570"' in body  # zero-padded, as the placeholder shows


def test_a_stale_version_is_refused_with_the_conflict_message(client, org):
    rnd = new_round(org)
    client.force_login(org.hr)
    stale = settings_post(rnd, **{"expected-K1-core": "3"})
    client.post(settings_url(rnd), settings_post(rnd, **{"expected-K2-core": "3"}))
    response = client.post(settings_url(rnd), stale)
    assert response.status_code == 200
    assert "มีผู้อื่นแก้ไขการตั้งค่ารอบนี้ไปก่อนแล้ว" in response.content.decode()
    assert rnd.expected_levels.get(grade="K1").core == 1


def test_the_method_cannot_change_once_the_round_is_open(client, org):
    rnd = open_round(org)
    client.force_login(org.hr)
    response = client.get(settings_url(rnd))
    assert response.context["form"].fields["competency_method"].disabled
    client.post(settings_url(rnd), settings_post(rnd, competency_method="ratio"))
    rnd.refresh_from_db()
    assert rnd.competency_method == "bar_scale"


def test_hr_of_a_subtree_reads_the_settings_without_controls(client, org):
    rnd = new_round(org)
    client.force_login(org.hr_div2)
    response = client.get(settings_url(rnd))
    body = response.content.decode()
    assert response.status_code == 200
    assert 'id="readonly-note"' in body
    assert 'id="save-settings"' not in body
    assert all(f.disabled for f in response.context["form"].fields.values())
    assert client.post(settings_url(rnd), settings_post(rnd)).status_code == 403


def test_line_of_work_competencies_are_added_and_removed_before_opening(client, org):
    rnd = new_round(org)
    client.force_login(org.hr)
    response = client.post(
        settings_url(rnd),
        {
            "action": "competency_add",
            "version": rnd.version,
            "name": "การคิดวิเคราะห์",
            "line_of_work": "นักวิเคราะห์นโยบายและแผน",
            "expected_level": "2",
        },
    )
    assert response.status_code == 302
    comp = rnd.competencies.get(kind=CompetencyKind.LINE)
    assert (comp.name, comp.line_of_work, comp.expected_level) == (
        "การคิดวิเคราะห์",
        "นักวิเคราะห์นโยบายและแผน",
        2,
    )
    rnd.refresh_from_db()
    duplicate = client.post(
        settings_url(rnd),
        {"action": "competency_add", "version": rnd.version, "name": "การคิดวิเคราะห์"},
    )
    assert "มีสมรรถนะชื่อ" in duplicate.content.decode()
    core = rnd.competencies.filter(kind=CompetencyKind.CORE).first()
    response = client.post(
        settings_url(rnd),
        {"action": "competency_remove", "version": rnd.version, "competency": core.pk},
        follow=True,
    )
    assert "ลบได้เฉพาะสมรรถนะประจำสายงาน" in " ".join(messages_of(response))
    rnd.refresh_from_db()
    client.post(
        settings_url(rnd),
        {"action": "competency_remove", "version": rnd.version, "competency": comp.pk},
    )
    assert not rnd.competencies.filter(kind=CompetencyKind.LINE).exists()
    assert AuditEvent.objects.filter(kind="round.competency_remove").exists()


def test_competencies_are_fixed_once_the_round_is_open(client, org):
    rnd = open_round(org)
    client.force_login(org.hr)
    response = client.post(
        settings_url(rnd),
        {"action": "competency_add", "version": rnd.version, "name": "ภาวะผู้นำทางวิชาการ"},
    )
    assert "ก่อนเปิดรอบเท่านั้น" in response.content.decode()
    assert not rnd.competencies.filter(kind=CompetencyKind.LINE).exists()


def test_committee_members_are_picked_by_staff_code_and_then_see_the_distribution(client, org):
    rnd = open_round(org)
    dist = reverse("appraisal:distribution", args=[rnd.pk])
    client.force_login(org.s2.user)
    assert dist not in client.get(reverse("home")).content.decode()
    assert client.get(dist).status_code == 403
    client.force_login(org.hr)
    unknown = client.post(
        settings_url(rnd), {"action": "member_add", "version": rnd.version, "staff_code": "9999"}
    )
    assert "ไม่พบบุคลากรรหัสหรือชื่อ “9999”" in unknown.content.decode()
    client.post(
        settings_url(rnd), {"action": "member_add", "version": rnd.version, "staff_code": "0005"}
    )
    assert list(rnd.committee.all()) == [org.s2.user]
    client.force_login(org.s2.user)
    assert client.get(dist).status_code == 200
    # Not HR, so no round menu: the home page leads the member to the distribution.
    assert dist in client.get(reverse("home")).content.decode()
    assert client.get(console_url(rnd)).status_code == 403  # the committee sees bands, not forms
    client.force_login(org.hr)
    rnd.refresh_from_db()
    client.post(
        settings_url(rnd),
        {"action": "member_remove", "version": rnd.version, "user": org.s2.user.pk},
    )
    assert not rnd.committee.exists()


# --- rounds ------------------------------------------------------------------------------------


def test_hr_creates_a_round_and_lands_on_its_settings(client, org):
    client.force_login(org.hr)
    url = reverse("appraisal:rounds")
    assert 'id="create-round"' in client.get(url).content.decode()
    data = {"department": org.dept.pk, "fiscal_year": "2571", "number": "1"}
    response = client.post(url, data)
    rnd = AppraisalRound.objects.get(department=org.dept, fiscal_year=2571, number=1)
    assert response.status_code == 302
    assert response["Location"] == settings_url(rnd)
    again = client.post(url, data)
    assert "มีรอบการประเมินปีงบประมาณ 2571 รอบที่ 1 แล้ว" in again.content.decode()


def test_the_rounds_page_shows_each_role_only_the_rounds_it_follows(client, world):
    url = reverse("appraisal:rounds")
    client.force_login(world.hr)
    body = client.get(url).content.decode()
    assert world.round.code in body
    assert "%" in body  # progress of an open round
    client.force_login(world.hr_div2)
    body = client.get(url).content.decode()
    assert world.round.code in body and 'id="create-round"' not in body
    client.force_login(world.s1.user)
    body = client.get(url).content.decode()
    assert world.round.code not in body


def test_opening_from_the_console_creates_the_forms(client, org):
    rnd = new_round(org, number=1)
    client.force_login(org.hr)
    response = client.post(
        reverse("appraisal:round_phase", args=[rnd.pk]),
        {"action": "open", "version": rnd.version},
        follow=True,
    )
    assert "สร้างแบบประเมิน 9 ฉบับ" in " ".join(messages_of(response))
    rnd.refresh_from_db()
    assert rnd.phase == Phase.AGREEMENT and rnd.forms.count() == 9


# --- console -----------------------------------------------------------------------------------


def test_console_counts_match_the_states_of_the_world(client, world):
    o = world
    client.force_login(o.hr)
    response = client.get(console_url(o.round))
    body = response.content.decode()
    assert response.status_code == 200
    heads = re.findall(r'data-state="([a-z_]+)"', body)
    assert heads == PROGRESS_STATES
    expected = dict.fromkeys(PROGRESS_STATES, 0)
    expected.update({State.NOT_STARTED: 6, State.SUBMITTED: 1, State.AGREED: 1, State.SCORED: 1})
    assert cell_numbers(body, 'id="totals"') == [*expected.values(), 9]
    div1 = dict.fromkeys(PROGRESS_STATES, 0)
    div1.update({State.NOT_STARTED: 2, State.SUBMITTED: 1, State.AGREED: 1, State.SCORED: 1})
    assert cell_numbers(body, f'data-unit="{o.div1.pk}"') == [*div1.values(), 5]
    div2 = [3] + [0] * (len(PROGRESS_STATES) - 1)
    assert cell_numbers(body, f'data-unit="{o.div2.pk}"') == [*div2, 3]
    assert cell_numbers(body, f'data-unit="{o.dept.pk}"') == [1] + [0] * 8 + [1]
    # Drilling into กองแผนงาน gives its groups.
    body = client.get(console_url(o.round), {"unit": o.div1.pk}).content.decode()
    assert cell_numbers(body, f'data-unit="{o.grp1.pk}"')[-1] == 3
    assert cell_numbers(body, f'data-unit="{o.grp2.pk}"')[-1] == 1
    # A count links to the list of those forms.
    assert (
        f"{reverse('appraisal:round_forms', args=[o.round.pk])}?unit={o.div1.pk}&amp;state=submitted"
        in client.get(console_url(o.round)).content.decode()
    )


def test_console_state_filter_and_unit_search(client, world):
    o = world
    client.force_login(o.hr)
    body = client.get(console_url(o.round), {"state": "submitted"}).content.decode()
    assert cell_numbers(body, 'id="totals"')[-1] == 1
    body = client.get(console_url(o.round), {"q": "กองการเจ้าหน้าที่"}).content.decode()
    assert cell_numbers(body, 'id="totals"')[-1] == 3
    body = client.get(console_url(o.round), {"q": "กอง"}).content.decode()
    assert 'id="unit-matches"' in body


def test_hr_of_a_subtree_sees_only_that_subtree(client, world):
    o = world
    client.force_login(o.hr_div2)
    body = client.get(console_url(o.round)).content.decode()
    assert cell_numbers(body, 'id="totals"')[-1] == 3
    assert f'data-unit="{o.div1.pk}"' not in body
    assert "กองแผนงาน" not in body
    assert client.get(console_url(o.round), {"unit": o.div1.pk}).status_code == 404
    assert 'value="open"' not in body and 'value="advance"' not in body
    forms = client.get(reverse("appraisal:round_forms", args=[o.round.pk]))
    names = {f.person.first_name for f in forms.context["page"]}
    assert names == {"ผอ.กองการเจ้าหน้าที่", "รักษาการ", "สมปอง"}


def test_nested_hr_scopes_count_each_form_once(client, world):
    from orgchart.models import HrScope

    o = world
    HrScope.objects.create(user=o.hr_div2, unit=o.div1)
    HrScope.objects.create(user=o.hr_div2, unit=o.grp1)
    client.force_login(o.hr_div2)
    body = client.get(console_url(o.round)).content.decode()
    assert cell_numbers(body, 'id="totals"')[-1] == 8  # div1 (5) and div2 (3), grp1 once
    rows = re.findall(r'<tr data-unit="(\d+)"', body)
    assert len(rows) == len(set(rows))


def test_people_without_an_evaluator_are_listed_with_a_link_to_fix(client, world):
    client.force_login(world.hr)
    body = client.get(console_url(world.round)).content.decode()
    section = re.search(r'id="missing-evaluators"(.*?)</ul>', body, re.S).group(1)
    director = form_of(world.round, world.director)
    assert world.director.full_name in re.sub(r"<[^>]+>", "", section)
    assert reverse("appraisal:form_evaluator", args=[director.pk]) in section


def test_reminders_go_to_the_people_with_overdue_agreements(client, world):
    o = world
    client.force_login(o.hr)
    response = client.post(reverse("appraisal:round_remind", args=[o.round.pk]), follow=True)
    not_started = [o.director, o.div1_head, o.grp1_head, o.div2_head, o.div2_acting, o.s4]
    to = sorted(r for m in mail.outbox for r in m.to)
    # One message each to the six who have not started, one to s2's evaluator (waiting).
    assert to == sorted([p.email for p in not_started] + [o.grp1_head.email])
    assert "ส่งอีเมลแจ้งเตือนแล้ว 7 ฉบับ" in " ".join(messages_of(response))
    assert o.s1.email not in to  # s1's agreement is approved
    mail.outbox.clear()
    client.force_login(o.hr_div2)
    client.post(reverse("appraisal:round_remind", args=[o.round.pk]))
    assert sorted(r for m in mail.outbox for r in m.to) == sorted(
        p.email for p in (o.div2_head, o.div2_acting, o.s4)
    )


def test_release_then_close_then_reopen_needs_a_reason(client, world):
    o = world
    o.f3 = informed(o.f3)
    f3 = form_acknowledge(actor=o.s3.user, form=o.f3, expected_version=o.f3.version)
    form_review_higher(actor=o.director.user, form=f3, expected_version=f3.version, agrees=True)
    client.force_login(o.hr)
    phase = reverse("appraisal:round_phase", args=[o.round.pk])
    release = reverse("appraisal:round_release", args=[o.round.pk])

    early = client.post(release, follow=True)
    assert "ประกาศผลได้เมื่อรอบอยู่ในขั้นตอนทบทวนผลขึ้นไป" in " ".join(messages_of(early))
    o.round.refresh_from_db()
    client.post(phase, {"action": "advance", "version": o.round.version})
    o.round.refresh_from_db()
    assert o.round.phase == Phase.REVIEW
    response = client.post(release, follow=True)
    assert "ประกาศผลแล้ว 1 ราย" in " ".join(messages_of(response))
    f3.refresh_from_db()
    assert f3.state == State.RELEASED

    client.post(phase, {"action": "advance", "version": o.round.version})
    o.round.refresh_from_db()
    assert o.round.phase == Phase.RELEASED
    client.post(phase, {"action": "close", "version": o.round.version})
    o.round.refresh_from_db()
    assert o.round.phase == Phase.CLOSED

    refused = client.post(phase, {"action": "reopen", "reason": "  "}, follow=True)
    assert "กรุณาระบุเหตุผลการเปิดรอบใหม่" in " ".join(messages_of(refused))
    o.round.refresh_from_db()
    assert o.round.phase == Phase.CLOSED
    client.post(phase, {"action": "reopen", "reason": "แก้ไขคะแนนตามมติคณะกรรมการ"})
    o.round.refresh_from_db()
    assert o.round.phase == Phase.RELEASED
    assert AuditEvent.objects.get(kind="round.reopen").summary == "แก้ไขคะแนนตามมติคณะกรรมการ"


def test_hr_of_a_subtree_cannot_change_the_phase(client, world):
    client.force_login(world.hr_div2)
    url = reverse("appraisal:round_phase", args=[world.round.pk])
    assert client.post(url, {"action": "advance"}).status_code == 403
    world.round.refresh_from_db()
    assert world.round.phase == Phase.EVALUATION


# --- forms and distribution --------------------------------------------------------------------


def test_round_forms_filter_by_unit_state_and_person(client, world):
    o = world
    client.force_login(o.hr)
    url = reverse("appraisal:round_forms", args=[o.round.pk])
    page = client.get(url).context["page"]
    assert page.paginator.count == 9
    page = client.get(url, {"unit": o.div1.pk}).context["page"]
    assert page.paginator.count == 5
    page = client.get(url, {"unit": o.div1.pk, "exact": "1"}).context["page"]
    assert [f.person for f in page] == [o.div1_head]
    page = client.get(url, {"state": "submitted"}).context["page"]
    assert [f.person for f in page] == [o.s2]
    page = client.get(url, {"who": "0006"}).context["page"]
    assert [f.person for f in page] == [o.s3]
    body = client.get(url, {"who": "0006"}).content.decode()
    assert "86.00" in body and "ดีมาก" in body  # s3: levels 4/4/4, competencies as expected


def test_round_forms_are_paginated_by_fifty(client, org, monkeypatch):
    from appraisal import views_results

    monkeypatch.setattr(views_results, "PER_PAGE", 4)
    rnd = open_round(org)
    client.force_login(org.hr)
    url = reverse("appraisal:round_forms", args=[rnd.pk])
    first = client.get(url, {"state": "not_started"})
    assert len(first.context["page"]) == 4 and first.context["page"].paginator.num_pages == 3
    assert "state=not_started&amp;page=2" in first.content.decode()


def test_a_name_search_pages_its_matches_by_id_in_list_order_and_a_wide_one_as_usual(
    client, org, monkeypatch
):
    from appraisal import views_results
    from common import paging

    monkeypatch.setattr(views_results, "PER_PAGE", 2)
    rnd = open_round(org)
    client.force_login(org.hr)
    url = reverse("appraisal:round_forms", args=[rnd.pk])
    # The whole list's order is the reference: the search's pages follow it.
    everyone = [f.pk for f in views_results.selectors.round_forms(rnd=rnd, units=[org.dept])]
    people = {f.pk: f.person for f in AppraisalForm.objects.filter(round=rnd)}
    word = people[everyone[0]].last_name[:2]
    expected = [
        pk for pk in everyone if word in people[pk].last_name or word in people[pk].first_name
    ]
    assert len(expected) >= 3, "the search needs matches on two pages"

    def pages(**extra):
        seen, number = [], 1
        while True:
            page = client.get(url, {"who": word, "page": number, **extra}).context["page"]
            assert page.paginator.count == len(expected)
            seen += [f.pk for f in page]
            if not page.has_next():
                return seen
            number += 1

    assert pages() == expected
    # Wider than the narrow limit: counted and paged by the database as before, same rows.
    monkeypatch.setattr(paging, "NARROW", 1)
    assert pages() == expected
    body = client.get(url, {"who": word}).content.decode()
    assert f"{people[expected[0]].staff_code} ·" in body


def test_distribution_shows_percentages_per_band_unit_and_group(client, world):
    o = world
    f1 = o.f1
    score_save(
        actor=o.grp1_head.user,
        form=f1,
        expected_version=f1.version,
        kpis=[ScoreInput(id=r.pk, level=5, reason="ผลงานเกินเป้า") for r in f1.kpis.all()],
        competencies=[CompetencyInput(id=c.pk, actual=c.expected) for c in f1.competencies.all()],
    )
    f1.refresh_from_db()
    scoring_finish(actor=o.grp1_head.user, form=f1, expected_version=f1.version)
    client.force_login(o.hr)
    response = client.get(reverse("appraisal:distribution", args=[o.round.pk]))
    body = response.content.decode()
    assert re.search(r'data-band="outstanding">1<', body)
    assert re.search(r'data-band="very_good">1<', body)
    assert re.search(r'data-band-percent="outstanding">50.0%<', body)
    assert re.search(r'data-band-percent="very_good">50.0%<', body)
    assert re.search(r'data-band-percent="good">0.0%<', body)
    div1 = re.search(rf'<tr data-unit="{o.div1.pk}">(.*?)</tr>', body, re.S).group(1)
    assert "50.0%" in div1 and "(0.0)" in div1
    groups = response.context["groups"]
    assert [(g["label"], g["total"]) for g in groups] == [("ข้าราชการ", 2)]
    names = [f.person for f in response.context["names"]]
    assert names == [o.s1, o.s3]  # highest total first
    assert "100.00" in body and "86.00" in body


# --- one form's evaluator ----------------------------------------------------------------------


def test_hr_changes_a_forms_evaluator_by_staff_code_with_a_reason(client, world):
    o = world
    url = reverse("appraisal:form_evaluator", args=[o.f4.pk])
    client.force_login(o.hr_div2)
    unknown = client.post(url, {"evaluator_code": "9999", "reason": "ย้ายงาน"})
    assert "ไม่พบบุคลากรรหัสหรือชื่อ “9999”" in unknown.content.decode()
    himself = client.post(url, {"evaluator_code": o.s4.staff_code, "reason": "ย้ายงาน"})
    assert "ผู้รับการประเมินเป็นผู้ประเมินตนเองไม่ได้" in " ".join(
        himself.context["django_form"].errors["evaluator_code"]
    )
    no_reason = client.post(url, {"evaluator_code": o.div2_head.staff_code, "reason": ""})
    assert no_reason.status_code == 200 and no_reason.context["django_form"].errors["reason"]
    response = client.post(
        url,
        {
            "evaluator_code": o.div2_head.staff_code,
            "higher_code": o.director.staff_code,
            "reason": "ผู้รักษาราชการแทนพ้นหน้าที่",
        },
    )
    assert response.status_code == 302
    o.f4.refresh_from_db()
    assert (o.f4.evaluator, o.f4.higher) == (o.div2_head, o.director)
    (event,) = form_events(form=o.f4, kinds=[FormEvent.SET_EVALUATOR])
    assert event.reason == "ผู้รักษาราชการแทนพ้นหน้าที่"
    assert event.changes["higher"][1] == o.director.pk


@pytest.mark.parametrize(
    "next_value, kept",
    [
        ("/appraisal/rounds/", True),
        ("328", False),  # not a path: redirect() would try to reverse it as a view name
        ("//evil.example/x", False),
        ("https://evil.example/x", False),
        ("", False),
    ],
)
def test_evaluator_change_returns_only_to_a_path_on_this_site(client, world, next_value, kept):
    o = world
    url = reverse("appraisal:form_evaluator", args=[o.f4.pk])
    client.force_login(o.hr_div2)
    response = client.post(
        url,
        {
            "evaluator_code": o.div2_head.staff_code,
            "reason": "ย้ายงาน",
            "next": next_value,
        },
    )
    assert response.status_code == 302
    default = reverse("appraisal:round_forms", args=[o.f4.round_id])
    if kept:
        assert response["Location"] == next_value
    else:
        assert response["Location"].startswith(default)


# --- the command -------------------------------------------------------------------------------


def test_send_reminders_command_mails_rounds_in_agreement(org):
    rnd = open_round(org)
    out = StringIO()
    call_command("send_reminders", "--round", f"{YEAR}-1", stdout=out)
    assert len(mail.outbox) == 9  # nobody has started
    assert "9" in out.getvalue() and org.dept.code in out.getvalue()
    mail.outbox.clear()
    round_advance(actor=org.hr, rnd=rnd)
    round_advance(actor=org.hr, rnd=rnd)  # evaluation: no more agreement reminders
    out = StringIO()
    call_command("send_reminders", "--round", f"{YEAR}-1", "--department", "DEPT", stdout=out)
    assert mail.outbox == []
    assert "ข้าม" in out.getvalue() or "skipped" in out.getvalue()


def test_send_reminders_command_refuses_a_malformed_round():
    from django.core.management.base import CommandError

    with pytest.raises(CommandError):
        call_command("send_reminders", "--round", "2570")


def test_distribution_costs_the_same_queries_for_few_and_many_units_and_names(client, org):
    """Two child units and two top-band names against twelve units and every form in the top
    band: the same number of queries for HR, HR of a subtree and a committee member."""
    for i in range(10):
        unit = org_services.unit_create(
            code=f"DEPT-9{i:02d}", name=f"กองทดสอบ {i}", parent=org.dept
        )
        for j in range(3):
            make_person(unit, f"9{i:02d}{j}", f"คนที่{i}{j}")
    rnd = open_round(org)
    round_committee_add(actor=org.hr, rnd=rnd, expected_version=None, staff_code=org.s2.staff_code)
    url = reverse("appraisal:distribution", args=[rnd.pk])

    def mark(qs):
        qs.update(state=State.SCORED, final_band="very_good", final_total=Decimal("85.5"))
        recount(rnd)

    def count(user, **params):
        client.force_login(user)
        with CaptureQueriesContext(connection) as ctx:
            response = client.get(url, params)
        assert response.status_code == 200
        return len(ctx.captured_queries), response.context

    forms = AppraisalForm.objects.filter(round=rnd)
    mark(forms.filter(person__in=[org.s1, org.s4]))
    few = {
        who: count(user, unit=org.div1.pk)
        for who, user in [("hr", org.hr), ("hr_div2", org.hr_div2), ("committee", org.s2.user)]
    }
    mark(forms)
    many = {
        who: count(user, unit=org.dept.pk)
        for who, user in [("hr", org.hr), ("hr_div2", org.hr_div2), ("committee", org.s2.user)]
    }
    assert len(few["hr"][1]["unit_rows"]) == 2 and len(many["hr"][1]["unit_rows"]) == 12
    assert len(few["hr"][1]["names"]) == 2 and len(many["hr"][1]["names"]) == forms.count()
    assert many["hr"][1]["dept"]["total"] == forms.count()
    assert sum(r["total"] for r in many["hr"][1]["unit_rows"]) == forms.count() - 1  # director
    for who in few:
        assert few[who][0] == many[who][0], (who, few[who][0], many[who][0])
