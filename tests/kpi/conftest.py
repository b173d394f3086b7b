from decimal import Decimal

import pytest

from kpi import services
from kpi.models import KpiTier

YEAR = 2570


def make_kpi(unit, *, actor=None, tier=None, **fields):
    defaults = {
        "name": "ร้อยละของงานที่แล้วเสร็จ",
        "unit_of_measure": "ร้อยละ",
        "weight": Decimal("20"),
        "threshold_1": Decimal("60"),
        "threshold_2": Decimal("70"),
        "threshold_3": Decimal("80"),
        "threshold_4": Decimal("90"),
        "threshold_5": Decimal("100"),
    }
    defaults.update(fields)
    tier = tier or (KpiTier.ORGANISATION if unit.parent_id is None else KpiTier.UNIT)
    return services.kpi_create(actor=actor, fiscal_year=YEAR, tier=tier, unit=unit, **defaults)


@pytest.fixture
def kpis(org):
    """Two KPIs of กองแผนงาน (div1): a percentage and a count to split."""
    org.pct = make_kpi(
        org.div1, code="1", name="ร้อยละของโครงการที่ดำเนินการตามแผน", weight=Decimal("60")
    )
    org.count = make_kpi(
        org.div1,
        code="2",
        name="จำนวนหน่วยบริการที่ผ่านการตรวจประเมิน",
        unit_of_measure="แห่ง",
        weight=Decimal("40"),
        threshold_1=Decimal("60"),
        threshold_2=Decimal("80"),
        threshold_3=Decimal("100"),
        threshold_4=Decimal("120"),
        threshold_5=Decimal("140"),
        baseline_1=Decimal("80"),
        baseline_2=Decimal("90"),
        baseline_3=Decimal("110"),
    )
    return org
