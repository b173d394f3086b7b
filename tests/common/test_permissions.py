"""The one permission check (common.permissions): the rule decides, a superuser has no bypass."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import rules
from django.conf import settings
from django.core.exceptions import PermissionDenied

from common.permissions import can, is_administrator, require
from tests.kpi.conftest import make_kpi
from tests.test_architecture import PACKAGES

ROOT = Path(settings.BASE_DIR)
THE_CHECK = ROOT / "common" / "permissions.py"


@pytest.fixture
def throwaway_rules():
    """Two rules for the test only, removed afterwards: one names the administrator, one not."""
    nobody = rules.predicate(lambda user: False, name="nobody")
    rules.add_perm("tests.without_administrator", nobody)
    rules.add_perm("tests.with_administrator", is_administrator | nobody)
    yield
    rules.remove_perm("tests.without_administrator")
    rules.remove_perm("tests.with_administrator")


def test_a_superuser_is_refused_by_a_rule_that_does_not_name_the_administrator(
    org, throwaway_rules
):
    assert org.admin.is_superuser
    assert can(org.admin, "tests.without_administrator") is False
    with pytest.raises(PermissionDenied):
        require(org.admin, "tests.without_administrator")


def test_a_superuser_passes_a_rule_that_names_the_administrator(org, throwaway_rules):
    assert can(org.admin, "tests.with_administrator") is True
    assert require(org.admin, "tests.with_administrator") is None


def test_nobody_else_passes_as_the_administrator(org, throwaway_rules):
    for user in (org.hr, org.s1.user, org.nobody):
        assert can(user, "tests.with_administrator") is False, user
        with pytest.raises(PermissionDenied):
            require(user, "tests.with_administrator")


def test_an_unknown_permission_is_refused_even_to_the_administrator(org):
    assert can(org.admin, "tests.no_such_rule") is False


def test_every_org_chart_and_kpi_rule_names_the_administrator(org):
    """The administrator passed these through Django's superuser bypass before; now each rule
    says so itself. A new rule must be added here, deciding whether the administrator passes."""
    kpi = make_kpi(org.div1, code="1")
    objects = {
        "orgchart.view_unit": org.grp1,
        "orgchart.change_unit": org.grp1,
        "orgchart.place_unit_under": None,  # a new department root
        "orgchart.view_person": org.s1,
        "orgchart.view_person_private": org.s1,
        "orgchart.change_person": org.s1,
        "orgchart.set_person_evaluator": org.s1,
        "orgchart.import_org": None,
        "kpi.view_unit_kpis": org.div1,
        "kpi.edit_unit_kpis": org.div1,
        "kpi.delegate_unit_kpis": org.div1,
        "kpi.view_kpi": kpi,
        "kpi.change_kpi": kpi,
        "kpi.record_result": kpi,
    }
    registered = {
        name for name in rules.permissions.permissions if name.startswith(("orgchart.", "kpi."))
    }
    assert registered == set(objects)
    refused = [perm for perm, obj in objects.items() if not can(org.admin, perm, obj)]
    assert refused == []
    # The same rules refuse an ordinary member of staff on the same objects (bar their own).
    assert not can(org.s1.user, "orgchart.change_unit", org.grp1)
    assert not can(org.s1.user, "kpi.change_kpi", kpi)


def _sources():
    for package in PACKAGES:  # the apps of the layer contract, and pms_site
        for path in sorted((ROOT / package).rglob("*.py")):
            if "migrations" not in path.parts and path != THE_CHECK:
                yield path


def test_no_app_checks_a_permission_but_through_common_permissions():
    """`user.has_perm` lets a superuser through every rule; `require_perm` was its wrapper."""
    pattern = re.compile(r"\.has_perm\(|require_perm")
    found = [
        f"{path.relative_to(ROOT)}:{number}: {line.strip()}"
        for path in _sources()
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1)
        if pattern.search(line)
    ]
    assert found == [], "use common.permissions.can/require:\n" + "\n".join(found)
