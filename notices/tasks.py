"""Background work of notices: their e-mails (the django.tasks API; django-tasks until
Django 6), run by `manage.py db_worker` as the unit reports are."""

try:
    from django.tasks import task
except ImportError:  # Django < 6: the same API from the django-tasks package
    from django_tasks import task


@task()
def send_notice_emails(notice_ids: list[int]) -> int:
    from notices import services

    return services.notice_emails_send(notice_ids=notice_ids)
