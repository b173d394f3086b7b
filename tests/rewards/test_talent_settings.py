"""HR sets the round's talent grid cut points on the round settings page; cuts that do not
rise or leave 0–100 are refused in Thai before the database's check would."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.urls import reverse

from appraisal.services.rounds import round_update
from common.errors import DomainError
from tests.appraisal.conftest import open_round
from tests.appraisal.test_hr_pages import settings_post

MESSAGE = "จุดตัดตารางศักยภาพต้องอยู่ระหว่าง 0–100"


def test_hr_sets_the_cuts_and_they_are_audited(client, org):
    rnd = open_round(org)
    assert (rnd.talent_cut_low, rnd.talent_cut_high) == (60, 80)
    client.force_login(org.hr)
    url = reverse("appraisal:round_settings", args=[rnd.pk])
    page = client.get(url).content.decode()
    assert 'name="talent_cut_low"' in page and 'value="60.00"' in page
    response = client.post(url, settings_post(rnd, talent_cut_low="55", talent_cut_high="72.5"))
    assert response.status_code == 302
    rnd.refresh_from_db()
    assert (rnd.talent_cut_low, rnd.talent_cut_high) == (Decimal(55), Decimal("72.5"))
    from common.models import AuditEvent

    event = AuditEvent.objects.filter(object_id=str(rnd.pk)).order_by("-pk").first()
    assert event.changes["talent_cut_low"] == ["60.00", "55"]


def test_a_page_sent_without_the_cuts_keeps_them(client, org):
    rnd = open_round(org)
    client.force_login(org.hr)
    url = reverse("appraisal:round_settings", args=[rnd.pk])
    assert client.post(url, settings_post(rnd)).status_code == 302
    rnd.refresh_from_db()
    assert (rnd.talent_cut_low, rnd.talent_cut_high) == (60, 80)


@pytest.mark.parametrize(
    ("low", "high"),
    [("80", "60"), ("70", "70"), ("-1", "60"), ("60", "100.01"), ("", "50"), ("90", "")],
)
def test_cuts_that_do_not_rise_within_0_to_100_are_refused_in_thai(client, org, low, high):
    rnd = open_round(org)
    client.force_login(org.hr)
    url = reverse("appraisal:round_settings", args=[rnd.pk])
    response = client.post(url, settings_post(rnd, talent_cut_low=low, talent_cut_high=high))
    assert response.status_code == 200
    errors = " ".join(response.context["form"].errors.get("talent_cut_high", []))
    assert MESSAGE in errors
    assert MESSAGE in response.content.decode()
    rnd.refresh_from_db()
    assert (rnd.talent_cut_low, rnd.talent_cut_high) == (60, 80)


@pytest.mark.parametrize("value", ["abc", "NaN", "1e999"])
def test_a_cut_that_is_not_a_number_is_refused_on_its_field(client, org, value):
    rnd = open_round(org)
    client.force_login(org.hr)
    url = reverse("appraisal:round_settings", args=[rnd.pk])
    response = client.post(url, settings_post(rnd, talent_cut_low=value))
    assert response.status_code == 200
    assert response.context["form"].errors.get("talent_cut_low")


@pytest.mark.parametrize(
    "fields",
    [
        {"talent_cut_low": "85"},
        {"talent_cut_high": "101"},
        {"talent_cut_low": "x"},
        {"talent_cut_low": "NaN"},
    ],
)
def test_the_service_refuses_wrong_cuts_too(org, fields):
    rnd = open_round(org)
    with pytest.raises(DomainError) as exc:
        round_update(actor=org.hr, rnd=rnd, expected_version=rnd.version, fields=fields)
    assert "จุดตัดตารางศักยภาพ" in exc.value.message
    rnd.refresh_from_db()
    assert (rnd.talent_cut_low, rnd.talent_cut_high) == (60, 80)
