"""Cross-cutting pieces every app uses: Thai conventions, permissions glue, headers."""

from django.apps import AppConfig


class CommonConfig(AppConfig):
    name = "common"
    verbose_name = "common"

    def ready(self):
        from common import checks  # noqa: F401  (registers the system checks)
