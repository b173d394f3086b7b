"""No answer of the URL × role table shows a role private data it must not see.

Generated from the same table as tests/test_url_access.py: every case (GET or POST) whose
expected status for a role is 200 is fetched as that role, and the body (HTML, PDF text, workbook
cells, file name) must contain none of the secrets that role is not entitled to.

The world is appraisal_world + KPIs, with markers made unique so that a hit is a real leak:

| secret | strings | who may see it |
|---|---|---|
| s1's salary | ``37,654`` as the person page formats it | s1, HR of DEPT, admin (README: not the evaluator chain) |
| s1's form (f1): KPI names, journal evidence | ``ตัวชี้วัดเฉพาะแบบ-f1``, ``หลักฐานเฉพาะ-f1.pdf``, ``ส่งรายงานก่อนกำหนด`` | s1, s1's evaluator and higher supervisor, HR of DEPT, admin |
| s2's form (f2): KPI names | ``ตัวชี้วัดเฉพาะแบบ-f2`` | s2, the same chain, HR of DEPT, admin |
| f3's total, scored, not released | ``86.0`` (86.00) | f3's evaluator (higher = div1_head), HR of DEPT, admin; never s1/s2 nor grp1_head |
| f3's IDP and the evaluator's comment (they carry its rating) | ``แผนพัฒนาเฉพาะ-f3 …``, ``ความเห็นผู้ประเมินเฉพาะ-f3`` | the same; s3 only once informed (tests/security/test_probe_findings.py) |
| the other department | ``กรมอื่น``, ``คนนอก``, ``อธิบดีอื่น``, its KPI ``ตัวชี้วัดเฉพาะส่วนราชการนอก`` | o1 (outsider) and admin only |
| the department DEPT | its unit names and the names of s1, the heads | everyone of DEPT and admin, never o1 |

Anonymous users see none of them. HR of div2 (hr_other) is outside s1/s2/s3's subtree and so
sees none of their form data nor s1's salary.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal

import pytest

from appraisal.models import AppraisalForm, FormKpi, IdpRow, JournalEntry
from kpi.models import Kpi
from orgchart.models import Person
from tests import test_url_access
from tests.security import request_as, squeeze, text_of_response
from tests.test_url_access import CASES
from tests.url_roles import OK, ROLES

SALARY = Decimal("37654.00")
F1_KPI = "ตัวชี้วัดเฉพาะแบบ-f1"
F2_KPI = "ตัวชี้วัดเฉพาะแบบ-f2"
F1_EVIDENCE = "หลักฐานเฉพาะ-f1.pdf"
OTHER_KPI = "ตัวชี้วัดเฉพาะส่วนราชการนอก"
# What the evaluator wrote on f3 that carries its rating (the IDP names the rated level).
F3_IDP = "แผนพัฒนาเฉพาะ-f3 จากระดับ 2 สู่ระดับ 3"
F3_COMMENT = "ความเห็นผู้ประเมินเฉพาะ-f3"

DEPT_ROLES = {"staff", "other_staff", "evaluator", "higher", "hr_other", "hr", "admin"}
F1_READERS = {"staff", "evaluator", "higher", "hr", "admin"}

world = test_url_access.world  # the table's fixture, used by name


@dataclass(frozen=True)
class Secret:
    name: str
    patterns: tuple[str, ...]  # regular expressions, matched against whitespace-free text
    allowed: frozenset[str]

    def found_in(self, text: str) -> list[str]:
        return [p for p in self.patterns if re.search(p, text)]


def _literal(*strings: str) -> tuple[str, ...]:
    return tuple(re.escape(squeeze(s)) for s in strings)


SECRETS = [
    Secret("s1 salary", _literal("37,654"), frozenset({"staff", "hr", "admin"})),
    Secret("f1 KPI names", _literal(F1_KPI), frozenset(F1_READERS)),
    Secret("f1 evidence", _literal(F1_EVIDENCE, "ส่งรายงานก่อนกำหนด"), frozenset(F1_READERS)),
    Secret(
        "f2 KPI names",
        _literal(F2_KPI),
        frozenset({"other_staff", "evaluator", "higher", "hr", "admin"}),
    ),
    # 86.00 as a total, not part of a longer number (186.00, 0.86).
    Secret("f3 unreleased total", (r"(?<![\d.,])86\.0",), frozenset({"higher", "hr", "admin"})),
    Secret(
        "f3 IDP and comment",
        _literal(F3_IDP, F3_COMMENT),
        frozenset({"higher", "hr", "admin"}),
    ),
    Secret(
        "other department",
        _literal("กรมอื่น", "คนนอก", "อธิบดีอื่น", OTHER_KPI),
        frozenset({"outsider", "admin"}),
    ),
    Secret(
        "department DEPT",
        _literal("กรมทดสอบ", "กองแผนงาน", "กลุ่มงานยุทธศาสตร์", "สมชาย", "หัวหน้ากลุ่ม"),
        frozenset(DEPT_ROLES),
    ),
]


def forbidden_for(role: str) -> list[Secret]:
    return [s for s in SECRETS if role not in s.allowed]


@pytest.fixture
def marked_world(world):
    """The table's world with unique markers, written straight to the rows (no history)."""
    o = world
    Person.objects.filter(pk=o.s1.pk).update(salary=SALARY)
    for form, marker in ((o.f1, F1_KPI), (o.f2, F2_KPI)):
        for i, pk in enumerate(form.kpis.order_by("pk").values_list("pk", flat=True), start=1):
            FormKpi.objects.filter(pk=pk).update(name=f"{marker}-{i}")
    JournalEntry.objects.filter(pk=o.entry.pk).update(evidence_name=F1_EVIDENCE)
    Kpi.objects.filter(pk=o.other_kpi.pk).update(name=OTHER_KPI)
    IdpRow.objects.create(form=o.f3, topic=F3_IDP, method="อบรม", order=0)
    AppraisalForm.objects.filter(pk=o.f3.pk).update(evaluator_comment=F3_COMMENT)
    assert o.f3.released_at is None and o.f3.total == Decimal("86")
    return o


# Leaks found by this module and not fixed yet (app code is not changed by these tests): the
# case is expected to fail, strictly, so that the fix turns it into an error to remove here.
# Leaks found by this test and not yet fixed (each an xfail(strict=True) with its reason).
KNOWN_LEAKS: dict[str, str] = {}


def _case(i, case):
    marks = []
    if case[0] in KNOWN_LEAKS:
        marks.append(pytest.mark.xfail(strict=True, reason=KNOWN_LEAKS[case[0]]))
    return pytest.param(*case, id=f"{case[0]}-{case[1]}#{i}", marks=marks)


LEAK_CASES = [c for c in CASES if any(c[3][role] == OK for role in ROLES)]


@pytest.mark.parametrize(
    ("name", "method", "kwargs", "expected"), [_case(i, c) for i, c in enumerate(LEAK_CASES)]
)
def test_no_page_shows_a_role_data_it_may_not_see(marked_world, name, method, kwargs, expected):
    leaks = []
    for role in [r for r in ROLES if expected[r] == OK]:
        response = request_as(marked_world, role, name, method, kwargs)
        assert response.status_code == OK, (name, role, response.status_code)
        text = text_of_response(response)
        for secret in forbidden_for(role):
            if hits := secret.found_in(text):
                leaks.append((role, secret.name, hits))
    assert leaks == [], (name, leaks)


# Each secret shown where it belongs, so that the rules above cannot pass by never matching.
SHOWN = [
    ("s1 salary", "staff", "orgchart:person", lambda o: {"pk": o.s1.pk}),
    ("f1 KPI names", "staff", "appraisal:form", lambda o: {"pk": o.f1.pk}),
    ("f1 evidence", "evaluator", "appraisal:journal", lambda o: {"pk": o.f1.pk}),
    ("f2 KPI names", "other_staff", "appraisal:form", lambda o: {"pk": o.f2.pk}),
    ("f3 unreleased total", "higher", "appraisal:score", lambda o: {"pk": o.f3.pk}),
    ("f3 IDP and comment", "higher", "appraisal:form", lambda o: {"pk": o.f3.pk}),
    ("other department", "outsider", "kpi:detail", lambda o: {"pk": o.other_kpi.pk}),
    ("department DEPT", "staff", "orgchart:person", lambda o: {"pk": o.s1.pk}),
]


def test_every_secret_has_a_page_where_it_is_shown():
    assert sorted(s.name for s in SECRETS) == sorted(name for name, *_ in SHOWN)


@pytest.mark.parametrize(("secret", "role", "name", "kwargs"), SHOWN, ids=[s[0] for s in SHOWN])
def test_the_secret_markers_match_where_they_are_shown(marked_world, secret, role, name, kwargs):
    response = request_as(marked_world, role, name, "get", kwargs)
    assert response.status_code == OK
    text = text_of_response(response)
    matching = next(s for s in SECRETS if s.name == secret)
    assert matching.found_in(text) != [], (secret, name, role)
