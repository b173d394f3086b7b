"""Whatever bytes arrive, the importer answers with errors, never with an exception."""

from __future__ import annotations

import csv
import io

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from orgchart import importer

COLUMN_NAMES = [name for c in importer.COLUMNS for name in (c.thai, c.key)] + ["", "อื่น", "=1"]
THAI_TEXT = st.text(
    alphabet=st.characters(min_codepoint=0x0E01, max_codepoint=0x0E5B)
    | st.sampled_from(list('0123456789 ,.="-\n\r\tMKDOS')),
    max_size=40,
)
FUZZ = settings(
    max_examples=60,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)


def csv_text(header: list[str], rows: list[list[str]]) -> str:
    out = io.StringIO(newline="")
    writer = csv.writer(out)
    writer.writerow(header)
    writer.writerows(rows)
    return out.getvalue()


@FUZZ
@given(
    data=st.binary(max_size=2048),
    filename=st.sampled_from(["org.csv", "org.xlsx", "org.xls", "org.txt", ""]),
)
def test_random_bytes_never_raise(data, filename):
    table, errors, warnings = importer.read_table(data, filename=filename)
    assert table is not None or errors
    assert all(isinstance(e, importer.RowError) for e in errors + warnings)


@FUZZ
@given(data=st.binary(max_size=512))
def test_random_bytes_after_a_zip_signature_never_raise(data):
    table, errors, _warnings = importer.read_table(b"PK\x03\x04" + data, filename="org.xlsx")
    assert table is None and errors


@pytest.mark.django_db
@FUZZ
@given(
    header=st.lists(st.sampled_from(COLUMN_NAMES), min_size=1, max_size=12),
    rows=st.lists(st.lists(THAI_TEXT, max_size=12), max_size=8),
    scheme=st.sampled_from([None, "ocsc", "dpis"]),
)
def test_random_csv_text_gives_a_plan_with_errors_or_actions(header, rows, scheme):
    data = csv_text(header, rows).encode("utf-8")
    plan = importer.plan_import(data, filename="org.csv", scheme=scheme)
    assert isinstance(plan, importer.ImportPlan)
    for error in plan.errors:
        assert error.message and (error.row is None or error.row >= 1)
    if plan.ok:
        assert plan.created + plan.updated + plan.unchanged >= 0
        assert len(plan.signature) == 64


@pytest.mark.django_db
@FUZZ
@given(text=st.text(max_size=600))
def test_random_unicode_text_never_raises(text):
    plan = importer.plan_import(text.encode("utf-8"), filename="org.csv")
    assert plan.ok or plan.errors
