"""The test organisation with round 2570-1 open and results set for the salary raise tests.

Salaries, grades and the released results (final total, band):
  director  S2 76,000  95.00 ดีเด่น       (base: upper 71,700; ceiling 76,800)
  div1_head M1 45,000  85.00 ดีมาก        (upper 51,290)
  grp1_head K3 40,000  82.00 ดีมาก        (lower 37,200)
  s1        K1 22,000  75.00 ดี           (upper 23,930)
  s2        O2 20,000  92.00 ดีเด่น       (lower 18,480)
  s3        K1 22,000  50.00 ต้องปรับปรุง  (no raise)
  div2_head M1 45,000  72.00 ดี           (upper 51,290)
  div2_acting K3 40,000 65.00 พอใช้       (lower 37,200)
  s4        K1 22,000  not released
Roll 332,000, budget 3% = 9,960. The round's raise takes effect on 1 Apr 2027 (B.E. 2570).
"""

from __future__ import annotations

import importlib
from decimal import Decimal

from django.apps import apps

from appraisal.models import AppraisalForm
from orgchart.models import Person
from tests.appraisal.conftest import open_round

RESULTS = {
    "director": ("S2", 76000, "95.00", "outstanding"),
    "div1_head": ("M1", 45000, "85.00", "very_good"),
    "grp1_head": ("K3", 40000, "82.00", "very_good"),
    "s1": ("K1", 22000, "75.00", "good"),
    "s2": ("O2", 20000, "92.00", "outstanding"),
    "s3": ("K1", 22000, "50.00", "improve"),
    "div2_head": ("M1", 45000, "72.00", "good"),
    "div2_acting": ("K3", 40000, "65.00", "fair"),
    "s4": ("K1", 22000, None, None),
}
ROLL = Decimal(332000)
BUDGET = Decimal("9960.00")


def set_salaries(org) -> None:
    for name, (_grade, pay, _total, _band) in RESULTS.items():
        Person.objects.filter(pk=getattr(org, name).pk).update(salary=Decimal(pay))


def release_results(rnd, org) -> None:
    """The released results above, written straight to the forms (the workflow that leads to
    them is tested in tests/appraisal)."""
    for name, (_grade, _pay, total, band) in RESULTS.items():
        if total is None:
            continue
        AppraisalForm.objects.filter(round=rnd, person=getattr(org, name)).update(
            state="released", final_total=Decimal(total), final_band=band
        )


def ensure_default_tables() -> None:
    """The national defaults of migration rewards 0002, again if a transactional test (whose
    teardown flushes every table) ran before this one."""
    from rewards.models import RaiseBase

    if not RaiseBase.objects.filter(department__isnull=True).exists():
        importlib.import_module("rewards.migrations.0002_seed_raise_tables").seed(apps, None)


def raise_round(org):
    ensure_default_tables()
    set_salaries(org)
    rnd = open_round(org)
    release_results(rnd, org)
    return rnd
