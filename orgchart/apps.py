"""Org chart: units (one MPTT tree per department), positions, people, evaluators, import."""

from django.apps import AppConfig


class OrgchartConfig(AppConfig):
    name = "orgchart"
    verbose_name = "โครงสร้างองค์กร"
