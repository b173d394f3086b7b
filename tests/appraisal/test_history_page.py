"""The history page (ประวัติการแก้ไข): linked from the form for whoever may see it, in Thai words
with formatted figures, competency changes included."""

from __future__ import annotations

import re
from html import unescape

import pytest
from django.urls import reverse
from django.utils import timezone

from appraisal.models import BAND_LABELS, State
from appraisal.services.evaluation import (
    CompetencyInput,
    ScoreInput,
    score_save,
    scoring_finish,
    scoring_reopen,
)
from appraisal.services.review import form_acknowledge, form_review_higher
from appraisal.services.round_phases import round_advance
from tests.factories import informed


def fresh(form):
    form.refresh_from_db()
    return form


def score(form, user, levels, comp_level):
    rows = list(form.kpis.all())
    return score_save(
        actor=user,
        form=form,
        expected_version=form.version,
        kpis=[
            ScoreInput(id=r.pk, level=lv, reason="ตามหลักฐาน")
            for r, lv in zip(rows, levels, strict=True)
        ],
        competencies=[
            CompetencyInput(id=c.pk, actual=comp_level, note="แสดงออกชัดเจน")
            for c in form.competencies.all()
        ],
        other_percent="80",
    )


@pytest.fixture
def reviewed(world):
    """s1's form through the whole trail: agreed, scored with competencies, finished,
    reopened and scored again, informed, acknowledged, then reviewed above with a revised
    total that has more than two decimals."""
    o = world
    ev = o.grp1_head.user
    f = o.f1
    score(f, ev, (4, 3, 5), 1)
    f = scoring_finish(actor=ev, form=fresh(f), expected_version=fresh(f).version)
    f = scoring_reopen(actor=ev, form=f, expected_version=f.version, reason="แก้ระดับตัวชี้วัด")
    score(fresh(f), ev, (5, 3, 5), 0)
    f = scoring_finish(actor=ev, form=fresh(f), expected_version=fresh(f).version)
    f = informed(f)
    f = form_acknowledge(actor=o.s1.user, form=f, expected_version=f.version)
    round_advance(actor=o.hr, rnd=o.round)
    f = form_review_higher(
        actor=o.div1_head.user,
        form=fresh(f),
        expected_version=fresh(f).version,
        agrees=False,
        opinion="ผลงานโดดเด่นกว่าที่ประเมิน",
        revised_total="75.6",
    )
    o.f1 = fresh(f)
    return o


def page_text(client, user, form) -> str:
    client.force_login(user)
    response = client.get(reverse("appraisal:form_history", kwargs={"pk": form.pk}))
    assert response.status_code == 200
    html = response.content.decode()
    main = html[html.index("<main") : html.index("</main>")]
    return unescape(re.sub(r"<[^>]+>", " ", main))


def test_history_page_shows_who_old_new_and_why(client, reviewed):
    o = reviewed
    text = page_text(client, o.hr, o.f1)
    assert "ตามหลักฐาน" in text and "แก้ระดับตัวชี้วัด" in text
    assert o.grp1_head.full_name in text and o.div1_head.full_name in text
    assert "ระดับที่ได้" in text


def test_history_page_is_in_thai_words_with_formatted_figures(client, reviewed):
    o = reviewed
    text = page_text(client, o.hr, o.f1)
    # Event kinds, states, bands and KPI kinds by their Thai labels.
    for label in (
        "บันทึกผลการประเมิน",
        "ผู้ประเมินเปิดแก้ไขผลการประเมิน",
        "ผู้บังคับบัญชาเหนือขึ้นไปให้ความเห็น",
        str(State.AGREED.label),
        str(State.SCORED.label),
        str(BAND_LABELS[o.f1.band]),
        "ตามแผนปฏิบัติราชการ",
    ):
        assert label in text, label
    # Competency changes, by the competency's name.
    comp = o.f1.competencies.first()
    assert comp.name in text
    assert "ระดับสมรรถนะที่แสดงออก" in text and "แสดงออกชัดเจน" in text
    # Figures to two decimals: the revised total, the final total, the weights.
    assert "75.60" in text and "30.00" in text and "80.00" in text
    assert "วันที่แจ้งผล" in text and str(timezone.localdate().year + 543) in text
    # No English field keys or codes, no raw state arrows, no long decimals.
    assert not re.search(r"[A-Za-z]", text), re.findall(r"[A-Za-z_]+", text)[:10]
    assert "→" not in text
    assert not re.search(r"\d\.\d{3,}", text), re.findall(r"\d+\.\d{3,}", text)


def test_evaluator_change_is_shown_by_name(client, world):
    from appraisal.services.review import form_set_evaluator

    o = world
    f = form_set_evaluator(
        actor=o.hr, form=o.f4, evaluator=o.div2_head, higher=None, reason="หัวหน้ากลับมาแล้ว"
    )
    text = page_text(client, o.hr, f)
    assert o.div2_head.full_name in text and o.div2_acting.full_name in text
    assert "ผู้ประเมิน" in text


def test_history_link_shows_only_for_who_passes_view_final(client, reviewed):
    from common.permissions import can

    o = reviewed
    form_url = reverse("appraisal:form", kwargs={"pk": o.f1.pk})
    history_url = reverse("appraisal:form_history", kwargs={"pk": o.f1.pk})

    def link_shown(user) -> bool:
        client.force_login(user)
        html = client.get(form_url).content.decode()
        return 'id="history-link"' in html and history_url in html

    users = [o.s1.user, o.grp1_head.user, o.div1_head.user, o.hr]
    for user in users:
        assert link_shown(user) == can(user, "appraisal.view_final", o.f1), user
    assert not link_shown(o.s1.user)
    assert link_shown(o.div1_head.user)
    assert client.get(history_url).status_code == 200
    client.force_login(o.s1.user)
    assert client.get(history_url).status_code == 403
    # The round's release phase releases the form: the appraisee now sees its history.
    round_advance(actor=o.hr, rnd=o.round)
    f = fresh(o.f1)
    assert f.state == State.RELEASED
    del o.s1.user._pms_roles
    assert can(o.s1.user, "appraisal.view_final", f)
    assert link_shown(o.s1.user)
