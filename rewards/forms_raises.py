"""Forms of the salary raise pages: field checks only; the rules are rewards.services'."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from appraisal.forms_hr import BeDateField
from appraisal.models import BAND_LABELS
from orgchart.models import Grade, OrgUnit
from rewards.models import RaiseGroup

MONEY = {"max_digits": 12, "decimal_places": 2, "min_value": 0}


class BaseRowForm(forms.Form):
    grade = forms.ChoiceField(label=_("ระดับ"), choices=Grade.choices)
    effective_from = BeDateField(label=_("มีผลตั้งแต่ (วว/ดด/ปปปป พ.ศ.)"))
    mid = forms.DecimalField(label=_("ค่ากลาง"), **MONEY)
    lower_base = forms.DecimalField(label=_("ฐานล่าง"), **MONEY)
    upper_base = forms.DecimalField(label=_("ฐานบน"), **MONEY)
    ceiling = forms.DecimalField(label=_("เงินเดือนขั้นสูง"), **MONEY)


class RangeRowForm(forms.Form):
    staff_group = forms.ChoiceField(label=_("กลุ่มบุคลากร"), choices=RaiseGroup.choices)
    band = forms.ChoiceField(label=_("ระดับผลการประเมิน"), choices=list(BAND_LABELS.items()))
    effective_from = BeDateField(label=_("มีผลตั้งแต่ (วว/ดด/ปปปป พ.ศ.)"))
    low = forms.DecimalField(label=_("ร้อยละต่ำสุด"), max_digits=4, decimal_places=2, min_value=0)
    high = forms.DecimalField(label=_("ร้อยละสูงสุด"), max_digits=4, decimal_places=2, min_value=0)


class RateRowForm(forms.Form):
    staff_group = forms.ChoiceField(label=_("กลุ่มบุคลากร"), choices=RaiseGroup.choices)
    effective_from = BeDateField(label=_("มีผลตั้งแต่ (วว/ดด/ปปปป พ.ศ.)"))
    percent = forms.DecimalField(
        label=_("ร้อยละของวงเงิน"), max_digits=5, decimal_places=2, min_value=0, max_value=100
    )


class BudgetUnitForm(forms.Form):
    name = forms.CharField(label=_("ชื่อหน่วยวงเงิน"), max_length=255)
    units = forms.ModelMultipleChoiceField(
        label=_("หน่วยงาน"), queryset=OrgUnit.objects.none(), widget=forms.CheckboxSelectMultiple
    )

    def __init__(self, *args, department: OrgUnit, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["units"].queryset = department.get_descendants().filter(is_active=True)
        self.fields["units"].label_from_instance = lambda u: "— " * (u.depth - 1) + u.name


class AdjustForm(forms.Form):
    line = forms.IntegerField(widget=forms.HiddenInput)
    percent = forms.DecimalField(
        label=_("ร้อยละ"), required=False, max_digits=7, decimal_places=4, min_value=0
    )
    amount = forms.DecimalField(
        label=_("จำนวนเงิน (บาท)"), required=False, max_digits=12, decimal_places=2, min_value=0
    )


class EligibilityForm(forms.Form):
    line = forms.IntegerField(widget=forms.HiddenInput)
    reason = forms.CharField(label=_("เหตุผลที่ไม่มีสิทธิ"), max_length=255, required=False)
