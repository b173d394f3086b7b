"""The unit report built in the background: the task runs (at once, through the immediate
backend of the test settings), the progress page follows it, the per-person cache is reused
when nothing changed and refreshed when a level changes, a failure can be retried, and only a
finished file is ever served."""

from __future__ import annotations

import os
import time
from datetime import timedelta
from io import StringIO
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from appraisal.services.evaluation import ScoreInput, score_save
from reports import book, cache, services
from reports.models import JobStatus, ReportJob
from tests.reports.conftest import pdftotext_available
from tests.reports.pdfcheck import pages_of, squeeze, text_of

pytestmark = pytest.mark.skipif(not pdftotext_available(), reason="needs poppler-utils")


def cache_dir() -> Path:
    """The per-person PDF cache in the test's private storage folder."""
    return Path(settings.MEDIA_ROOT) / cache.CACHE_ROOT


def job_file(job) -> Path:
    return Path(settings.MEDIA_ROOT) / services.job_file_name(job)


def _start(client, o, unit, django_capture_on_commit_callbacks):
    client.force_login(o.hr)
    url = reverse("reports:job_create", kwargs={"pk": o.round.pk, "unit_pk": unit.pk})
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url)
    assert response.status_code == 302
    return ReportJob.objects.get(pk=int(response["Location"].rstrip("/").split("/")[-1]))


def test_job_builds_the_unit_book_and_the_owner_downloads_it(
    client, released, django_capture_on_commit_callbacks
):
    o = released
    job = _start(client, o, o.grp1, django_capture_on_commit_callbacks)
    assert (job.status, job.done, job.total) == (JobStatus.DONE, 3, 3)
    assert job.task_id and job.finished_at
    page = client.get(reverse("reports:job", kwargs={"pk": job.pk})).content.decode()
    assert 'id="job-download"' in page and "hx-trigger" not in page
    response = client.get(reverse("reports:job_download", kwargs={"pk": job.pk}))
    assert response.status_code == 200 and "attachment" in response["Content-Disposition"]
    pdf = b"".join(response.streaming_content)
    report_pages = pages_of(book.documents.unit_report_pdf(o.round, o.grp1))
    # The summaries are two or three pages (part 4 kept whole): the book adds up its parts.
    form_pages = sum(
        pages_of(book.documents.form_pdf(f, "summary")) for f in book.unit_forms(o.round, o.grp1)
    )
    assert pages_of(pdf) == job.pages == report_pages + form_pages
    flat = squeeze(text_of(pdf))
    assert "รายงานผลการประเมินผลการปฏิบัติราชการ" in flat
    assert flat.count("แบบสรุปการประเมินผลการปฏิบัติราชการ") >= 3
    for name in ("นายสมชายทดสอบ", "นายสมหญิงทดสอบ", "นายหัวหน้ากลุ่มทดสอบ"):
        assert name in flat
    # The same request while nothing is pending makes a new job; a pending one is returned.
    again = services.job_start(actor=o.hr, rnd=o.round, unit=o.grp1)
    assert again.pk != job.pk and again.status == JobStatus.QUEUED
    assert services.job_start(actor=o.hr, rnd=o.round, unit=o.grp1).pk == again.pk


def test_cache_is_reused_when_nothing_changed_and_refreshed_when_a_level_changes(
    released, tmp_path
):
    o = released
    first = book.build_unit_book(o.round, o.dept, tmp_path / "a.pdf")
    assert (first.people, first.rendered, first.reused) == (9, 9, 0)
    cached = sorted(cache_dir().rglob("*.pdf"))
    # Nine summaries and the book's page numbers (reports.book._numbers_pdf).
    assert len(cached) == 10 and str(cache_dir()).startswith(str(settings.MEDIA_ROOT))

    second = book.build_unit_book(o.round, o.dept, tmp_path / "b.pdf")
    assert (second.rendered, second.reused) == (0, 9)
    assert sorted(cache_dir().rglob("*.pdf")) == cached

    # The evaluator gives s2's first KPI a level: only s2's page is drawn again.
    f2 = o.f2
    row = f2.kpis.first()
    score_save(
        actor=o.grp1_head.user,
        form=f2,
        expected_version=f2.version,
        kpis=[ScoreInput(id=row.pk, level=2, reason="ล่าช้า")],
    )
    third = book.build_unit_book(o.round, o.dept, tmp_path / "c.pdf")
    assert (third.rendered, third.reused) == (1, 8)
    assert third.pages == first.pages


def test_prune_keeps_what_is_printed_and_deletes_what_is_left_behind(released, tmp_path):
    """After a level changes the old PDF of that form is never used again: prune deletes it once
    it is older than --days, keeps the files the last book used, and removes stale .part files."""
    o = released
    book.build_unit_book(o.round, o.dept, tmp_path / "a.pdf")
    before = set(cache_dir().rglob("*.pdf"))
    f2 = o.f2
    score_save(
        actor=o.grp1_head.user,
        form=f2,
        expected_version=f2.version,
        kpis=[ScoreInput(id=f2.kpis.first().pk, level=2, reason="ล่าช้า")],
    )
    old_day = time.time() - 40 * 86400
    for path in before:  # everything printed 40 days ago ...
        os.utime(path, (old_day, old_day))
    book.build_unit_book(o.round, o.dept, tmp_path / "b.pdf")  # ... and today, all but one
    after = set(cache_dir().rglob("*.pdf"))
    (left_behind,) = {p for p in before if p.stat().st_mtime < old_day + 1}  # f2's old PDF
    assert len(after) == len(before) + 1
    part = next(iter(after)).parent / ".x.pdf.part"
    part.write_bytes(b"half")
    os.utime(part, (old_day, old_day))
    out = StringIO()
    call_command("prune_report_cache", "--days", "30", stdout=out)
    assert "2 files deleted" in out.getvalue()
    assert not left_behind.exists() and not part.exists()
    assert set(cache_dir().rglob("*.pdf")) == after - {left_behind}
    third = book.build_unit_book(o.round, o.dept, tmp_path / "c.pdf")
    assert third.rendered == 0  # nothing in use was deleted


def test_progress_fragment_polls_while_running_and_stops_when_done(client, released):
    o = released
    job = ReportJob.objects.create(
        owner=o.hr, round=o.round, unit=o.dept, status=JobStatus.RUNNING, done=3, total=9
    )
    client.force_login(o.hr)
    url = reverse("reports:job_progress", kwargs={"pk": job.pk})
    body = client.get(url).content.decode()
    assert 'hx-trigger="every 1s"' in body and "33%" in body and "3 จาก 9" in body
    # Running: nothing to download, whatever sits on disk.
    path = Path(settings.MEDIA_ROOT) / "reports" / "jobs" / str(job.pk) / "x.pdf"
    path.parent.mkdir(parents=True)
    path.write_bytes(b"%PDF-1.7 half")
    assert client.get(reverse("reports:job_download", kwargs={"pk": job.pk})).status_code == 404
    ReportJob.objects.filter(pk=job.pk).update(
        status=JobStatus.DONE, done=9, file_path=str(path.relative_to(settings.MEDIA_ROOT))
    )
    body = client.get(url).content.decode()
    assert "hx-trigger" not in body and 'id="job-download"' in body


def test_a_failed_job_shows_its_error_and_can_be_retried(
    client, released, monkeypatch, django_capture_on_commit_callbacks
):
    o = released

    def broken(*args, **kwargs):
        raise OSError("ดิสก์เต็ม")

    monkeypatch.setattr(book, "render_unit_book", broken)
    job = _start(client, o, o.grp2, django_capture_on_commit_callbacks)
    job.refresh_from_db()
    assert job.status == JobStatus.FAILED and "ดิสก์เต็ม" in job.error
    assert not job.file_path
    page = client.get(reverse("reports:job", kwargs={"pk": job.pk})).content.decode()
    assert 'id="job-error"' in page and "ดิสก์เต็ม" in page and "hx-trigger" not in page
    assert client.get(reverse("reports:job_download", kwargs={"pk": job.pk})).status_code == 404

    monkeypatch.undo()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("reports:job_retry", kwargs={"pk": job.pk}))
    assert response.status_code == 302
    job.refresh_from_db()
    assert job.status == JobStatus.DONE and job.error == "" and job.total == 1
    assert client.get(reverse("reports:job_download", kwargs={"pk": job.pk})).status_code == 200


def test_a_job_is_taken_once(released):
    o = released
    job = ReportJob.objects.create(owner=o.hr, round=o.round, unit=o.grp2, total=1)
    services.job_run(job_id=job.pk)
    job.refresh_from_db()
    finished = job.finished_at
    services.job_run(job_id=job.pk)  # a duplicate delivery of the same task
    job.refresh_from_db()
    assert job.status == JobStatus.DONE and job.finished_at == finished


def test_write_atomic_leaves_no_partial_file(tmp_path, monkeypatch):
    target = tmp_path / "out" / "book.pdf"
    cache.write_atomic(target, b"first")

    def crash(src, dst):
        raise OSError("power cut")

    monkeypatch.setattr(cache.os, "replace", crash)
    with pytest.raises(OSError):
        cache.write_atomic(target, b"second, never complete")
    assert target.read_bytes() == b"first"
    assert [p.name for p in target.parent.iterdir()] == ["book.pdf"]


def _assert_dead_job_fails_and_retries(client, o, job, django_capture_on_commit_callbacks):
    """A running job whose heartbeat stopped: the page says it failed, nothing is served,
    and a retry builds it."""
    job.refresh_from_db()
    assert job.status == JobStatus.RUNNING
    ReportJob.objects.filter(pk=job.pk).update(
        heartbeat_at=job.heartbeat_at - services.STALE_AFTER - timedelta(seconds=1)
    )
    client.force_login(o.hr)
    assert client.get(reverse("reports:job_download", kwargs={"pk": job.pk})).status_code == 404
    page = client.get(reverse("reports:job", kwargs={"pk": job.pk})).content.decode()
    job.refresh_from_db()
    assert job.status == JobStatus.FAILED and "หยุดทำงาน" in job.error
    assert 'id="job-error"' in page
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("reports:job_retry", kwargs={"pk": job.pk}))
    assert response.status_code == 302
    job.refresh_from_db()
    assert job.status == JobStatus.DONE
    response = client.get(reverse("reports:job_download", kwargs={"pk": job.pk}))
    assert response.status_code == 200
    assert b"".join(response.streaming_content).startswith(b"%PDF")


def test_a_job_whose_worker_died_fails_and_can_be_retried(
    client, released, django_capture_on_commit_callbacks
):
    o = released
    job = ReportJob.objects.create(owner=o.hr, round=o.round, unit=o.grp1, total=2)
    # What a killed worker leaves: the job running, a heartbeat, maybe a half-written file.
    now = timezone.now()
    ReportJob.objects.filter(pk=job.pk).update(
        status=JobStatus.RUNNING, started_at=now, heartbeat_at=now, done=1
    )
    target = job_file(job)
    target.parent.mkdir(parents=True, exist_ok=True)
    (target.parent / f".{target.name}.abc.part").write_bytes(b"%PDF-1.7 half")
    _assert_dead_job_fails_and_retries(client, o, job, django_capture_on_commit_callbacks)


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_a_worker_process_killed_mid_job_leaves_it_failed_and_retryable(
    client, django_capture_on_commit_callbacks, settings
):
    """A real worker process is killed with SIGKILL while it renders; nothing it half-wrote is
    served, the job fails after its heartbeat stops, and a retry builds the book."""
    import os
    import signal
    import subprocess
    import sys
    import time as _time

    from django.db import connection

    from tests.factories import build_org
    from tests.reports.conftest import release_worked_example

    o = build_org()
    o.round, o.f1, o.f2 = release_worked_example(o)
    job = ReportJob.objects.create(owner=o.hr, round=o.round, unit=o.dept, total=2)
    ReportJob.objects.filter(pk=job.pk).update(status=JobStatus.QUEUED)
    db = connection.settings_dict
    env = {
        **os.environ,
        "DEBUG": "1",
        "DATABASE_URL": f"postgres://{db['USER']}@{db['HOST']}:{db['PORT']}/{db['NAME']}",
        "MEDIA_ROOT": str(settings.MEDIA_ROOT),
    }
    script = (
        "import django, time; django.setup()\n"
        "from reports import cache, services\n"
        "real = cache.fetch_or_render\n"
        "def slow(*a, **k):\n"
        "    time.sleep(2)\n"
        "    return real(*a, **k)\n"
        "cache.fetch_or_render = slow\n"
        f"services.job_run(job_id={job.pk})\n"
    )
    worker = subprocess.Popen(
        [sys.executable, "-c", script], env={**env, "DJANGO_SETTINGS_MODULE": "pms_site.settings"}
    )
    try:
        deadline = _time.monotonic() + 60
        while _time.monotonic() < deadline:
            job.refresh_from_db()
            if job.status == JobStatus.RUNNING and job.done >= 1:
                break
            _time.sleep(0.2)
        assert job.status == JobStatus.RUNNING, job.status
    finally:
        worker.send_signal(signal.SIGKILL)
        worker.wait(timeout=30)
    assert not job_file(job).exists()
    _assert_dead_job_fails_and_retries(client, o, job, django_capture_on_commit_callbacks)
