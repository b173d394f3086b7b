"""URL × role rows for the report pages (to be merged into tests/test_url_access.py).

The world (tests/appraisal/conftest.py: appraisal_world) has round 2570-1 in evaluation, with
o.f1 (s1, agreed), o.f2 (s2, submitted), o.f3 (s3, scored), o.f4 (s4, not started), o.entry.
Roles: staff=s1, other_staff=s2, outsider=o1, evaluator=grp1_head, higher=div1_head,
hr_other=hr_div2, hr, admin. The jobs rows make a finished job of HR's for กองแผนงาน (div1).
"""

from tests.url_roles import FORBIDDEN, LOGIN, NOT_ALLOWED, NOT_FOUND, OK, REDIRECT, row  # noqa: F401


def done_job(o, *, unit=None, owner=None):
    """A finished report job with its file in MEDIA_ROOT (made once per URL case)."""
    from pathlib import Path

    from django.conf import settings

    from reports.models import JobStatus, ReportJob

    job = ReportJob.objects.create(
        owner=owner or o.hr,
        round=o.round,
        unit=unit or o.div1,
        status=JobStatus.DONE,
        file_path="reports/jobs/test/book.pdf",
        done=1,
        total=1,
        pages=1,
    )
    path = Path(settings.MEDIA_ROOT) / job.file_path
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(b"%PDF-1.7 test book")
    return job


# The forms of a person carry scores: the evaluator chain, HR and administrators; the
# appraisee only once released (f1 is not), nobody else sees that the form exists.
FORM_ROW = row(
    FORBIDDEN,
    other_staff=NOT_FOUND,
    outsider=NOT_FOUND,
    hr_other=NOT_FOUND,
    evaluator=OK,
    higher=OK,
    hr=OK,
    admin=OK,
)
# HR's unit reports: the round needs view_round (403 without), the unit must be in the HR
# scope (404 outside: hr_other covers กองการเจ้าหน้าที่ only).
UNIT_ROW = row(FORBIDDEN, outsider=NOT_FOUND, hr_other=NOT_FOUND, hr=OK, admin=OK)
# A job is visible to its owner, HR whose scope covers its unit, and administrators.
JOB_ROW = row(NOT_FOUND, hr=OK, admin=OK)

ACCESS: dict = {
    "reports:index": ("get", lambda o: {}, row(FORBIDDEN, hr=OK, hr_other=OK, admin=OK)),
    "reports:round": (
        "get",
        lambda o: {"pk": o.round.pk},
        row(FORBIDDEN, outsider=NOT_FOUND, hr=OK, hr_other=OK, admin=OK),
    ),
    "reports:form_summary": ("get", lambda o: {"pk": o.f1.pk}, FORM_ROW),
    # The appraisee prints the agreement before release (levels and totals left blank).
    "reports:form_achievement": ("get", lambda o: {"pk": o.f1.pk}, FORM_ROW | {"staff": OK}),
    "reports:form_competency": ("get", lambda o: {"pk": o.f1.pk}, FORM_ROW),
    "reports:unit_report": ("get", lambda o: {"pk": o.round.pk, "unit_pk": o.div1.pk}, UNIT_ROW),
    "reports:unit_xlsx": ("get", lambda o: {"pk": o.round.pk, "unit_pk": o.div1.pk}, UNIT_ROW),
    "reports:announcement": (
        "get",
        lambda o: {"pk": o.round.pk, "unit_pk": o.div1.pk},
        UNIT_ROW,
    ),
    "reports:job_create": (
        "get",
        lambda o: {"pk": o.round.pk, "unit_pk": o.div1.pk},
        row(NOT_ALLOWED),
    ),
    "reports:unit_kpis": ("get", lambda o: {"pk": o.div1.pk}, row(OK, outsider=NOT_FOUND)),
    "reports:kpi_sheet": ("get", lambda o: {"pk": o.kpi.pk}, row(OK, outsider=NOT_FOUND)),
    "reports:job": ("get", lambda o: {"pk": done_job(o).pk}, JOB_ROW),
    "reports:job_progress": ("get", lambda o: {"pk": done_job(o).pk}, JOB_ROW),
    # Only the one who built a book downloads it (it leaves out their own unreleased form).
    "reports:job_download": (
        "get",
        lambda o: {"pk": done_job(o).pk},
        row(NOT_FOUND, hr=OK, admin=FORBIDDEN),
    ),
    "reports:job_retry": ("get", lambda o: {"pk": done_job(o).pk}, row(NOT_ALLOWED)),
}

EXTRA: list = [
    # The scored form f3 (s3, evaluated by div1_head): s1 and grp1_head are outside its chain.
    (
        "reports:form_summary",
        lambda o: {"pk": o.f3.pk},
        row(NOT_FOUND, higher=OK, hr=OK, admin=OK),
    ),
    # A unit of hr_other's scope: both HR officers may print it.
    (
        "reports:unit_report",
        lambda o: {"pk": o.round.pk, "unit_pk": o.div2.pk},
        row(FORBIDDEN, outsider=NOT_FOUND, hr_other=OK, hr=OK, admin=OK),
    ),
    # Another department's unit is never in scope, even with a valid round.
    (
        "reports:unit_report",
        lambda o: {"pk": o.round.pk, "unit_pk": o.other.pk},
        row(FORBIDDEN, outsider=NOT_FOUND, hr_other=NOT_FOUND, hr=NOT_FOUND, admin=NOT_FOUND),
    ),
    ("reports:unit_kpis", lambda o: {"pk": o.other.pk}, row(NOT_FOUND, outsider=OK, admin=OK)),
    # hr_other's own job of กองการเจ้าหน้าที่: visible to them, to hr (scope covers it), admin.
    (
        "reports:job",
        lambda o: {"pk": done_job(o, unit=o.div2, owner=o.hr_div2).pk},
        row(NOT_FOUND, hr_other=OK, hr=OK, admin=OK),
    ),
]

POSTS: list = [
    (
        "reports:job_create",
        lambda o: {"pk": o.round.pk, "unit_pk": o.div1.pk},
        row(FORBIDDEN, outsider=NOT_FOUND, hr_other=NOT_FOUND, hr=REDIRECT, admin=REDIRECT),
    ),
    # Only a failed job can be retried; a finished one sends back to its page with a message.
    (
        "reports:job_retry",
        lambda o: {"pk": done_job(o).pk},
        row(NOT_FOUND, hr=REDIRECT, admin=REDIRECT),
    ),
]
