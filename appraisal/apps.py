"""Appraisal: fiscal years, rounds, agreements, scoring, workflow, reports, reward."""

from django.apps import AppConfig


class AppraisalConfig(AppConfig):
    name = "appraisal"
    verbose_name = "การประเมินผล"

    def ready(self):
        from appraisal import receivers  # noqa: F401 (connects the org chart's signals)
