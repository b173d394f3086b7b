"""Workers that scale out: two `manage.py db_worker` processes share the database queue and
each job runs exactly once. django-tasks-db takes a job with SELECT ... FOR UPDATE SKIP LOCKED
(DBTaskResultQuerySet.get_locked) inside a transaction and marks it RUNNING before it commits, so
a second worker skips the row another is claiming; reports.services.job_run also takes a unit
book only while it is still QUEUED. The workers are real processes on the test database, so the
jobs are committed (transaction=True)."""

from __future__ import annotations

import os
import subprocess
import sys
from collections import Counter
from pathlib import Path

import pytest
from django.db import connection
from django_tasks_db.models import DBTaskResult

from tests.reports.worker_tasks import record_run

ROOT = Path(__file__).resolve().parents[2]
JOBS = 24


def _database_url() -> str:
    s = connection.settings_dict
    return f"postgres://{s['USER']}@{s['HOST'] or '127.0.0.1'}:{s['PORT'] or 5432}/{s['NAME']}"


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_two_workers_share_the_queue_and_run_each_job_exactly_once(settings, tmp_path):
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    runs = tmp_path / "runs.txt"
    results = [record_run.enqueue(n, str(runs)) for n in range(JOBS)]
    env = {**os.environ, "DATABASE_URL": _database_url(), "DEBUG": "1"}
    cmd = [sys.executable, "manage.py", "db_worker", "--batch", "--no-reload"]
    cmd += ["--no-startup-delay", "--interval", "0.1"]
    workers = [
        subprocess.Popen(
            [*cmd, "--worker-id", f"test-worker-{n}"],
            cwd=ROOT,
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
            text=True,
        )
        for n in range(2)
    ]
    try:
        for w in workers:
            _, err = w.communicate(timeout=90)
            assert w.returncode == 0, err[-2000:]
    finally:
        for w in workers:
            if w.poll() is None:
                w.kill()
                w.wait()

    lines = [line.split() for line in runs.read_text().splitlines()]
    assert Counter(int(n) for n, _ in lines) == Counter(range(JOBS))  # each once, none lost
    rows = DBTaskResult.objects.filter(id__in=[r.id for r in results])
    assert rows.count() == JOBS
    assert all(r.status == "SUCCESSFUL" and len(r.worker_ids) == 1 for r in rows)
    per_worker = Counter(r.worker_ids[0] for r in rows)
    # Both took jobs (the first starts a moment before the second: it may take more).
    assert set(per_worker) == {"test-worker-0", "test-worker-1"}, per_worker
    assert len({pid for _, pid in lines}) == 2


def test_the_worker_takes_its_job_with_skip_locked():
    """The claim the test above relies on, in the installed django-tasks-db."""
    import inspect

    from django_tasks_db.models import DBTaskResultQuerySet

    assert "skip_locked=True" in inspect.getsource(DBTaskResultQuerySet.get_locked)
