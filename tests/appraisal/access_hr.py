"""URL × role rows for the appraisal hr pages (merged into tests/test_url_access.py).

The world (tests/appraisal/conftest.py: appraisal_world) has round 2570-1 in evaluation, with
o.f1 (s1, agreed), o.f2 (s2, submitted), o.f3 (s3, scored), o.f4 (s4, not started), o.entry.
Roles: staff=s1, other_staff=s2, outsider=o1, evaluator=grp1_head, higher=div1_head,
hr_other=hr_div2, hr, admin.
"""

from tests.url_roles import FORBIDDEN, LOGIN, NOT_ALLOWED, NOT_FOUND, OK, REDIRECT, row  # noqa: F401


def _round(o):
    return {"pk": o.round.pk}


def _round_with_job(o):
    """The round with a step queued for the background worker (its progress panel)."""
    from appraisal.models import RoundJob

    if not RoundJob.objects.filter(round=o.round).exists():
        RoundJob.objects.create(
            round=o.round, actor=o.hr, action="release", phase_before=o.round.phase, total=3
        )
    return {"pk": o.round.pk}


def _export_of_hr(o):
    """An Excel export queued by the department's HR officer: theirs alone."""
    from appraisal.models import ExportJob

    job = ExportJob.objects.filter(owner=o.hr).first() or ExportJob.objects.create(
        owner=o.hr, round=o.round, kind="forms", total=9
    )
    return {"pk": job.pk}


# HR anywhere in the department reads the round; other people of the department are refused
# (403) and people of another department cannot tell that it exists (404).
ROUND_READERS = row(FORBIDDEN, outsider=NOT_FOUND, hr_other=OK, hr=OK, admin=OK)

ACCESS: dict = {
    "appraisal:rounds": ("get", lambda o: {}, row(OK)),
    "appraisal:round_settings": ("get", _round, ROUND_READERS),
    "appraisal:round_console": ("get", _round, ROUND_READERS),
    "appraisal:round_forms": ("get", _round, ROUND_READERS),
    "appraisal:distribution": ("get", _round, ROUND_READERS),
    # The .xlsx exports of the forms list (and the console) and of the distribution's names:
    # whoever reads the page, under the same scope.
    "appraisal:round_forms_xlsx": ("get", _round, ROUND_READERS),
    "appraisal:distribution_xlsx": ("get", _round, ROUND_READERS),
    # The audit trail: HR of the department, each reading the forms of their own scope.
    "appraisal:round_audit": ("get", _round, ROUND_READERS),
    # An export written in the background: its owner's only (anyone else: not found); its
    # file only once written (tests/appraisal/test_export_jobs.py downloads it).
    "appraisal:export_job": ("get", _export_of_hr, row(NOT_FOUND, hr=OK)),
    "appraisal:export_progress": ("get", _export_of_hr, row(NOT_FOUND, hr=OK)),
    "appraisal:export_download": ("get", _export_of_hr, row(NOT_FOUND)),
    # The progress panel of a step run in the background: whoever reads the console (404
    # while the round has no such step: the EXTRA row below).
    "appraisal:round_job_progress": ("get", _round_with_job, ROUND_READERS),
    # Phase changes: only HR of the whole department (an empty POST is refused with a message).
    "appraisal:round_phase": (
        "post",
        _round,
        row(FORBIDDEN, outsider=NOT_FOUND, hr=REDIRECT, admin=REDIRECT),
    ),
    # Reminders and release: any HR of the department, each within their own scope.
    "appraisal:round_remind": (
        "post",
        _round,
        row(FORBIDDEN, outsider=NOT_FOUND, hr_other=REDIRECT, hr=REDIRECT, admin=REDIRECT),
    ),
    "appraisal:round_release": (
        "post",
        _round,
        row(FORBIDDEN, outsider=NOT_FOUND, hr_other=REDIRECT, hr=REDIRECT, admin=REDIRECT),
    ),
    # s1's form: those who see it but are not its HR get 403; HR of div2 does not see it.
    "appraisal:form_evaluator": (
        "get",
        lambda o: {"pk": o.f1.pk},
        row(
            FORBIDDEN,
            other_staff=NOT_FOUND,
            outsider=NOT_FOUND,
            hr_other=NOT_FOUND,
            hr=OK,
            admin=OK,
        ),
    ),
}

EXTRA: list = [
    # s4's form is in div2: its HR may change the chain; nobody else of the table sees it.
    (
        "appraisal:form_evaluator",
        lambda o: {"pk": o.f4.pk},
        row(NOT_FOUND, hr_other=OK, hr=OK, admin=OK),
    ),
    ("appraisal:round_console", lambda o: {"pk": 999999}, row(NOT_FOUND)),
    (
        "appraisal:round_job_progress",
        _round,
        row(FORBIDDEN, outsider=NOT_FOUND, hr_other=NOT_FOUND, hr=NOT_FOUND, admin=NOT_FOUND),
    ),
    ("appraisal:form_evaluator", lambda o: {"pk": 999999}, row(NOT_FOUND)),
]

POSTS: list = [
    # Creating a round needs a department to manage: an empty form comes back with errors.
    ("appraisal:rounds", lambda o: {}, row(FORBIDDEN, hr=OK, admin=OK)),
    # The settings are read by any HR of the department but changed only by HR of all of it.
    (
        "appraisal:round_settings",
        _round,
        row(FORBIDDEN, outsider=NOT_FOUND, hr=OK, admin=OK),
    ),
    (
        "appraisal:form_evaluator",
        lambda o: {"pk": o.f1.pk},
        row(
            FORBIDDEN,
            other_staff=NOT_FOUND,
            outsider=NOT_FOUND,
            hr_other=NOT_FOUND,
            hr=OK,
            admin=OK,
        ),
    ),
    (
        "appraisal:form_evaluator",
        lambda o: {"pk": o.f4.pk},
        row(NOT_FOUND, hr_other=OK, hr=OK, admin=OK),
    ),
]
