"""Round setup and the services' edges: freezing, settings validation, methods, evidence."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from appraisal.models import AppraisalForm, FormCompetency, JournalEntry, State
from appraisal.selectors import form_result
from appraisal.services import monitoring
from appraisal.services.evaluation import CompetencyInput, ScoreInput, score_save, scoring_finish
from appraisal.services.monitoring import ProgressInput, checkin_record, journal_add
from appraisal.services.review import form_acknowledge, form_set_evaluator
from appraisal.services.round_phases import round_advance, round_open
from appraisal.services.rounds import round_create, round_update
from common.errors import DomainError
from orgchart import services as org_services
from tests.appraisal.conftest import agree, form_of, open_round
from tests.factories import informed


def test_opening_freezes_chain_weights_and_expected_levels(org):
    rnd = round_create(actor=org.hr, department=org.dept, fiscal_year=2570, number=1)
    org.s2.on_probation = True
    org.s2.save()
    round_open(actor=org.hr, rnd=rnd)
    head = form_of(rnd, org.div1_head)  # M1 อำนวยการต้น: core 3, managerial 1
    comps = list(head.competencies.values_list("kind", "expected"))
    assert comps.count(("core", 3)) == 5 and comps.count(("managerial", 1)) == 6
    assert (form_of(rnd, org.s2).weight_achievement, form_of(rnd, org.s2).weight_competency) == (
        50,
        50,
    )
    # s4 sits in DIV2 whose acting head evaluates; the director has no evaluator in the tree.
    assert form_of(rnd, org.s4).evaluator == org.div2_acting
    assert form_of(rnd, org.director).evaluator is None
    # A reorganisation after opening does not rewrite the frozen chain.
    org_services.unit_update(unit=org.grp1, head=org.s2)
    assert form_of(rnd, org.s1).evaluator == org.grp1_head
    # The position as it stood: the management title first, else the title of the line.
    for person in (org.div1_head, org.s1, org.s4):
        form, pos = form_of(rnd, person), person.position
        assert (
            form.position_title,
            form.position_number,
            form.position_type,
            form.position_grade,
            form.unit_id,
        ) == (
            pos.management_title or pos.title,
            pos.number,
            pos.position_type,
            pos.grade,
            person.unit_id,
        )


def test_the_opening_reads_people_in_the_order_of_its_fields():
    """round_open builds its _Staff rows by position from PERSON + POSITION."""
    import dataclasses

    from appraisal.services.round_phases import _Staff

    names = tuple(f.name for f in dataclasses.fields(_Staff))
    assert _Staff.PERSON + _Staff.POSITION == names


def test_settings_must_total_100_and_bands_must_be_in_order(org):
    rnd = round_create(actor=org.hr, department=org.dept, fiscal_year=2570, number=2)
    row = {
        "weight_achievement": "60",
        "weight_competency": "30",
        "weight_other": "0",
        "very_good_from": "80",
        "good_from": "70",
        "fair_from": "60",
    }
    with pytest.raises(DomainError) as exc:
        round_update(
            actor=org.hr,
            rnd=rnd,
            expected_version=rnd.version,
            settings_rows={"civil_servant": row},
        )
    assert "100" in exc.value.message
    row.update(weight_achievement="70", good_from="85")
    with pytest.raises(DomainError):
        round_update(
            actor=org.hr,
            rnd=rnd,
            expected_version=rnd.version,
            settings_rows={"civil_servant": row},
        )
    row.update(good_from="75")
    rnd = round_update(
        actor=org.hr, rnd=rnd, expected_version=rnd.version, settings_rows={"civil_servant": row}
    )
    assert rnd.settings.get(group="civil_servant").good_from == 75
    assert rnd.version == 2
    with pytest.raises(DomainError) as exc:
        round_update(actor=org.hr, rnd=rnd, expected_version=1, fields={"second_review": True})
    assert exc.value.code == "conflict"


def test_hr_of_a_subtree_cannot_create_or_open_the_department_round(org):
    from django.core.exceptions import PermissionDenied

    with pytest.raises(PermissionDenied):
        round_create(actor=org.hr_div2, department=org.dept, fiscal_year=2570, number=1)
    with pytest.raises(DomainError):
        round_create(actor=org.hr, department=org.div1, fiscal_year=2570, number=1)


@pytest.mark.parametrize(
    ("method", "actuals", "expected"),
    [
        # rating: Σ rating×w / (5×Σw) × 30 with equal weights: (5+4+3+4+4)/25 × 30 = 24
        ("rating", [5, 4, 3, 4, 4], Decimal(24)),
        # ratio: Σ actual / Σ expected × 30, capped: 4/5 × 30 = 24
        ("ratio", [1, 1, 1, 1, 0], Decimal(24)),
        ("ratio", [5, 5, 5, 5, 5], Decimal(30)),
        ("bar_scale", [0, 0, 0, 1, 1], Decimal(24)),
    ],
)
def test_each_competency_method_gives_its_points(org, method, actuals, expected):
    rnd = open_round(org, method=method)
    f = agree(form_of(rnd, org.s1), org.s1.user, org.grp1_head.user)
    comps = list(f.competencies.all())
    for c, a in zip(comps, actuals, strict=True):
        c.actual = a
    rows = list(f.kpis.all())
    for r, lv in zip(rows, (4, 3, 5), strict=True):
        r.level = lv
    result = form_result(form=f, kpis=rows, competencies=comps)
    assert result.competency == expected
    assert result.achievement == Decimal("57.4")


def test_compute_counts_missing_levels_as_zero_and_is_not_complete(rnd, org):
    f = agree(form_of(rnd, org.s1), org.s1.user, org.grp1_head.user)
    rows = list(f.kpis.all())
    rows[0].level = 5
    result = form_result(form=f, kpis=rows, competencies=list(f.competencies.all()))
    assert not result.complete
    assert result.achievement == Decimal("21")  # 5 × 30 / 500 × 70


@pytest.mark.parametrize(
    ("name", "content", "ok"),
    [
        ("หลักฐาน.pdf", b"%PDF-1.7 ...", True),
        ("photo.png", b"\x89PNG\r\n\x1a\n....", True),
        ("fake.pdf", b"MZ\x90\x00 not a pdf", False),
        ("tool.exe", b"MZ\x90\x00", False),
        ("empty.pdf", b"", False),
    ],
)
def test_evidence_is_checked_by_type_and_content(rnd, org, name, content, ok):
    f = form_of(rnd, org.s1)
    upload = SimpleUploadedFile(name, content)
    call = lambda: journal_add(  # noqa: E731
        actor=org.s1.user, form=f, kind="work", on=dt.date.today(), description="งาน", upload=upload
    )
    if ok:
        entry = call()
        assert entry.evidence_name == name and not entry.evidence.name.endswith(name)
    else:
        with pytest.raises(DomainError) as exc:
            call()
        assert exc.value.field == "evidence"
        assert JournalEntry.objects.count() == 0


def test_evidence_larger_than_the_limit_is_refused(rnd, org, settings):
    f = form_of(rnd, org.s1)
    monitoring.EVIDENCE_MAX_BYTES, old = 1024, monitoring.EVIDENCE_MAX_BYTES
    try:
        with pytest.raises(DomainError) as exc:
            journal_add(
                actor=org.s1.user,
                form=f,
                kind="work",
                on=dt.date.today(),
                description="x",
                upload=SimpleUploadedFile("a.pdf", b"%PDF-" + b"0" * 2000),
            )
        assert "MB" in exc.value.message
    finally:
        monitoring.EVIDENCE_MAX_BYTES = old


def test_a_failed_journal_write_leaves_no_file_behind(rnd, org, settings, monkeypatch):
    f = form_of(rnd, org.s1)

    def boom(*args, **kwargs):
        raise RuntimeError("database went away")

    monkeypatch.setattr(monitoring, "record_event", boom)
    with pytest.raises(RuntimeError):
        journal_add(
            actor=org.s1.user,
            form=f,
            kind="work",
            on=dt.date.today(),
            description="x",
            upload=SimpleUploadedFile("a.pdf", b"%PDF-1.4"),
        )
    media = settings.MEDIA_ROOT
    files = [p for p in media.rglob("*") if p.is_file()] if media.exists() else []
    assert files == [] and JournalEntry.objects.count() == 0


def test_hr_changes_the_evaluator_of_one_form_with_a_reason(rnd, org):
    f = form_of(rnd, org.s1)
    with pytest.raises(DomainError):
        form_set_evaluator(actor=org.hr, form=f, evaluator=org.div1_head, higher=None, reason="")
    assert f.higher2 == org.director  # grp1_head → div1_head → director
    f = form_set_evaluator(
        actor=org.hr,
        form=f,
        evaluator=org.div1_head,
        higher=org.director,
        reason="หัวหน้ากลุ่มลาศึกษาต่อ",
    )
    # The director is now the higher supervisor: the level above is skipped, never the same
    # person giving two opinions (DOMAIN §8).
    assert (f.evaluator, f.higher, f.higher2) == (org.div1_head, org.director, None)
    with pytest.raises(DomainError):
        form_set_evaluator(actor=org.hr, form=f, evaluator=org.o1, higher=None, reason="x")


def test_a_form_without_higher_supervisor_is_reviewed_on_acknowledgement(org):
    rnd = open_round(org)
    f = form_of(rnd, org.div1_head)  # evaluated by the director, who has nobody above
    assert f.evaluator == org.director and f.higher is None
    f = agree(f, org.div1_head.user, org.director.user)
    round_advance(actor=org.hr, rnd=rnd)
    round_advance(actor=org.hr, rnd=rnd)
    f.refresh_from_db()
    score_save(
        actor=org.director.user,
        form=f,
        expected_version=f.version,
        kpis=[ScoreInput(id=r.pk, level=5) for r in f.kpis.all()],
        competencies=[CompetencyInput(id=c.pk, actual=5) for c in f.competencies.all()],
    )
    f.refresh_from_db()
    f = scoring_finish(actor=org.director.user, form=f, expected_version=f.version)
    f = informed(f)
    f = form_acknowledge(actor=org.div1_head.user, form=f, expected_version=f.version)
    assert f.state == State.REVIEWED and f.final_total == 100 and f.final_band == "outstanding"


def test_open_twice_is_refused(rnd, org):
    with pytest.raises(DomainError):
        round_open(actor=org.hr, rnd=rnd)
    assert AppraisalForm.objects.filter(round=rnd).count() == 9
    assert FormCompetency.objects.filter(form__round=rnd).count() > 0


def test_a_checkin_with_the_same_kpi_twice_is_refused_in_thai(rnd, org):
    # Found by the fuzzing: it used to hit the unique constraint (a 500 through any caller).
    f = agree(form_of(rnd, org.s1), org.s1.user, org.grp1_head.user)
    item = f.kpis.first()
    with pytest.raises(DomainError) as exc:
        checkin_record(
            actor=org.s1.user,
            form=f,
            on=dt.date.today(),
            comment="",
            progress=[
                ProgressInput(item.pk, "1", 1),
                ProgressInput(item.pk, "2", 2),
            ],
        )
    assert exc.value.field == "progress"
