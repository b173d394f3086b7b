"""Background tasks of the appraisal app (the django.tasks API; django-tasks until Django 6)."""

try:
    from django.tasks import task
except ImportError:  # Django < 6: the same API from the django-tasks package
    from django_tasks import task


@task()
def run_round_job(job_id: int) -> None:
    from appraisal.services import round_jobs

    round_jobs.round_job_run(job_id=job_id)


@task()
def run_export_job(job_id: int) -> None:
    from appraisal import export_jobs

    export_jobs.export_job_run(job_id=job_id)
