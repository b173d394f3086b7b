"""Two HR officers adjusting one budget unit at the same moment (PostgreSQL): the sheet's row
lock makes them take turns, so the sheet's total never passes its budget."""

from __future__ import annotations

import datetime as dt
import threading
from decimal import Decimal

import pytest
from django.db import connection

from common.errors import DomainError
from orgchart.models import HrScope
from rewards import services
from rewards.models import RaiseLine
from tests.factories import build_org
from tests.rewards.raise_world import raise_round

# Each alone fits the 1% budget of 3,320 baht; any two of the first three together do not.
ATTEMPTS = [
    ("director", "4"),  # 71,700 × 4% = 2,868 → 2,870
    ("div1_head", "4"),  # 51,290 × 4% = 2,051.60 → 2,060
    ("div2_head", "3"),  # 51,290 × 3% = 1,538.70 → 1,540
    ("grp1_head", "4"),  # 37,200 × 4% = 1,488
    ("s2", "6"),  # 18,480 × 6% = 1,108.80 → 1,110
    ("s1", "3"),  # 23,930 × 3% = 717.90 → 720
]


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_concurrent_adjustments_never_pass_the_budget():
    org = build_org()
    other_hr = type(org.hr).objects.create_user(username="hr2", password="x-pw-1")
    HrScope.objects.create(user=other_hr, unit=org.dept)
    rnd = raise_round(org)
    services.raise_budget_rate_set(
        actor=org.hr,
        department=org.dept,
        staff_group="civil_servant",
        effective_from=dt.date(2027, 4, 1),
        percent="1",
    )
    sheet = services.raise_sheet_create(
        actor=org.hr, rnd=rnd, budget_unit=None, staff_group="civil_servant"
    )
    assert sheet.budget == Decimal("3320.00")
    lines = {
        name: RaiseLine.objects.get(sheet=sheet, person=getattr(org, name)) for name, _ in ATTEMPTS
    }
    barrier = threading.Barrier(len(ATTEMPTS))
    done: list[Decimal] = []
    refused: list[str] = []
    errors: list[BaseException] = []

    def worker(n: int, name: str, percent: str) -> None:
        actor = org.hr if n % 2 else other_hr
        try:
            barrier.wait()
            line = services.raise_adjust(
                actor=actor, sheet=sheet, line_id=lines[name].pk, percent=percent
            )
            done.append(line.amount)
        except DomainError as exc:
            refused.append(exc.message)
        except BaseException as exc:  # noqa: BLE001 - reported by the main thread
            errors.append(exc)
        finally:
            connection.close()

    threads = [
        threading.Thread(target=worker, args=(n, name, pct))
        for n, (name, pct) in enumerate(ATTEMPTS)
    ]
    try:
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        assert errors == []
        total = sum(RaiseLine.objects.filter(sheet=sheet).values_list("amount", flat=True))
        assert total == sum(done, Decimal(0))
        assert total <= sheet.budget
        assert refused and all("เกินวงเงิน 3,320 บาท" in m for m in refused)
        assert len(done) + len(refused) == len(ATTEMPTS)
    finally:
        connection.close()
