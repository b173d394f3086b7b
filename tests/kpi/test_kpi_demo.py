import datetime as dt

from demo.kpis import seed_kpis
from kpi import selectors
from kpi.models import Kpi, KpiAssignment, KpiTier
from kpi.services import check_criteria
from tests.kpi.conftest import YEAR


def test_demo_kpis_cascade_from_the_organisation_to_people_and_obey_the_rules(org):
    counts = seed_kpis(fiscal_year=YEAR, seed=3, roots=[org.dept], today=dt.date(2026, 11, 22))
    assert counts["organisation"] == 5
    assert counts[KpiTier.UNIT] > 0 and counts[KpiTier.PERSON] > 0
    for kpi in Kpi.objects.all():
        check_criteria(kpi)  # raises if thresholds break the rules
        if kpi.tier != KpiTier.ORGANISATION:
            assert kpi.parent_id or kpi.source == "jd" or kpi.measurement == "milestone"
    # Every KPI that has been cascaded has exactly one owner in its OS matrix.
    cascaded = Kpi.objects.filter(children__isnull=False).distinct()
    assert cascaded.exists()
    for kpi in cascaded:
        assert KpiAssignment.objects.filter(kpi=kpi, role="O").count() == 1
    # Every unit's KPI set totals 100.
    for unit in (org.dept, org.div1, org.div2):
        warnings = selectors.unit_warnings(unit=unit, fiscal_year=YEAR)
        assert "weights_not_100" not in [w.code for w in warnings]
        assert "owner_missing" not in [w.code for w in warnings if unit == org.dept]
        assert "split_below_parent" not in [w.code for w in warnings]
    assert Kpi.objects.filter(tier=KpiTier.PERSON, person__unit=org.grp1).exists()
    # No unit has the same KPI twice.
    for unit in (org.dept, org.div1, org.div2, org.grp1, org.grp2):
        names = list(
            Kpi.objects.filter(unit=unit, tier__in=["organisation", "unit"]).values_list(
                "name", flat=True
            )
        )
        assert len(names) == len(set(names)), unit
    # A direct cascade carries the parent's own target, not the organisation's.
    direct = Kpi.objects.filter(cascade_method="direct").select_related("parent")
    assert direct.exists()
    for kpi in direct:
        assert kpi.threshold_3 == kpi.parent.threshold_3


def test_demo_kpis_are_deterministic(org):
    seed_kpis(fiscal_year=YEAR, seed=3, roots=[org.dept], today=dt.date(2026, 11, 22))
    first = list(Kpi.objects.order_by("pk").values_list("name", "unit_id", "weight", "threshold_3"))
    while Kpi.objects.exists():
        Kpi.objects.filter(children__isnull=True).delete()
    seed_kpis(fiscal_year=YEAR, seed=3, roots=[org.dept], today=dt.date(2026, 11, 22))
    second = list(
        Kpi.objects.order_by("pk").values_list("name", "unit_id", "weight", "threshold_3")
    )
    assert first == second
