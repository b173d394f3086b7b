"""Faults: a database error in the middle of a multi-row save leaves nothing half-saved; two
saves of the same form version give one conflict; a report worker that dies mid-job leaves a
job that is refused for download and can be retried."""

from __future__ import annotations

import threading
from datetime import timedelta
from decimal import Decimal
from pathlib import Path

import pytest
from django.conf import settings
from django.db import DatabaseError, connection
from django.urls import reverse
from django.utils import timezone

from appraisal.models import FormKpi
from appraisal.services.agreements import agreement_save
from appraisal.services.evaluation import ScoreInput, score_save
from common.errors import ConflictError
from kpi import services as kpi_services
from kpi.models import KpiAssignment
from reports import services as report_services
from reports.models import JobStatus, ReportJob
from tests.appraisal.conftest import appraisal_world, form_of, open_round, three_items
from tests.kpi.conftest import make_kpi
from tests.robustness.conftest import TALLY, consistency_problems, fingerprint


def fail_after_first(monkeypatch, model, method="save"):
    """model.<method> works once, then raises DatabaseError."""
    original = getattr(model, method)
    calls = {"n": 0}

    def flaky(self, *args, **kwargs):
        calls["n"] += 1
        if calls["n"] > 1:
            raise DatabaseError("forced failure after the first row")
        return original(self, *args, **kwargs)

    monkeypatch.setattr(model, method, flaky)
    TALLY["fault:database error mid-save"] += 1
    return calls


@pytest.fixture
def world(org):
    return appraisal_world(org)


def test_agreement_save_of_several_rows_is_all_or_nothing(org, monkeypatch):
    rnd = open_round(org)
    form = form_of(rnd, org.s1)
    before = fingerprint()
    calls = fail_after_first(monkeypatch, FormKpi)
    with pytest.raises(DatabaseError):
        agreement_save(
            actor=org.s1.user, form=form, expected_version=form.version, items=three_items()
        )
    assert calls["n"] == 2
    assert fingerprint() == before and not consistency_problems()


def test_score_save_is_all_or_nothing(world, monkeypatch):
    o = world
    before = fingerprint()
    calls = fail_after_first(monkeypatch, FormKpi)
    with pytest.raises(DatabaseError):
        score_save(
            actor=o.grp1_head.user,
            form=o.f1,
            expected_version=o.f1.version,
            kpis=[ScoreInput(id=r.pk, level=3, reason="ก") for r in o.f1.kpis.all()],
        )
    assert calls["n"] == 2
    assert fingerprint() == before and not consistency_problems()


def test_os_matrix_save_is_all_or_nothing(org, monkeypatch):
    pct = make_kpi(org.div1, code="1", weight=Decimal("60"))
    count = make_kpi(org.div1, code="2", weight=Decimal("40"))
    columns = [kpi_services.MatrixColumn(key=f"u{u.pk}", unit=u) for u in (org.grp1, org.grp2)]
    keys = [c.key for c in columns]
    kpi_services.os_matrix_save(
        unit=org.div1,
        fiscal_year=2570,
        columns=columns,
        cells={pct.pk: {keys[0]: "O"}, count.pk: {keys[1]: "O"}},
        actor=org.div1_head.user,
    )
    before = fingerprint()
    from kpi.models import Kpi

    fail_after_first(monkeypatch, Kpi)  # the roles are saved KPI by KPI after the cells
    with pytest.raises(DatabaseError):
        kpi_services.os_matrix_save(
            unit=org.div1,
            fiscal_year=2570,
            columns=columns,
            cells={pct.pk: {keys[1]: "O", keys[0]: "S"}, count.pk: {keys[0]: "O"}},
            roles={pct.pk: {"supervisor": None}, count.pk: {"supervisor": None}},
            actor=org.div1_head.user,
        )
    assert fingerprint() == before and not consistency_problems()
    assert KpiAssignment.objects.filter(kpi=pct, role="O", unit=org.grp1).exists()


def test_org_import_is_all_or_nothing(org, monkeypatch):
    from orgchart.import_service import org_import
    from orgchart.models import Position
    from tests.orgchart.test_import import csv_bytes, person_row, plan_of

    data = csv_bytes([
        person_row("DEPT-01-3", "9001", "9001", "ใหม่หนึ่ง", parent="DEPT-01", name="กลุ่มใหม่"),
        person_row("DEPT-01-3", "9002", "9002", "ใหม่สอง"),
    ])  # fmt: skip
    plan = plan_of(data, user=org.hr)
    assert plan.ok, [str(e) for e in plan.errors]
    before = fingerprint()
    original = Position.objects.bulk_create

    def explode(objs, *args, **kwargs):
        original(objs, *args, **kwargs)
        raise DatabaseError("forced failure after the positions")

    monkeypatch.setattr(Position.objects, "bulk_create", explode)
    TALLY["fault:database error mid-save"] += 1
    with pytest.raises(DatabaseError):
        org_import(plan=plan, actor=org.hr)
    assert fingerprint() == before and not consistency_problems()


# --- concurrent edits ----------------------------------------------------------------------------


def test_a_stale_version_posted_to_the_agreement_page_is_a_conflict(org, client):
    rnd = open_round(org)
    form = form_of(rnd, org.s1)
    stale = form.version
    form = agreement_save(actor=org.s1.user, form=form, expected_version=stale, items=three_items())
    before = fingerprint()
    client.force_login(org.s1.user)
    post = {"version": str(stale), "items-TOTAL_FORMS": "1", "items-INITIAL_FORMS": "0"}
    post |= {"items-0-name": "อื่น", "items-0-weight": "100", "items-0-kind": "plan"}
    response = client.post(reverse("appraisal:agreement", kwargs={"pk": form.pk}), post)
    TALLY["fault:stale version page"] += 1
    assert response.status_code == 200
    assert "มีผู้อื่นบันทึกแบบประเมินนี้ไปก่อนแล้ว" in response.content.decode()
    assert fingerprint() == before


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_two_threads_saving_the_same_version_one_wins_one_conflicts():
    from tests.factories import build_org

    org = build_org()
    rnd = open_round(org)
    form = form_of(rnd, org.s1)
    version = form.version
    barrier = threading.Barrier(2)
    outcomes = []

    def save(weights):
        try:
            barrier.wait()
            agreement_save(
                actor=org.s1.user, form=form, expected_version=version, items=three_items(weights)
            )
            outcomes.append("saved")
        except ConflictError:
            outcomes.append("conflict")
        finally:
            connection.close()

    threads = [
        threading.Thread(target=save, args=(w,)) for w in (("30", "30", "40"), ("50", "25", "25"))
    ]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    TALLY["fault:concurrent save"] += 1
    assert sorted(outcomes) == ["conflict", "saved"]
    form.refresh_from_db()
    assert form.version == version + 1 and form.kpis.count() == 3
    assert sum(r.weight for r in form.kpis.all()) == 100


# --- a report worker killed mid-job --------------------------------------------------------------


@pytest.fixture
def running_job(world):
    """A job the worker took (status running) and then died on: no file, no progress after."""
    o = world
    job = ReportJob.objects.create(owner=o.hr, round=o.round, unit=o.grp1, total=2)
    ReportJob.objects.filter(pk=job.pk).update(
        status=JobStatus.RUNNING, done=1, started_at=timezone.now() - timezone.timedelta(hours=2)
    )
    job.refresh_from_db()
    TALLY["fault:worker killed"] += 1
    return o, job


def test_a_job_killed_mid_render_is_failed_and_serves_no_file(world, monkeypatch):
    """The worker dies inside the renderer (an exception stands for the kill): failed, no file."""
    o = world
    from reports import book

    def killed(*args, **kwargs):
        raise MemoryError("worker killed")

    monkeypatch.setattr(book, "render_unit_book", killed)
    job = ReportJob.objects.create(owner=o.hr, round=o.round, unit=o.grp1, total=2)
    TALLY["fault:worker killed"] += 1
    with pytest.raises(MemoryError):
        report_services.job_run(job_id=job.pk)
    job.refresh_from_db()
    assert job.status == JobStatus.FAILED and not job.file_path
    assert not (Path(settings.MEDIA_ROOT) / report_services.job_file_name(job)).exists()


def test_the_download_of_a_running_job_is_refused(running_job, client):
    o, job = running_job
    client.force_login(o.hr)
    # A half-written file at the final place must still not be served while running.
    path = Path(settings.MEDIA_ROOT) / report_services.job_file_name(job)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(b"%PDF-1.4 half")
    assert client.get(reverse("reports:job_download", kwargs={"pk": job.pk})).status_code == 404


def test_a_job_whose_worker_died_becomes_failed_and_retryable(running_job):
    o, job = running_job
    # Its worker stopped writing progress longer ago than the stale limit.
    long_ago = timezone.now() - report_services.STALE_AFTER - timedelta(seconds=1)
    ReportJob.objects.filter(pk=job.pk).update(heartbeat_at=long_ago, started_at=long_ago)
    report_services.job_retry(actor=o.hr, job=job)
    job.refresh_from_db()
    assert job.status == JobStatus.QUEUED
