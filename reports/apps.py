"""Reports: the official forms as PDF, the round reports for HR and their background jobs."""

import logging

from django.apps import AppConfig

# WeasyPrint logs every step of every rendering at INFO; the site's root logger is at INFO.
logging.getLogger("weasyprint.progress").setLevel(logging.WARNING)


class ReportsConfig(AppConfig):
    name = "reports"
    verbose_name = "รายงาน"
