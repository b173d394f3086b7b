"""Cross-cutting pieces every app uses: Thai conventions, permissions glue, headers."""

from django.apps import AppConfig


class CommonConfig(AppConfig):
    name = "common"
    verbose_name = "common"

    def ready(self):
        from django.db.backends.signals import connection_created

        from common import checks  # noqa: F401  (registers the system checks)
        from common.prepared import install

        connection_created.connect(install, dispatch_uid="common-prepared-lookups")
