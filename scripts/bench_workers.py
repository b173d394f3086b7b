"""Throughput of the unit books with 1 and 2 `db_worker` processes on the same jobs.

    python scripts/bench_workers.py [--books 4] [--people 40] [--workers 1,2] [--keep]

Builds --books departments of --people staff each (scripts/bench_pdf.py's unit, results written
in bulk), then, for each worker count, queues the same books (one per department, through
reports.services.job_start, as HR's button does), starts that many `manage.py db_worker --batch`
processes, and waits until every job is done. The per-person PDF cache is emptied before each
run, so every run renders every page. Without DATABASE_URL the embedded SQLite engine runs on a
scratch file (var/bench_workers.sqlite3); with DATABASE_URL, a database whose name contains
"bench" is dropped and created again, any other must have no org chart (a URL naming the
server's own `postgres` database means the scratch database epms_bench_workers on that server).

Prints measured figures only: for each worker count the wall time from the workers' start to
the last book (process start-up included), the span from the first job taken to the last one
finished, pages per second and books per minute over that span, and the books each worker took.
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "scripts"))

SCRATCH_SQLITE = ROOT / "var" / "bench_workers.sqlite3"


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--books", type=int, default=4, help="unit books queued per run")
    parser.add_argument("--people", type=int, default=40, help="staff in each book's unit")
    parser.add_argument("--workers", default="1,2", help="worker counts to run, e.g. 1,2,3")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--timeout", type=float, default=900, help="seconds for one run")
    parser.add_argument("--keep", action="store_true", help="keep the scratch database")
    return parser.parse_args()


def run_workers(count: int, *, books, media: Path, timeout: float) -> dict:
    from django.db import close_old_connections
    from django_tasks_db.models import DBTaskResult

    from reports import services
    from reports.models import JobStatus, ReportJob

    shutil.rmtree(media, ignore_errors=True)  # cold: every page rendered in every run
    media.mkdir(parents=True)
    jobs = [services.job_start(actor=hr, rnd=rnd, unit=unit).pk for hr, rnd, unit in books]
    env = {**os.environ, "MEDIA_ROOT": str(media), "DEBUG": "1", "LOG_LEVEL": "WARNING"}
    cmd = [sys.executable, "manage.py", "db_worker", "--batch", "--no-reload"]
    cmd += ["--no-startup-delay", "--interval", "0.2"]
    t0 = time.perf_counter()
    procs = [
        subprocess.Popen(
            [*cmd, "--worker-id", f"bench-{count}-{n}"],
            cwd=ROOT,
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        for n in range(count)
    ]
    try:
        for proc in procs:
            proc.wait(timeout=max(1.0, timeout - (time.perf_counter() - t0)))
    finally:
        for proc in procs:
            if proc.poll() is None:
                proc.kill()
                proc.wait()
    wall = time.perf_counter() - t0
    close_old_connections()
    rows = list(ReportJob.objects.filter(pk__in=jobs).order_by("pk"))
    failed = [r for r in rows if r.status != JobStatus.DONE]
    if failed:
        raise SystemExit(
            f"{len(failed)} jobs not done: {[(r.pk, r.status, r.error) for r in failed]}"
        )
    span = (max(r.finished_at for r in rows) - min(r.started_at for r in rows)).total_seconds()
    per_worker: dict[str, int] = {}
    for result in DBTaskResult.objects.filter(id__in=[r.task_id for r in rows]):
        for worker in result.worker_ids:
            per_worker[worker] = per_worker.get(worker, 0) + 1
    return {
        "wall": wall,
        "span": span,
        "pages": sum(r.pages for r in rows),
        "books": len(rows),
        "per_worker": per_worker,
    }


def main() -> int:
    args = parse_args()
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "pms_site.settings")
    os.environ["DEBUG"] = "1"
    from bench_org import _is_scratch, recreate, scratch_on_server

    url = os.environ.get("DATABASE_URL")
    if not url:
        SCRATCH_SQLITE.parent.mkdir(parents=True, exist_ok=True)
        url = os.environ["DATABASE_URL"] = f"sqlite:///{SCRATCH_SQLITE}"
    url = os.environ["DATABASE_URL"] = scratch_on_server(url, "epms_bench_workers")

    scratch = _is_scratch(url) or url.endswith("bench_workers.sqlite3")
    if scratch:
        recreate(url)
    media = Path(tempfile.mkdtemp(prefix="bench-workers-media-"))
    os.environ["MEDIA_ROOT"] = str(media)

    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection, connections

    call_command("migrate", verbosity=0)
    from orgchart.models import HrScope, OrgUnit

    if OrgUnit.objects.exists():
        print(
            f"{connection.settings_dict['NAME']} already has an org chart; use a *bench* database."
        )
        return 2
    from bench_pdf import build_unit

    print(
        f"database: {connection.vendor} {connection.settings_dict['NAME']}; "
        f"{args.books} books of {args.people} people; {os.cpu_count()} cores"
    )
    t = time.perf_counter()
    books = []
    for k in range(args.books):
        rnd, unit = build_unit(args.people, args.seed + k, tag=str(k))
        hr = HrScope.objects.get(unit=rnd.department).user
        books.append((hr, rnd, unit))
    print(f"seed: {time.perf_counter() - t:.1f} s")

    results = {}
    for count in [int(c) for c in args.workers.split(",") if c.strip()]:
        r = run_workers(count, books=books, media=media / f"run{count}", timeout=args.timeout)
        results[count] = r
        print(
            f"{count} worker{'s' if count > 1 else ' '}: {r['books']} books, {r['pages']} pages; "
            f"wall {r['wall']:.1f} s (start-up included), span {r['span']:.1f} s: "
            f"{r['pages'] / r['span']:.1f} pages/s, {r['books'] * 60 / r['span']:.1f} books/min"
        )
        print(
            "  books per worker: "
            + ", ".join(f"{w} {n}" for w, n in sorted(r["per_worker"].items()))
        )
    if 1 in results and len(results) > 1:
        base = results[1]["span"]
        for count, r in results.items():
            if count != 1:
                print(f"speed-up {count} workers / 1: {base / r['span']:.2f}×")

    connections.close_all()
    shutil.rmtree(media, ignore_errors=True)
    if scratch and not args.keep:
        recreate(url, drop_only=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
