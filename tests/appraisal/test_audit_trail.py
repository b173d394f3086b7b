"""One audit trail: every write records who, when, what, old, new and why; kinds are enum
members; a score change is visible to an auditor; a form's state moves only by its transitions."""

from __future__ import annotations

import pytest
from django.urls import reverse

from appraisal.models import AppraisalForm, FormEvent, State
from appraisal.selectors import form_events, form_history, form_timeline
from appraisal.services.evaluation import CompetencyInput, ScoreInput, score_save
from common.models import audit
from orgchart.models import OrgEvent


def test_a_score_change_is_in_the_audit_trail_with_old_new_and_why(world):
    o = world
    item = o.f1.kpis.first()
    comp = o.f1.competencies.first()
    score_save(
        actor=o.grp1_head.user,
        form=o.f1,
        expected_version=o.f1.version,
        kpis=[ScoreInput(id=item.pk, level=2, reason="รายงานล่าช้ากว่ากำหนด")],
        competencies=[CompetencyInput(id=comp.pk, actual=1, note="ส่งงานตรงเวลา")],
    )
    (event,) = form_events(form=o.f1, kinds=[FormEvent.SCORE_SAVE])
    assert event.actor == o.grp1_head.user
    assert event.actor_name == o.grp1_head.full_name
    row = event.changes["kpis"][item.name]
    assert row["level"] == [None, 2]
    assert row["level_reason"] == ["", "รายงานล่าช้ากว่ากำหนด"]
    assert event.changes["competencies"][comp.name]["actual"] == [None, 1]
    # The timeline its people read never carries the saved figures.
    assert FormEvent.SCORE_SAVE not in [e.kind for e in form_timeline(form=o.f1, show_score=True)]
    history = form_history(form=o.f1)
    assert any(r.subject == comp.name and r.new == 1 for r in history)


def test_the_audit_trail_takes_enum_kinds_only(org):
    with pytest.raises(TypeError):
        audit(actor=org.hr, kind="unit.update", obj=org.grp1)
    event = audit(actor=org.hr, kind=OrgEvent.UNIT_UPDATE, obj=org.grp1, reason="ทดสอบ")
    assert event.kind == "unit.update" and str(event.label) == "แก้ไขหน่วยงาน"


def test_a_form_state_is_changed_only_by_its_transitions(world):
    form = AppraisalForm.objects.get(pk=world.f1.pk)
    with pytest.raises(AttributeError):
        form.state = State.RELEASED
    form.refresh_from_db()  # reading it back is still allowed
    assert form.state == world.f1.state


def test_hr_reads_the_round_audit_trail_of_their_scope_only(client, world):
    o = world
    item = o.f1.kpis.first()
    score_save(
        actor=o.grp1_head.user,
        form=o.f1,
        expected_version=o.f1.version,
        kpis=[ScoreInput(id=item.pk, level=2, reason="เหตุผลเฉพาะของผู้ประเมิน")],
    )
    url = reverse("appraisal:round_audit", kwargs={"pk": o.round.pk})
    client.force_login(o.hr)
    body = client.get(url, {"kind": FormEvent.SCORE_SAVE}).content.decode()
    assert "เหตุผลเฉพาะของผู้ประเมิน" in body and item.name in body
    # HR of another subtree of the department sees the round but not s1's form.
    client.force_login(o.hr_div2)
    response = client.get(url)
    assert response.status_code == 200
    assert "เหตุผลเฉพาะของผู้ประเมิน" not in response.content.decode()
    # Staff are refused.
    client.force_login(o.s1.user)
    assert client.get(url).status_code == 403
