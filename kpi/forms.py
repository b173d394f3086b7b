"""KPI forms (crispy, Bootstrap 5). Field checks only; the rules live in kpi.services."""

import re

from crispy_forms.helper import FormHelper
from crispy_forms.layout import HTML, Column, Fieldset, Layout, Row, Submit
from django import forms
from django.utils.translation import gettext_lazy as _

from common.forms import BeDateField
from kpi.models import KPI_TEMPLATE_FIELDS, CascadeMethod, Kpi
from orgchart.person_field import PersonField, bind_people

KPI_FIELDS = KPI_TEMPLATE_FIELDS


_ENGLISH_GLOSS = re.compile(r"\s*\([A-Za-z ]+\)$")


class KpiForm(forms.ModelForm):
    supervisor_code = PersonField(label=_("ผู้กำกับดูแลตัวชี้วัด"))
    collector_code = PersonField(label=_("ผู้จัดเก็บข้อมูล"))
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    class Meta:
        model = Kpi
        fields = KPI_FIELDS
        widgets = {
            f: forms.Textarea(attrs={"rows": 2})
            for f in [
                "description",
                "formula",
                "criteria_1",
                "criteria_2",
                "criteria_3",
                "criteria_4",
                "criteria_5",
                "conditions",
                "data_source",
                "collection_method",
            ]
        }

    def __init__(self, *args, unit, user, **kwargs):
        super().__init__(*args, **kwargs)
        bind_people(self, user=user, unit=unit)
        inst = self.instance
        if inst.pk:
            self.fields["version"].initial = inst.version
            self.fields["supervisor_code"].initial = inst.supervisor
            self.fields["collector_code"].initial = inst.collector
        for f in ("threshold_1", "threshold_2", "threshold_3", "threshold_4", "threshold_5"):
            self.fields[f].widget.attrs["step"] = "any"
        # The choices' English glosses ("(milestone)", "(leading)") stay in the model, which
        # the printed template sheet follows; the page says them in Thai only.
        for f in ("measurement", "stage", "timing"):
            if f in self.fields:
                self.fields[f].choices = [
                    (value, _ENGLISH_GLOSS.sub("", str(label)))
                    for value, label in self.fields[f].choices
                ]
        self.helper = FormHelper()
        self.helper.form_tag = True
        self.helper.layout = Layout(
            Fieldset(
                _("1. ตัวชี้วัด"),
                Row(Column("code", css_class="col-md-2"), Column("name", css_class="col-md-10")),
                Row(
                    Column("unit_of_measure", css_class="col-md-3"),
                    Column("weight", css_class="col-md-3"),
                    Column("source", css_class="col-md-6"),
                ),
                "description",
                "formula",
            ),
            Fieldset(
                _("2. ลักษณะการวัดและเกณฑ์การให้คะแนน"),
                Row(
                    Column("measurement", css_class="col-md-4"),
                    Column("hybrid_steps", css_class="col-md-2"),
                    Column("direction", css_class="col-md-2"),
                    Column("stage", css_class="col-md-2"),
                    Column("timing", css_class="col-md-2"),
                ),
                HTML(
                    '<p class="small text-muted">'
                    + str(_("ระดับ 3 คือค่าเป้าหมาย ผลต่ำกว่าระดับ 1 ได้ 0 คะแนน"))
                    + "</p>"
                ),
                Row(*[Column(f"threshold_{i}", css_class="col") for i in range(1, 6)]),
                Row(*[Column(f"criteria_{i}", css_class="col-md") for i in range(1, 6)]),
                "conditions",
                HTML('{% include "help/_bar_scale.html" %}'),
            ),
            Fieldset(
                _("3. ข้อมูลพื้นฐาน (ผลการดำเนินงานย้อนหลัง 3 ปี)"),
                Row(Column("baseline_1"), Column("baseline_2"), Column("baseline_3")),
                HTML('{% include "help/_target_patterns.html" %}'),
            ),
            Fieldset(
                _("4. การจัดเก็บข้อมูลและผู้รับผิดชอบ"),
                "data_source",
                "collection_method",
                "frequency",
                Row(Column("supervisor_code"), Column("supervisor_phone")),
                Row(Column("collector_code"), Column("collector_phone")),
            ),
            "version",
            Submit("save", _("บันทึกตัวชี้วัด")),
        )

    def _post_clean(self):
        # Model-level validation is the service's job (it raises DomainError with a Thai message);
        # skipping ModelForm's full_clean keeps one place for the rules.
        pass

    def service_fields(self) -> dict:
        data = {f: self.cleaned_data.get(f) for f in KPI_FIELDS}
        for f in (
            "code",
            "unit_of_measure",
            "description",
            "formula",
            "criteria_1",
            "criteria_2",
            "criteria_3",
            "criteria_4",
            "criteria_5",
            "conditions",
            "data_source",
            "collection_method",
            "supervisor_phone",
            "collector_phone",
            "stage",
            "timing",
        ):
            data[f] = data[f] or ""
        data["supervisor"] = self.cleaned_data.get("supervisor_code")
        data["collector"] = self.cleaned_data.get("collector_code")
        return data


class ResultForm(forms.Form):
    period_end = BeDateField(label=_("ข้อมูล ณ วันที่"))
    actual = forms.DecimalField(
        label=_("ผลการดำเนินงาน"), max_digits=14, decimal_places=4, required=False
    )
    steps_done = forms.IntegerField(
        label=_("ขั้นตอนที่สำเร็จ / ระดับที่เลือก (0–5)"), min_value=0, max_value=5, required=False
    )
    success = forms.TypedChoiceField(
        label=_("ผลสำเร็จ"),
        required=False,
        coerce=lambda v: v == "1",
        empty_value=None,
        choices=[("", "-"), ("1", _("สำเร็จ")), ("0", _("ไม่สำเร็จ"))],
    )
    evidence = forms.CharField(
        label=_("หลักฐาน/คำอธิบาย"),
        widget=forms.Textarea(attrs={"rows": 2}),
        required=False,
        max_length=4000,
    )

    def __init__(self, *args, kpi: Kpi, **kwargs):
        super().__init__(*args, **kwargs)
        keep = {
            "quantitative": ["actual"],
            "milestone": ["steps_done"],
            "hybrid": ["steps_done", "actual"],
            "success_failure": ["success", "actual"],
            "qualitative": ["steps_done"],
        }[kpi.measurement]
        for name in ("actual", "steps_done", "success"):
            if name not in keep:
                del self.fields[name]
        self.helper = FormHelper()
        self.helper.add_input(Submit("save", _("บันทึกผล")))


class CascadeForm(forms.Form):
    method = forms.ChoiceField(
        label=_("วิธีถ่ายทอด"), choices=CascadeMethod.choices, widget=forms.RadioSelect
    )


class TargetHelperForm(forms.Form):
    imposed = forms.DecimalField(
        label=_("ค่าเป้าหมายที่องค์กรกำหนด (ถ้ามี)"), required=False, max_digits=14, decimal_places=4
    )
    benchmark = forms.DecimalField(
        label=_("ค่าเฉลี่ยของหน่วยงานเทียบเคียง (ถ้ามี)"), required=False, max_digits=14, decimal_places=4
    )
    step = forms.DecimalField(
        label=_("ช่วงห่างระหว่างระดับ"), required=False, max_digits=14, decimal_places=4, min_value=0
    )
    places = forms.IntegerField(label=_("ทศนิยม"), required=False, min_value=0, max_value=4)


class DelegateForm(forms.Form):
    """A person the unit head lets edit the unit's KPIs."""

    staff_code = PersonField(label=_("ผู้ได้รับมอบหมาย"), required=True)

    def __init__(self, *args, unit, user, **kwargs):
        super().__init__(*args, **kwargs)
        bind_people(self, user=user, unit=unit)
