"""Background tasks of the reports (the django.tasks API; django-tasks until Django 6)."""

try:
    from django.tasks import task
except ImportError:  # Django < 6: the same API from the django-tasks package
    from django_tasks import task


@task()
def build_unit_report(job_id: int) -> None:
    from reports import services

    services.job_run(job_id=job_id)
