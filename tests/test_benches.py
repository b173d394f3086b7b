"""The benches' choice of database (scripts/bench_org.py, used by bench-org, bench-pdf and
bench-workers): a URL naming a PostgreSQL server's own database means the server, and the bench
works in a scratch database of its own there, never in the maintenance database."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "scripts"))

from bench_org import _is_scratch, scratch_on_server  # noqa: E402


@pytest.mark.parametrize(
    ("given", "used"),
    [
        (
            "postgres://postgres@127.0.0.1:5432/postgres",
            "postgres://postgres@127.0.0.1:5432/x_bench",
        ),
        ("postgresql://u:p@db.example:5433/", "postgresql://u:p@db.example:5433/x_bench"),
        ("postgres://postgres@127.0.0.1/template1", "postgres://postgres@127.0.0.1/x_bench"),
        # A database of the user's own choosing is used as named.
        (
            "postgres://postgres@127.0.0.1:5432/epms_bench",
            "postgres://postgres@127.0.0.1:5432/epms_bench",
        ),
        ("postgres://postgres@127.0.0.1:5432/pms", "postgres://postgres@127.0.0.1:5432/pms"),
        ("sqlite:////tmp/bench_pdf.sqlite3", "sqlite:////tmp/bench_pdf.sqlite3"),
    ],
)
def test_a_url_naming_the_server_database_means_a_scratch_database_on_that_server(given, used):
    assert scratch_on_server(given, "x_bench") == used


def test_the_scratch_database_of_a_server_url_is_dropped_and_made_again():
    # recreate() drops only databases whose name says "bench": the scratch one qualifies.
    assert _is_scratch(scratch_on_server("postgres://postgres@h/postgres", "epms_bench_workers"))
    assert not _is_scratch("postgres://postgres@h/postgres")
