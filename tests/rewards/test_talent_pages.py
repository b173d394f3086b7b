"""The talent grid page (rewards:talent): counts per box, names on click, who sees what."""

from __future__ import annotations

import re
from decimal import Decimal

import pytest
from django.urls import reverse

from appraisal.models import AppraisalForm, State
from tests.conftest import shared_copy, shared_rows
from tests.rewards.talent_world import build_talent_world

talent_rows = shared_rows("talent_rows", build_talent_world)


@pytest.fixture
def world(talent_rows, db, settings):
    return shared_copy(talent_rows, settings)


def url(o, **params):
    return reverse("rewards:talent", args=[o.round.pk])


def counts(response) -> dict[str, int]:
    return {f"{a}-{c}": n for (a, c), n in response.context["grid"].counts.items()}


def box_names(response) -> list[str]:
    return [p.form.person.first_name for p in response.context["names"]]


def test_hr_sees_every_scored_form_in_its_box(client, world):
    o = world
    client.force_login(o.hr)
    response = client.get(url(o))
    assert response.status_code == 200
    c = counts(response)
    # s1 100/100, s3 82/100, s4 80/100 (80 is the high cut: high); s2 40/100; grp1_head 60/66.67.
    assert c["high-high"] == 3 and c["low-high"] == 1 and c["mid-mid"] == 1
    assert sum(c.values()) == 5
    body = response.content.decode()
    assert 'id="grid-total">5<' in body
    assert re.search(r'data-box="high-high">\s*<a[^>]*><span class="fs-4 fw-bold">3<', body)
    assert "ผลสัมฤทธิ์สูง" in body and "สมรรถนะต่ำ" in body  # Thai labels on both axes
    assert "ต่ำกว่า 60%" in body and "80% ขึ้นไป" in body
    assert 'id="box-names"' not in body  # no box chosen, no names yet


def test_a_box_link_lists_its_names_each_linked_to_the_form_for_hr(client, world):
    o = world
    client.force_login(o.hr)
    response = client.get(url(o), {"box": "high-high"})
    assert sorted(box_names(response)) == sorted(["สมชาย", "สมศักดิ์", "สมปอง"])
    body = response.content.decode()
    table = re.search(r'id="box-names">(.*?)</table>', body, re.S).group(1)
    for name in ("s1", "s3", "s4"):
        form = o.forms[name]
        assert f'href="{reverse("appraisal:form", kwargs={"pk": form.pk})}"' in table
    assert "82.00" in table and "100.00" in table
    mid = client.get(url(o), {"box": "mid-mid"})
    assert box_names(mid) == ["หัวหน้ากลุ่ม"]
    assert "66.67" in mid.content.decode()
    empty = client.get(url(o), {"box": "low-low"})
    assert box_names(empty) == [] and "ไม่มีบุคลากรในช่องนี้" in empty.content.decode()


def test_a_boxs_names_are_paged_and_numbered_on(client, world, monkeypatch):
    from rewards import views_talent

    monkeypatch.setattr(views_talent, "PER_PAGE", 2)
    o = world
    client.force_login(o.hr)
    first = client.get(url(o), {"box": "high-high"})
    second = client.get(url(o), {"box": "high-high", "page": 2})
    assert len(box_names(first)) == 2 and len(box_names(second)) == 1
    assert sorted(box_names(first) + box_names(second)) == sorted(["สมชาย", "สมศักดิ์", "สมปอง"])
    body = second.content.decode()
    assert 'id="names-count">3<' in body and "<td>3</td>" in body
    assert "box=high-high&amp;page=1" in body  # the pages keep the box


@pytest.mark.parametrize("box", ["", "high", "high-", "x-y", "high-high-high", "<script>"])
def test_a_wrong_box_shows_the_grid_without_a_list(client, world, box):
    o = world
    client.force_login(o.hr)
    response = client.get(url(o), {"box": box})
    assert response.status_code == 200
    assert response.context["chosen"] is None and "<script>" not in response.content.decode()


def test_a_committee_member_sees_the_grid_without_their_own_unreleased_form(client, world):
    o = world
    client.force_login(o.s2.user)  # on the committee; own form scored, not released
    response = client.get(url(o))
    assert response.status_code == 200
    c = counts(response)
    assert c["low-high"] == 0 and sum(c.values()) == 4
    body = response.content.decode()
    assert 'id="own-left-out"' in body
    for box in ("low-high", "high-high", "mid-mid"):
        listed = client.get(url(o), {"box": box})
        assert "สมหญิง" not in box_names(listed)
        assert "40.00" not in listed.content.decode()
    # Names, but no link to forms the member may not open.
    names = client.get(url(o), {"box": "high-high"}).content.decode()
    table = re.search(r'id="box-names">(.*?)</table>', names, re.S).group(1)
    assert "สมชาย" in table and "/appraisal/forms/" not in table and "href" not in table


def test_a_released_own_form_counts_for_its_owner(client, world):
    from appraisal.services.rounds import round_committee_add

    o = world
    round_committee_add(actor=o.hr, rnd=o.round, expected_version=None, staff_code=o.s4.staff_code)
    client.force_login(o.s4.user)
    response = client.get(url(o), {"box": "high-high"})
    assert "สมปอง" in box_names(response) and sum(counts(response).values()) == 5
    assert 'id="own-left-out"' not in response.content.decode()


def test_hr_of_own_unreleased_form_does_not_see_it(client, world):
    """An HR officer who is also appraised in the round: their own form is left out."""
    from orgchart.models import HrScope

    o = world
    HrScope.objects.create(user=o.s1.user, unit=o.dept)
    client.force_login(o.s1.user)
    response = client.get(url(o), {"box": "high-high"})
    assert "สมชาย" not in box_names(response) and counts(response)["high-high"] == 2
    assert 'id="own-left-out"' in response.content.decode()


def test_the_unit_filter_narrows_to_a_subtree_and_stays_in_scope(client, world):
    o = world
    client.force_login(o.hr)
    grp1 = client.get(url(o), {"unit": o.grp1.pk, "box": "high-high"})
    assert sum(counts(grp1).values()) == 3  # s1, s2, grp1_head
    assert box_names(grp1) == ["สมชาย"]
    div1 = client.get(url(o), {"unit": o.div1.pk})
    assert sum(counts(div1).values()) == 4  # and s3 of grp2
    assert client.get(url(o), {"unit": o.other.pk}).status_code == 404
    assert client.get(url(o), {"unit": "abc"}).status_code == 200  # no unit: the department
    # HR of div2 sees div2 only, and cannot reach div1 by its id.
    client.force_login(o.hr_div2)
    own = client.get(url(o), {"box": "high-high"})
    assert box_names(own) == ["สมปอง"] and sum(counts(own).values()) == 1
    assert client.get(url(o), {"unit": o.grp1.pk}).status_code == 404


def test_the_rounds_cut_points_place_the_boxes(client, world):
    o = world
    o.round.talent_cut_low, o.round.talent_cut_high = Decimal(40), Decimal("82.5")
    o.round.save(update_fields=["talent_cut_low", "talent_cut_high"])
    client.force_login(o.hr)
    response = client.get(url(o))
    c = counts(response)
    # s2 at 40% is now mid (at the first cut); s3 (82%) and s4 (80%) are below 82.5: mid.
    assert c["mid-high"] == 3 and c["high-high"] == 1 and c["mid-mid"] == 1
    body = response.content.decode()
    assert "ต่ำกว่า 40%" in body and "82.5% ขึ้นไป" in body


def test_forms_not_yet_scored_are_not_on_the_grid(client, world):
    o = world
    AppraisalForm.objects.filter(pk=o.forms["s1"].pk).update(state=State.AGREED)
    client.force_login(o.hr)
    response = client.get(url(o), {"box": "high-high"})
    assert "สมชาย" not in box_names(response) and sum(counts(response).values()) == 4


@pytest.mark.parametrize("who", ["s1", "s3", "grp1_head", "div1_head"])
def test_staff_and_supervisors_are_refused(client, world, who):
    o = world
    client.force_login(getattr(o, who).user)
    assert client.get(url(o)).status_code == 403
    assert client.get(url(o), {"box": "high-high"}).status_code == 403


def test_another_department_cannot_tell_the_round_exists(client, world):
    o = world
    client.force_login(o.o1.user)
    assert client.get(url(o)).status_code == 404
