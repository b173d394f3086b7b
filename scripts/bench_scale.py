"""Every role's main pages at two ministry sizes on PostgreSQL: queries, best and median time,
side by side with the ratio (`make bench-scale`).

    python scripts/bench_scale.py [--sizes 20000,300000] [--repeat 7] [--reseed]

Each size has its own database, epms_scale_<size> on the server of DATABASE_URL (default
postgres://postgres@127.0.0.1:5432/): it is seeded with `seed_demo --staff <size>` the first
time (the seed's time and peak memory are kept in .bench/ and shown again) and reused after
that; --reseed drops and seeds it again. Each size is measured in a process of its own with
production settings (DEBUG off), through Django's test client as each demo account.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import resource
import statistics
import subprocess
import sys
import time
import unicodedata
from pathlib import Path
from urllib.parse import urlparse

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
STATE = ROOT / ".bench"
SERVER = "postgres://postgres@127.0.0.1:5432/"


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="20000,300000", help="staff counts, comma separated")
    parser.add_argument("--repeat", type=int, default=7, help="timed runs per page")
    parser.add_argument("--reseed", action="store_true", help="drop and seed the databases again")
    parser.add_argument("--measure", action="store_true", help=argparse.SUPPRESS)
    return parser.parse_args()


def server_url() -> str:
    url = os.environ.get("DATABASE_URL", SERVER)
    parsed = urlparse(url)
    if not parsed.scheme.startswith("postgres"):
        raise SystemExit("bench-scale runs on PostgreSQL: set DATABASE_URL to a postgres:// URL")
    return parsed._replace(path="/").geturl()


def db_url(size: int) -> str:
    return server_url().rstrip("/") + f"/epms_scale_{size}"


# --- seeding (in the parent process) ------------------------------------------------------------


def _admin(sql_text: str, *idents: str) -> list:
    import psycopg
    from psycopg import sql

    with psycopg.connect(server_url().rstrip("/") + "/postgres", autocommit=True) as conn:
        cur = conn.execute(sql.SQL(sql_text).format(*map(sql.Identifier, idents)))
        return cur.fetchall() if cur.description else []


def _seeded(size: int) -> bool:
    name = f"epms_scale_{size}"
    import psycopg

    with psycopg.connect(server_url().rstrip("/") + "/postgres") as conn:
        if not conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone():
            return False

    with psycopg.connect(db_url(size)) as conn:
        try:
            row = conn.execute("SELECT count(*) FROM orgchart_person").fetchone()
        except psycopg.Error:
            return False
    return bool(row and row[0] >= size)


def seed(size: int) -> dict:
    """Create, migrate and seed the size's database; the seed's figures as a dict."""
    name = f"epms_scale_{size}"
    _admin("DROP DATABASE IF EXISTS {} WITH (FORCE)", name)
    _admin("CREATE DATABASE {}", name)
    env = {**os.environ, "DATABASE_URL": db_url(size), "DEBUG": "1"}
    manage = [sys.executable, str(ROOT / "manage.py")]
    subprocess.run([*manage, "migrate", "-v0"], env=env, check=True, cwd=ROOT)
    print(f"seeding {size:,} staff into {name} ...", flush=True)
    before = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    start = time.perf_counter()
    out = subprocess.run(
        [*manage, "seed_demo", "--staff", str(size)],
        env=env,
        check=True,
        cwd=ROOT,
        capture_output=True,
        text=True,
    ).stdout
    seconds = time.perf_counter() - start
    peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    subprocess.run(["psql", db_url(size), "-qc", "VACUUM ANALYZE"], check=True, capture_output=True)
    opening = re.search(r"of which opening ([\d.]+) s", out)
    forms = re.search(r": ([\d,]+) forms, ", out)
    figures = {
        "seconds": round(seconds, 1),
        "opening_seconds": float(opening.group(1)) if opening else None,
        "forms": int(forms.group(1).replace(",", "")) if forms else None,
        "peak_mb": round(max(peak, before) / 1024),
        "summary": out.splitlines()[0] if out else "",
    }
    STATE.mkdir(exist_ok=True)
    (STATE / f"scale-{size}.json").write_text(json.dumps(figures, ensure_ascii=False, indent=1))
    return figures


# --- measuring (in a child process per size) ----------------------------------------------------


def measure(repeat: int) -> None:
    """Print one JSON line: {page key: [status, queries, best ms, median ms]}."""
    import django

    django.setup()
    import logging

    from django.contrib.auth import get_user_model
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    logging.getLogger("django.request").setLevel(logging.CRITICAL)
    from demo.pages import USERS, main_pages

    users = {role: get_user_model().objects.get(username=u) for role, u in USERS.items()}
    clients = {}
    for role, user in users.items():
        clients[role] = Client()
        clients[role].force_login(user)
    out = {}
    for role, page, url in main_pages():
        client = clients[role]
        client.get(
            url, secure=True
        )  # warm: templates compiled, caches filled as a live server's would be
        times = []
        for _ in range(repeat):
            with CaptureQueriesContext(connection) as ctx:
                t = time.perf_counter()
                response = client.get(url, secure=True)
                times.append((time.perf_counter() - t) * 1000)
        out[f"{role}: {page}"] = [
            response.status_code,
            len(ctx.captured_queries),
            round(min(times), 1),
            round(statistics.median(times), 1),
        ]
    print(json.dumps(out, ensure_ascii=False))


def production_env(url: str, **extra: str) -> dict:
    """The environment of the production settings (DEBUG off, no replica) on `url`, with
    `extra` on top; its static files collected, as a deployment's are."""
    env = {
        **os.environ,
        "DATABASE_URL": url,
        "DEBUG": "0",
        "SECRET_KEY": "bench-only-not-a-secret",
        "DJANGO_SETTINGS_MODULE": "pms_site.settings",
        "STATIC_ROOT": str(STATE / "static"),
        **extra,
    }
    env.pop("DATABASE_REPLICA_URL", None)
    subprocess.run(
        [sys.executable, "manage.py", "collectstatic", "--noinput", "-v0"],
        cwd=ROOT,
        env=env,
        check=True,
    )
    return env


def run_measure(size: int, repeat: int) -> dict:
    env = production_env(db_url(size), ALLOWED_HOSTS="testserver")
    done = subprocess.run(
        [sys.executable, __file__, "--measure", "--repeat", str(repeat)],
        env=env,
        cwd=ROOT,
        capture_output=True,
        text=True,
    )
    if done.returncode != 0:
        sys.stderr.write(done.stderr)
        raise SystemExit(f"measuring {size:,} staff failed")
    return json.loads(done.stdout.strip().splitlines()[-1])


def _pad(text: str, width: int) -> str:
    shown = sum(1 for ch in text if unicodedata.category(ch) != "Mn")
    return text + " " * max(width - shown, 0)


def main() -> int:
    args = parse_args()
    if args.measure:
        measure(args.repeat)
        return 0
    sizes = [int(s) for s in args.sizes.split(",")]
    seeds, results = {}, {}
    for size in sizes:
        kept = STATE / f"scale-{size}.json"
        if args.reseed or not _seeded(size):
            seeds[size] = seed(size)
        else:
            seeds[size] = json.loads(kept.read_text()) if kept.exists() else {}
            print(f"reusing epms_scale_{size} (--reseed to seed it again)")
    # The sizes take turns, twice, and each page keeps its best figures of the two turns: a
    # burst of other work on the machine then skews neither size alone.
    for _turn in range(2):
        for size in sizes:
            measured = run_measure(size, args.repeat)
            if size not in results:
                results[size] = measured
                continue
            for key, (status, queries, best, median) in measured.items():
                old = results[size][key]
                results[size][key] = [status, queries, min(best, old[2]), min(median, old[3])]

    print()
    for size in sizes:
        s = seeds[size]
        if s:
            print(
                f"seed {size:,} staff: {s['seconds']:.0f} s (opening the round "
                f"{s['opening_seconds']} s), {s['forms']:,} forms in the current round, "
                f"peak {s['peak_mb']:,} MB"
            )
    small, large = sizes[0], sizes[-1]
    width = max(len(k) for k in results[small]) + 2
    print()
    print(
        f"{_pad('page', width)}{'queries':>9}   {small:,} staff best/median ms"
        f"   {large:,} staff best/median ms   ratio (median)"
    )
    missed = []
    for key, (st1, q1, b1, m1) in results[small].items():
        st2, q2, b2, m2 = results[large].get(key, [0, 0, 0.0, 0.0])
        ratio = m2 / m1 if m1 else 0.0
        queries = f"{q1}" if q1 == q2 else f"{q1}→{q2}"
        flag = []
        if st1 != 200 or st2 != 200:
            flag.append(f"HTTP {st1}/{st2}")
        if q1 != q2:
            flag.append("queries grow")
        if ratio > 1.5:
            flag.append("over 1.5×")
        if m2 > 300:
            flag.append("over 300 ms")
        if flag:
            missed.append(key)
        print(
            f"{_pad(key, width)}{queries:>9}   {b1:>9.1f} / {m1:>7.1f}"
            f"          {b2:>9.1f} / {m2:>7.1f}          {ratio:5.2f}×  {', '.join(flag)}"
        )
    print()
    print(
        f"{len(results[small]) - len(missed)} of {len(results[small])} pages within the goals "
        "(same queries, ≤1.5× and ≤300 ms at the larger size)"
        + (f"; missed: {', '.join(missed)}" if missed else "")
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
