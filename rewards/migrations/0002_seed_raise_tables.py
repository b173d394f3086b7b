"""The national defaults of the raise tables (DOMAIN §7), in force from 1 Oct 2018 (DPIS data of
2018–2020): the bases of each grade, the band ranges and the 3% budget of each staff group."""

import datetime as dt
from decimal import Decimal

from django.db import migrations

FROM = dt.date(2018, 10, 1)

# grade: (mid value, lower base, upper base, ceiling), baht.
BASES = {
    "O1": (14865, 12310, 18110, 21010),
    "O2": (24475, 18480, 31610, 38750),
    "O3": (35125, 32250, 44970, 54820),
    "O4": (58635, 53430, 63840, 69040),
    "K1": (20705, 17980, 23930, 26900),
    "K2": (29335, 24410, 36470, 43600),
    "K3": (40275, 37200, 49330, 58390),
    "K4": (50325, 50320, 59630, 69040),
    "K5": (60835, 60830, 68560, 76800),
    "M1": (43085, 37210, 51290, 59500),
    "M2": (52325, 52320, 60990, 70360),
    "S1": (62735, 62210, 68530, 74320),
    "S2": (69915, 69910, 71700, 76800),
}
# band code (appraisal.scoring): (low, high) percent.
RANGES = {
    "outstanding": (4, 6),
    "very_good": (3, 4),
    "good": (2, 3),
    "fair": (1, 2),
    "improve": (0, 0),
}
GROUPS = ("civil_servant", "government_employee", "permanent_employee")


def seed(apps, schema_editor):
    RaiseBase = apps.get_model("rewards", "RaiseBase")
    RaiseRange = apps.get_model("rewards", "RaiseRange")
    RaiseBudgetRate = apps.get_model("rewards", "RaiseBudgetRate")
    for grade, (mid, lower, upper, ceiling) in BASES.items():
        RaiseBase.objects.create(
            grade=grade,
            effective_from=FROM,
            mid=Decimal(mid),
            lower_base=Decimal(lower),
            upper_base=Decimal(upper),
            ceiling=Decimal(ceiling),
        )
    for group in GROUPS:
        RaiseBudgetRate.objects.create(staff_group=group, effective_from=FROM, percent=Decimal(3))
        for band, (low, high) in RANGES.items():
            RaiseRange.objects.create(
                staff_group=group,
                band=band,
                effective_from=FROM,
                low=Decimal(low),
                high=Decimal(high),
            )


def unseed(apps, schema_editor):
    for name in ("RaiseBase", "RaiseRange", "RaiseBudgetRate"):
        apps.get_model("rewards", name).objects.filter(department__isnull=True).delete()


class Migration(migrations.Migration):
    dependencies = [("rewards", "0001_raises")]

    operations = [migrations.RunPython(seed, unseed)]
