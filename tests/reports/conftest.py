"""The DOMAIN worked example brought to RELEASED, through the services only.

s1 (สมชาย) agrees three KPIs weighted 30/30/40, is scored 4/3/5 with 12 of 15 bar points:
57.40 + 24.00 = 81.40, ดีมาก. The higher supervisor agrees and HR releases the round.
"""

from __future__ import annotations

import shutil

import pytest

from appraisal.services.evaluation import (
    CompetencyInput,
    IdpInput,
    ScoreInput,
    score_save,
    scoring_finish,
)
from appraisal.services.review import form_acknowledge, form_release, form_review_higher
from appraisal.services.round_phases import round_advance
from orgchart.models import OrgUnit
from tests.appraisal.conftest import agree, form_of, open_round
from tests.factories import informed


def pdftotext_available() -> bool:
    return shutil.which("pdftotext") is not None and shutil.which("pdffonts") is not None


def score_worked_example(form, evaluator_user, *, levels=(4, 3, 5), comment="ผลงานดี"):
    """Levels 4/3/5 and three competencies one level short: 2+2+2+3+3 = 12 of 15."""
    form.refresh_from_db()
    comps = list(form.competencies.all())
    score_save(
        actor=evaluator_user,
        form=form,
        expected_version=form.version,
        kpis=[
            ScoreInput(id=r.pk, level=lv, actual=f"ผลงานระดับ {lv}", reason="ตามหลักฐาน")
            for r, lv in zip(form.kpis.all(), levels, strict=True)
        ],
        competencies=[
            CompetencyInput(id=c.pk, actual=0 if i < 3 else c.expected) for i, c in enumerate(comps)
        ],
        comment=comment,
        idp=[
            IdpInput(
                topic="การมุ่งผลสัมฤทธิ์", method="อบรมหลักสูตรการบริหารโครงการ", period="เมษายน – มิถุนายน"
            )
        ],
    )
    form.refresh_from_db()
    return form


def release_worked_example(org):
    """Round 2570-1 with s1's form RELEASED at 81.40 ดีมาก; s2's form agreed but not scored."""
    rnd = open_round(org)
    f1 = agree(form_of(rnd, org.s1), org.s1.user, org.grp1_head.user)
    f2 = agree(form_of(rnd, org.s2), org.s2.user, org.grp1_head.user)
    round_advance(actor=org.hr, rnd=rnd)
    round_advance(actor=org.hr, rnd=rnd)
    f1 = score_worked_example(f1, org.grp1_head.user)
    f1 = scoring_finish(actor=org.grp1_head.user, form=f1, expected_version=f1.version)
    f1 = informed(f1)
    f1 = form_acknowledge(actor=org.s1.user, form=f1, expected_version=f1.version)
    round_advance(actor=org.hr, rnd=rnd)
    f1 = form_review_higher(
        actor=org.div1_head.user, form=f1, expected_version=f1.version, agrees=True
    )
    f1 = form_release(actor=org.hr, form=f1)
    rnd.refresh_from_db()
    f2.refresh_from_db()
    return rnd, f1, f2


@pytest.fixture
def released(org):
    org.round, org.f1, org.f2 = release_worked_example(org)
    return org


@pytest.fixture
def thai_digits(org):
    OrgUnit.objects.filter(pk=org.dept.pk).update(use_thai_digits=True)
    org.dept.refresh_from_db()
    return org
