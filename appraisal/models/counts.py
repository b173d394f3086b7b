"""Per-unit form counts of a round (issue 15): how many forms of the unit's WHOLE SUBTREE are
in each state, final band and staff group, so that a department's totals read a few rows of
its root or scope units instead of counting every form. Kept by appraisal.counts in the same
transaction as each form change; rebuilt from the forms by `manage.py rebuild_form_counts`."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from appraisal.models.rounds import AppraisalRound
from orgchart.models import OrgUnit


class UnitFormCount(models.Model):
    round = models.ForeignKey(AppraisalRound, on_delete=models.CASCADE, related_name="+")
    # The counted subtree's root: every ancestor of a form's unit, the unit included, has a row.
    unit = models.ForeignKey(OrgUnit, on_delete=models.CASCADE, related_name="+")
    state = models.CharField(max_length=16)
    final_band = models.CharField(max_length=16, blank=True)
    staff_group = models.CharField(max_length=32)
    n = models.IntegerField(default=0)

    class Meta:
        verbose_name = _("จำนวนแบบประเมินของหน่วยงาน")
        constraints = [
            models.UniqueConstraint(
                fields=["round", "unit", "state", "final_band", "staff_group"],
                name="unit_form_count_key",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.round_id}/{self.unit_id} {self.state} {self.final_band} {self.staff_group}"
