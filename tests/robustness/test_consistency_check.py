"""The fuzz tests' column check sees each value a column cannot hold, so that a fuzz case
cannot pass by a check that never matches."""

from __future__ import annotations

from decimal import Decimal

from orgchart.models import Person
from tests.robustness.conftest import value_problems


def kinds(field_name: str, value) -> list[str]:
    return [kind for kind, _ in value_problems(Person, Person._meta.get_field(field_name), value)]


def test_the_column_check_sees_a_nul_a_text_too_long_and_a_decimal_too_wide():
    assert kinds("first_name", "ก\x00ข") == ["nul"]
    assert kinds("first_name", "ก" * 151) == ["long"]
    assert kinds("first_name", "ก" * 150) == []
    assert kinds("salary", Decimal("1e20")) == ["fit"]
    assert kinds("salary", Decimal("NaN")) == ["fit"]
    assert kinds("salary", Decimal("25000.00")) == []
    assert kinds("salary", None) == []
