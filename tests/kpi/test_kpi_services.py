import datetime as dt
from decimal import Decimal

import pytest

from common.errors import ConflictError, DomainError
from common.models import AuditEvent
from kpi import selectors, services
from kpi.models import CascadeMethod, Kpi, KpiAssignment, KpiTier, Measurement
from tests.kpi.conftest import YEAR, make_kpi


def test_thresholds_out_of_order_are_refused_in_thai(org):
    with pytest.raises(DomainError, match="เกณฑ์แต่ละระดับต้องเพิ่มขึ้น"):
        make_kpi(org.div1, threshold_4=Decimal("75"))
    assert not Kpi.objects.exists()


def test_a_lower_is_better_kpi_needs_decreasing_thresholds(org):
    kpi = make_kpi(
        org.div1,
        name="จำนวนครั้งที่ระบบล่ม",
        direction="lower",
        threshold_1=Decimal("10"),
        threshold_2=Decimal("8"),
        threshold_3=Decimal("6"),
        threshold_4=Decimal("4"),
        threshold_5=Decimal("2"),
    )
    assert services.level_of(kpi, actual=Decimal("5")) == 3
    assert services.level_of(kpi, actual=Decimal("11")) == 0


def test_a_quantitative_kpi_needs_all_five_thresholds(org):
    with pytest.raises(DomainError, match="ครบทั้ง 5 ระดับ"):
        make_kpi(org.div1, threshold_5=None)


def test_organisation_kpis_belong_to_a_department_root(org):
    with pytest.raises(DomainError, match="ระดับกรม"):
        make_kpi(org.div1, tier=KpiTier.ORGANISATION)


def test_a_stale_edit_gets_a_conflict_message_and_changes_nothing(kpis):
    first = Kpi.objects.get(pk=kpis.pct.pk)
    second = Kpi.objects.get(pk=kpis.pct.pk)
    services.kpi_update(kpi=first, actor=None, expected_version=first.version, name="ชื่อใหม่ของผู้แรก")
    with pytest.raises(ConflictError, match="มีผู้อื่นบันทึก"):
        services.kpi_update(
            kpi=second, actor=None, expected_version=second.version, name="ชื่อของผู้ที่สอง"
        )
    assert Kpi.objects.get(pk=kpis.pct.pk).name == "ชื่อใหม่ของผู้แรก"


def test_os_matrix_needs_exactly_one_owner_per_kpi_and_saves_all_or_nothing(kpis):
    matrix = selectors.os_matrix(unit=kpis.div1, fiscal_year=YEAR)
    g1, g2 = (c.key for c in matrix.columns)
    with pytest.raises(DomainError, match="ผู้รับผิดชอบหลัก \\(O\\) หนึ่งราย"):
        services.os_matrix_save(
            unit=kpis.div1,
            fiscal_year=YEAR,
            columns=matrix.columns,
            actor=None,
            cells={kpis.pct.pk: {g1: "O", g2: "S"}, kpis.count.pk: {g1: "O", g2: "O"}},
        )
    assert not KpiAssignment.objects.exists()
    written = services.os_matrix_save(
        unit=kpis.div1,
        fiscal_year=YEAR,
        columns=matrix.columns,
        actor=None,
        cells={kpis.pct.pk: {g1: "O", g2: "S"}, kpis.count.pk: {g1: "S", g2: "O"}},
        roles={kpis.pct.pk: {"supervisor": kpis.div1_head, "collector": kpis.s1}},
    )
    assert written == 4
    assert selectors.os_matrix(unit=kpis.div1, fiscal_year=YEAR).warnings == []
    kpis.pct.refresh_from_db()
    assert (kpis.pct.supervisor, kpis.pct.collector) == (kpis.div1_head, kpis.s1)
    assert AuditEvent.objects.filter(kind="kpi.os_matrix").count() == 1


def test_a_work_group_matrix_is_against_its_people(kpis):
    kpi = make_kpi(kpis.grp1, code="G1")
    matrix = selectors.os_matrix(unit=kpis.grp1, fiscal_year=YEAR)
    assert matrix.by_people
    assert {c.person for c in matrix.columns} == {kpis.grp1_head, kpis.s1, kpis.s2}
    assert [w.code for w in matrix.warnings] == ["owner_missing"]
    assert kpi.pk in {k.pk for k in matrix.kpis}


def test_direct_cascade_copies_the_criteria(kpis):
    (child,) = services.kpi_cascade(
        parent=kpis.pct,
        method=CascadeMethod.DIRECT,
        actor=None,
        children=[services.CascadeChild(unit=kpis.grp1)],
    )
    assert child.parent == kpis.pct and child.tier == KpiTier.UNIT
    assert child.thresholds == kpis.pct.thresholds and child.name == kpis.pct.name


def test_split_targets_below_the_parent_are_rejected(kpis):
    with pytest.raises(DomainError, match="ต่ำกว่าค่าเป้าหมายของหน่วยเหนือ"):
        services.kpi_cascade(
            parent=kpis.count,
            method=CascadeMethod.SPLIT,
            actor=None,
            children=[
                services.CascadeChild(unit=kpis.grp1, target=Decimal("40")),
                services.CascadeChild(unit=kpis.grp2, target=Decimal("50")),
            ],
        )
    assert not Kpi.objects.filter(parent=kpis.count).exists()


def test_split_targets_scale_the_thresholds_and_may_exceed_the_parent(kpis):
    a, b = services.kpi_cascade(
        parent=kpis.count,
        method=CascadeMethod.SPLIT,
        actor=None,
        children=[
            services.CascadeChild(unit=kpis.grp1, target=Decimal("60")),
            services.CascadeChild(unit=kpis.grp2, target=Decimal("50")),
        ],
    )
    assert a.threshold_3 == Decimal("60") and a.threshold_5 == Decimal("84.0000")
    assert b.threshold_3 == Decimal("50") and b.threshold_1 == Decimal("30.0000")
    assert a.baseline == [None, None, None]  # the parent's history is not the child's


def test_partial_cascade_creates_named_child_kpis_for_people(kpis):
    (child,) = services.kpi_cascade(
        parent=kpis.pct,
        method=CascadeMethod.PARTIAL,
        actor=None,
        children=[services.CascadeChild(person=kpis.s3, name="ร้อยละของเอกสารงบประมาณที่ส่งตรงเวลา")],
    )
    assert child.tier == KpiTier.PERSON and child.person == kpis.s3 and child.unit == kpis.grp2
    assert child.cascade_method == CascadeMethod.PARTIAL


def test_cascade_outside_the_unit_subtree_is_refused(kpis):
    with pytest.raises(DomainError, match="ไม่ได้อยู่ในสังกัด"):
        services.kpi_cascade(
            parent=kpis.pct,
            method=CascadeMethod.DIRECT,
            actor=None,
            children=[services.CascadeChild(unit=kpis.div2)],
        )


def test_a_result_gets_its_level_from_the_criteria(kpis):
    result = services.kpi_result_record(
        kpi=kpis.pct,
        actor=None,
        period_end=dt.date(2026, 10, 31),
        actual=Decimal("91.5"),
        evidence="รายงานผลไตรมาส 1",
    )
    assert result.level == 4


def test_a_result_in_the_future_is_refused(kpis):
    with pytest.raises(DomainError, match="อนาคต"):
        services.kpi_result_record(
            kpi=kpis.pct, actor=None, period_end=dt.date(2999, 1, 1), actual=Decimal("1")
        )


def test_milestone_and_success_failure_results(org):
    milestone = make_kpi(
        org.div1,
        measurement=Measurement.MILESTONE,
        threshold_1=None,
        threshold_2=None,
        threshold_3=None,
        threshold_4=None,
        threshold_5=None,
    )
    assert services.level_of(milestone, steps_done=3) == 3
    pass_fail = make_kpi(
        org.div1,
        measurement=Measurement.SUCCESS_FAILURE,
        threshold_1=None,
        threshold_2=None,
        threshold_3=Decimal("100"),
        threshold_4=None,
        threshold_5=None,
    )
    assert services.level_of(pass_fail, actual=Decimal("99")) == 0
    assert services.level_of(pass_fail, success=True) == 5


def test_warnings_panel_reports_weights_targets_owners_and_splits(kpis):
    make_kpi(kpis.div1, code="3", name="ตัวชี้วัดเพิ่ม", weight=Decimal("10"))
    services.kpi_cascade(
        parent=kpis.pct,
        method=CascadeMethod.PARTIAL,
        actor=None,
        children=[services.CascadeChild(person=kpis.s3, name="งานย่อย")],
    )
    Kpi.objects.create(
        fiscal_year=YEAR,
        tier=KpiTier.PERSON,
        unit=kpis.div1,
        person=kpis.div1_head,
        name="ตัวชี้วัดที่ไม่เชื่อมโยง",
    )
    codes = [w.code for w in selectors.unit_warnings(unit=kpis.div1, fiscal_year=YEAR)]
    assert "weights_not_100" in codes  # 60 + 40 + 10
    assert "target_easier_than_last_year" in codes  # count: target 100, last year 110
    assert codes.count("owner_missing") == 3
    assert "unlinked_kpi" in codes


@pytest.mark.parametrize("weight", [Decimal("70932666.31"), Decimal("0"), Decimal("100.01")])
def test_a_child_weight_out_of_range_is_a_thai_message_not_a_database_error(kpis, weight):
    # Found by the fuzzing on PostgreSQL: a huge weight overflowed numeric(5,2) (a 500).
    with pytest.raises(DomainError) as exc:
        services.kpi_cascade(
            parent=kpis.pct,
            method=CascadeMethod.DIRECT,
            children=[services.CascadeChild(unit=kpis.grp1, weight=weight)],
            actor=kpis.div1_head.user,
        )
    assert exc.value.field == "weight"
    assert not Kpi.objects.filter(parent=kpis.pct).exists()


def test_a_weight_with_more_than_two_decimals_is_refused_in_thai(org):
    """The column keeps two decimals: 0.004 would be stored as 0.00 and break the check
    constraint (a 500 on PostgreSQL) instead of being refused."""
    with pytest.raises(DomainError) as info:
        make_kpi(org.div1, weight=Decimal("0.004"))
    assert info.value.field == "weight" and "ทศนิยม" in info.value.message
    kpi = make_kpi(org.div1, weight=Decimal("12.50"))
    assert kpi.weight == Decimal("12.50")
