"""Exports longer than one request can write (appraisal.export_jobs): above EXPORT_MAX_ROWS the
list's Excel file is written by the worker under the same filters and the same view of its
owner, downloaded by the owner alone (the access log records it then) and deleted after
EXPORT_KEEP_HOURS. Shorter exports download at once (tests/appraisal/test_list_exports.py)."""

from __future__ import annotations

import datetime as dt
from urllib.parse import unquote

import pytest
from django.urls import reverse
from django.utils import timezone

from appraisal import export_jobs
from appraisal.models import AppraisalForm, ExportJob, JobStatus
from common.models import AccessRecord, DataAccess
from tests.appraisal.test_list_exports import results_world, workbook


@pytest.fixture
def world(org):
    return results_world(org)


def forms_xlsx(o):
    return reverse("appraisal:round_forms_xlsx", args=[o.round.pk])


def test_a_long_export_is_written_by_the_worker_and_downloaded_by_its_owner(
    client,
    world,
    settings,
    django_capture_on_commit_callbacks,
):
    o = world
    settings.EXPORT_MAX_ROWS = 3  # the department has 9 forms
    client.force_login(o.hr)
    logged = AccessRecord.objects.filter(what=DataAccess.LIST_EXPORT)
    before = logged.count()
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        response = client.get(forms_xlsx(o))
    job = ExportJob.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("appraisal:export_job", args=[job.pk])
    assert job.status == JobStatus.QUEUED and job.total == 9 and job.owner == o.hr
    page = client.get(response["Location"]).content.decode()
    assert 'data-status="queued"' in page and "hx-get" in page
    # The same export asked again while it waits is the same job.
    with django_capture_on_commit_callbacks(execute=False) as again:
        client.get(forms_xlsx(o))
    assert ExportJob.objects.count() == 1 and not again
    # Nobody else sees it or its file, not even HR of the whole department.
    for other in (o.hr_div2, o.s1.user, o.admin):
        client.force_login(other)
        assert client.get(reverse("appraisal:export_job", args=[job.pk])).status_code == 404
    client.force_login(o.hr)
    assert client.get(reverse("appraisal:export_download", args=[job.pk])).status_code == 404
    callbacks[0]()  # the worker
    job.refresh_from_db()
    assert job.status == JobStatus.DONE and job.done == job.total == 9 and job.file_path
    page = client.get(reverse("appraisal:export_progress", args=[job.pk])).content.decode()
    assert 'id="export-download"' in page and "hx-get" not in page
    assert logged.count() == before  # written, not yet read by anyone
    download = client.get(reverse("appraisal:export_download", args=[job.pk]))
    assert "แบบประเมิน-2570-1.xlsx" in unquote(download["Content-Disposition"])
    rows = workbook(download)
    assert len(rows) == AppraisalForm.objects.filter(round=o.round).count()
    assert logged.count() == before + 1
    # The same rows as the export in the request gives.
    settings.EXPORT_MAX_ROWS = 1000
    assert workbook(client.get(forms_xlsx(o))) == rows
    client.force_login(o.hr_div2)
    assert client.get(reverse("appraisal:export_download", args=[job.pk])).status_code == 404


def test_the_worker_keeps_the_filters_and_the_owners_view(
    client,
    world,
    settings,
    django_capture_on_commit_callbacks,
):
    o = world
    settings.EXPORT_MAX_ROWS = 1
    client.force_login(o.hr_div2)  # HR of กองบริหาร only: three forms
    with django_capture_on_commit_callbacks(execute=True):
        response = client.get(forms_xlsx(o), {"state": "not_started"})
    job = ExportJob.objects.get()
    assert response["Location"] == reverse("appraisal:export_job", args=[job.pk])
    rows = workbook(client.get(reverse("appraisal:export_download", args=[job.pk])))
    in_div2 = AppraisalForm.objects.filter(
        round=o.round, state="not_started", unit__lft__gte=o.div2.lft, unit__rght__lte=o.div2.rght
    )
    assert set(rows) == {f.person.staff_code for f in in_div2} and rows


def test_the_distribution_names_go_the_same_way(
    client,
    world,
    settings,
    django_capture_on_commit_callbacks,
):
    o = world
    settings.EXPORT_MAX_ROWS = 0
    client.force_login(o.hr)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.get(reverse("appraisal:distribution_xlsx", args=[o.round.pk]))
    job = ExportJob.objects.get()
    assert job.kind == "names" and job.status == JobStatus.DONE
    assert response["Location"] == reverse("appraisal:export_job", args=[job.pk])
    rows = workbook(client.get(reverse("appraisal:export_download", args=[job.pk])))
    assert set(rows) == {o.s1.staff_code, o.s3.staff_code}  # very good and outstanding


def test_an_owner_who_lost_the_round_gets_a_failed_export_and_no_file(
    client,
    world,
    settings,
    django_capture_on_commit_callbacks,
):
    from orgchart.models import HrScope

    o = world
    settings.EXPORT_MAX_ROWS = 2  # HR of กองบริหาร reads three forms
    client.force_login(o.hr_div2)
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        client.get(forms_xlsx(o))
    HrScope.objects.filter(user=o.hr_div2).delete()
    callbacks[0]()
    job = ExportJob.objects.get()
    assert job.status == JobStatus.FAILED and "ไม่มีสิทธิ์" in job.error
    assert not job.file_path
    page = client.get(reverse("appraisal:export_job", args=[job.pk])).content.decode()
    assert 'id="export-error"' in page


def test_old_exports_are_deleted_with_their_files(
    client,
    world,
    settings,
    django_capture_on_commit_callbacks,
):
    o = world
    settings.EXPORT_MAX_ROWS = 3
    client.force_login(o.hr)
    with django_capture_on_commit_callbacks(execute=True):
        client.get(forms_xlsx(o))
    old = ExportJob.objects.get()
    assert export_jobs.storage().exists(old.file_path)
    ExportJob.objects.filter(pk=old.pk).update(
        created_at=timezone.now() - dt.timedelta(hours=settings.EXPORT_KEEP_HOURS + 1)
    )
    with django_capture_on_commit_callbacks(execute=True):
        client.get(forms_xlsx(o), {"unit": o.div1.pk})
    assert not ExportJob.objects.filter(pk=old.pk).exists()
    assert not export_jobs.storage().exists(old.file_path)
    assert ExportJob.objects.count() == 1
