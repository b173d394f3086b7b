"""Seed the demo organisation at a given size into a fresh database, then time the org pages.

    python scripts/bench_org.py [--staff N] [--seed S] [--keep]

DATABASE_URL names the database (default postgres://postgres@127.0.0.1:5432/epms_bench). A
database whose name contains "bench" is dropped and created again (and dropped at the end unless
--keep); any other database must have an empty org chart and is never dropped. A URL that names
the server's own database (`.../postgres`, as `make bench-scale` takes it) means the server:
the bench then uses its own scratch database there (`scratch_on_server`).
"""

from __future__ import annotations

import argparse
import logging
import os
import sys
import time
import unicodedata
from pathlib import Path
from urllib.parse import urlparse

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

DEFAULT_URL = "postgres://postgres@127.0.0.1:5432/epms_bench"
USERS = ("demo-admin", "demo-hr", "demo-staff")


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--staff", type=int, default=20_000)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--keep", action="store_true", help="keep the bench database afterwards")
    parser.add_argument("--repeat", type=int, default=3, help="timed runs per page (best is shown)")
    return parser.parse_args()


def _is_scratch(url: str) -> bool:
    return "bench" in urlparse(url).path.rsplit("/", 1)[-1]


# PostgreSQL's own databases: never a bench's, never migrated into.
SERVER_DATABASES = ("", "postgres", "template0", "template1")


def scratch_on_server(url: str, name: str) -> str:
    """`url` itself, or, when it names a PostgreSQL server's own database (`.../postgres`, the
    form `make bench-scale` takes), the scratch database `name` on that server: a bench never
    writes its tables into the server's maintenance database."""
    parsed = urlparse(url)
    if parsed.scheme.startswith("postgres") and parsed.path.strip("/") in SERVER_DATABASES:
        return parsed._replace(path=f"/{name}").geturl()
    return url


def recreate(url: str, *, drop_only: bool = False) -> None:
    """Drop (and create) a scratch database named in the URL; other databases are left alone."""
    parsed = urlparse(url)
    name = parsed.path.lstrip("/")
    if parsed.scheme.startswith("postgres"):
        import psycopg
        from psycopg import sql

        admin = parsed._replace(path="/postgres").geturl()
        with psycopg.connect(admin, autocommit=True) as conn:
            conn.execute(
                sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name))
            )
            if not drop_only:
                conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
    elif parsed.scheme == "sqlite":
        for suffix in ("", "-wal", "-shm"):
            Path(parsed.path + suffix).unlink(missing_ok=True)


def main() -> int:
    args = parse_args()
    url = os.environ["DATABASE_URL"] = scratch_on_server(
        os.environ.get("DATABASE_URL", DEFAULT_URL), "epms_bench"
    )
    os.environ["DEBUG"] = "1"  # seed_demo refuses to create password-"demo" accounts otherwise
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "pms_site.settings")
    scratch = _is_scratch(url)
    if scratch:
        recreate(url)

    import django

    django.setup()
    from django.conf import settings
    from django.core.management import call_command
    from django.db import connection, connections

    settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, "testserver"]
    # A staff member may not open their supervisor's page: that 404 is expected, not news.
    logging.getLogger("django.request").setLevel(logging.ERROR)
    call_command("migrate", verbosity=0)

    from orgchart.models import OrgUnit

    if OrgUnit.objects.exists():
        print(
            f"{connection.settings_dict['NAME']} already has an org chart; use a *bench* database."
        )
        return 2

    print(f"database: {connection.vendor} {connection.settings_dict['NAME']}, staff {args.staff:,}")
    start = time.perf_counter()
    call_command("seed_demo", staff=args.staff, seed=args.seed)
    seed_seconds = time.perf_counter() - start
    if connection.vendor == "postgresql":
        # Fresh tables have no statistics yet; a live database would have them.
        with connection.cursor() as cur:
            cur.execute("ANALYZE")
    print(f"seed: {seed_seconds:.1f} s")

    rows = bench_pages(args.repeat)
    print_table(args.staff, seed_seconds, rows)
    connections.close_all()
    if scratch and not args.keep:
        recreate(url, drop_only=True)
    return 0


def targets() -> list[tuple[str, str]]:
    """(label, url) of the pages to time, all inside demo-hr's department so every user sees them."""
    from django.db.models import Count, F
    from django.urls import reverse

    from orgchart.models import HrScope, OrgUnit, Person

    dept = HrScope.objects.select_related("unit").get(user__username="demo-hr").unit
    largest = (
        OrgUnit.objects.filter(parent__isnull=True).order_by(F("lft") - F("rght"), "code").first()
    )
    in_dept = OrgUnit.objects.filter(tree_id=dept.tree_id)
    busiest = in_dept.annotate(n=Count("people")).order_by("-n", "code").first()
    smallest = (
        in_dept.filter(lft=F("rght") - 1).annotate(n=Count("people")).order_by("n", "code").first()
    )
    supervisor = Person.objects.get(user__username="demo-supervisor")
    return [
        ("org tree /org/", reverse("orgchart:tree")),
        ("search /org/?q=กลุ่มงาน", reverse("orgchart:tree") + "?q=กลุ่มงาน"),
        (
            f"children of largest dept ({largest.get_children().count()} units)",
            reverse("orgchart:children", args=[largest.pk]),
        ),
        (
            f"unit: dept root ({dept.get_descendant_count():,} below)",
            reverse("orgchart:unit", args=[dept.pk]),
        ),
        (f"unit: most people ({busiest.n})", reverse("orgchart:unit", args=[busiest.pk])),
        (f"unit: small leaf ({smallest.n})", reverse("orgchart:unit", args=[smallest.pk])),
        ("person: demo-supervisor", reverse("orgchart:person", args=[supervisor.pk])),
    ]


def bench_pages(repeat: int) -> list[tuple[str, list[tuple[int, int, float]]]]:
    from django.contrib.auth import get_user_model
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    users = [get_user_model().objects.get(username=u) for u in USERS]
    rows = []
    for label, url in targets():
        cells = []
        for user in users:
            client = Client()
            client.force_login(user)
            client.get(url)  # warm: templates compiled, connection open
            best, queries, status = None, 0, 0
            for _ in range(repeat):
                with CaptureQueriesContext(connection) as ctx:
                    t = time.perf_counter()
                    response = client.get(url)
                    ms = (time.perf_counter() - t) * 1000
                best = ms if best is None else min(best, ms)
                queries, status = len(ctx.captured_queries), response.status_code
            cells.append((status, queries, best))
        rows.append((label, cells))
    return rows


def _pad(text: str, width: int) -> str:
    # Thai vowel and tone marks take no column of their own.
    shown = sum(1 for ch in text if unicodedata.category(ch) != "Mn")
    return text + " " * max(width - shown, 0)


def print_table(staff: int, seed_seconds: float, rows) -> None:
    width = max(len(label) for label, _ in rows) + 2
    head = "".join(f"{u:>22}" for u in USERS)
    print()
    print(f"staff {staff:,}, seed {seed_seconds:.1f} s; cells: queries / best ms (HTTP status)")
    print(f"{_pad('page', width)}{head}")
    for label, cells in rows:
        text = "".join(
            f"{f'{q:>3} q {ms:7.1f} ms' + ('' if status == 200 else f' ({status})'):>22}"
            for status, q, ms in cells
        )
        print(f"{_pad(label, width)}{text}")


if __name__ == "__main__":
    sys.exit(main())
