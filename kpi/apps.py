"""KPIs: templates, cascade, OS matrix, targets and results."""

from django.apps import AppConfig


class KpiConfig(AppConfig):
    name = "kpi"
    verbose_name = "ตัวชี้วัด"
