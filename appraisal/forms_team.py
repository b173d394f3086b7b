"""Forms of the evaluator's pages (my team, agreement, scoring, refusal, review, coaching).

Field checks only: every rule (a reason when the level differs from the suggestion, a comment
when returning, the witness, the revised total's range) is the service's, which raises a
DomainError naming the field; the views put it on that field with views_common.form_error.
"""

from __future__ import annotations

import re

from crispy_forms.helper import FormHelper
from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from appraisal.models import CompetencyMethod
from common.forms import BeDateField, FastCopyForm

IDP_MAX_ROWS = 30
_IDP_KEY = re.compile(r"^idp-(\d+)-(topic|method|period|comp)$")


class TeamForm(FastCopyForm):
    """A form carrying the object's version (so a stale page is refused, never overwrites) and
    marking every field that has an error, whoever added it (the form or a service)."""

    version = forms.IntegerField(widget=forms.HiddenInput, required=False, min_value=0)

    def __init__(self, *args, version: int | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["version"].initial = version
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.disable_csrf = True

    def clean(self):
        data = super().clean()
        if data.get("version") is None and "version" not in self.errors:
            raise forms.ValidationError(_("ข้อมูลในหน้านี้ไม่ครบ กรุณาโหลดหน้าใหม่แล้วลองอีกครั้ง"))
        return data

    def add_error(self, field, error):
        super().add_error(field, error)
        for name in self.errors:
            if name in self.fields:
                widget = self.fields[name].widget
                css = widget.attrs.get("class", "")
                if "is-invalid" not in css:
                    widget.attrs["class"] = f"{css} is-invalid".strip()


class AgreementDecisionForm(TeamForm):
    APPROVE, RETURN = "approve", "return"

    # Set by the button pressed; anything else is a page problem, shown at the top.
    action = forms.CharField(widget=forms.HiddenInput, required=False)
    comment = forms.CharField(
        label=_("ความเห็น / สิ่งที่ต้องแก้ไข"),
        required=False,
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("ไม่บังคับเมื่ออนุมัติ ต้องระบุเมื่อส่งกลับให้แก้ไข"),
    )

    def clean(self):
        if self.cleaned_data.get("action") not in (self.APPROVE, self.RETURN):
            raise forms.ValidationError(_("กรุณาเลือกอนุมัติหรือส่งกลับให้แก้ไข"))
        return super().clean()


def _level_choices(low: int) -> list[tuple[str, str]]:
    return [("", "–")] + [(str(i), str(i)) for i in range(low, 6)]


class ScoreForm(TeamForm):
    """The scoring page: a field per KPI row, per competency and per IDP row, named as the
    services name them in their errors (kpi-<id>-reason, comp-<id>-actual, idp-<i>-topic)."""

    comment = forms.CharField(
        label=_("ความเห็นของผู้ประเมิน"),
        required=False,
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    def __init__(self, *args, appraisal, kpis, comps, idp_rows=(), editable=True, **kwargs):
        super().__init__(*args, version=appraisal.version, **kwargs)
        self.appraisal = appraisal
        self.kpis = list(kpis)
        self.comps = list(comps)
        self.fields["comment"].initial = appraisal.evaluator_comment
        if appraisal.weight_other:
            self.fields["other_percent"] = forms.DecimalField(
                label=_("คะแนนองค์ประกอบอื่น (ร้อยละ 0–100)"),
                required=False,
                min_value=0,
                max_value=100,
                max_digits=5,
                decimal_places=2,
                initial=appraisal.other_percent,
                error_messages={"invalid": _("คะแนนองค์ประกอบอื่นต้องเป็นตัวเลข 0–100")},
            )
        for r in self.kpis:
            self.fields[f"kpi-{r.pk}-actual"] = forms.CharField(
                label=_("ผลการดำเนินงานจริง"), required=False, max_length=500, initial=r.actual
            )
            self.fields[f"kpi-{r.pk}-level"] = forms.TypedChoiceField(
                label=_("ระดับที่ได้"),
                choices=_level_choices(0),
                coerce=int,
                empty_value=None,
                required=False,
                initial="" if r.level is None else str(r.level),
            )
            self.fields[f"kpi-{r.pk}-reason"] = forms.CharField(
                label=_("เหตุผล (เมื่อให้ระดับต่างจากที่ระบบเสนอ)"),
                required=False,
                max_length=4000,
                initial=r.level_reason,
            )
        low = 1 if appraisal.competency_method == CompetencyMethod.RATING else 0
        for c in self.comps:
            self.fields[f"comp-{c.pk}-actual"] = forms.TypedChoiceField(
                label=_("ระดับที่แสดงออก") if low == 0 else _("คะแนน"),
                choices=_level_choices(low),
                coerce=int,
                empty_value=None,
                required=False,
                initial="" if c.actual is None else str(c.actual),
            )
            self.fields[f"comp-{c.pk}-note"] = forms.CharField(
                label=_("พฤติกรรมที่พบ"), required=False, max_length=4000, initial=c.note
            )
        idp_rows = list(idp_rows)
        count = len(idp_rows)
        if self.is_bound:
            count = max(count, self.posted_idp_count(self.data))
        self.idp_count = min(count + 1, IDP_MAX_ROWS)
        for i in range(self.idp_count):
            row = idp_rows[i] if i < len(idp_rows) else None
            self._idp_fields(i, row)
        for name, field in self.fields.items():
            if name == "version":
                continue
            if isinstance(field.widget, forms.Select):
                field.widget.attrs.setdefault("class", "form-select form-select-sm")
            elif not isinstance(field.widget, forms.HiddenInput):
                field.widget.attrs.setdefault("class", "form-control form-control-sm")
            field.disabled = not editable
        for r in self.kpis:
            self.fields[f"kpi-{r.pk}-level"].widget.attrs["data-level-for"] = str(r.pk)
            self.fields[f"kpi-{r.pk}-reason"].widget.attrs["data-reason-for"] = str(r.pk)

    def _idp_fields(self, i: int, row) -> None:
        self.fields[f"idp-{i}-topic"] = forms.CharField(
            label=_("ความรู้/ทักษะ/สมรรถนะที่ต้องพัฒนา"),
            required=False,
            max_length=500,
            initial=getattr(row, "topic", ""),
        )
        self.fields[f"idp-{i}-method"] = forms.CharField(
            label=_("วิธีการพัฒนา"),
            required=False,
            max_length=500,
            initial=getattr(row, "method", ""),
        )
        self.fields[f"idp-{i}-period"] = forms.CharField(
            label=_("ช่วงเวลาที่ต้องการการพัฒนา"),
            required=False,
            max_length=255,
            initial=getattr(row, "period", ""),
        )
        self.fields[f"idp-{i}-comp"] = forms.IntegerField(
            widget=forms.HiddenInput,
            required=False,
            initial=getattr(row, "from_competency_id", None),
        )

    @staticmethod
    def posted_idp_count(data) -> int:
        indexes = [int(m.group(1)) for key in data if (m := _IDP_KEY.match(key))]
        return min(max(indexes) + 1, IDP_MAX_ROWS) if indexes else 0

    def value(self, name: str):
        """The cleaned value of a field, or None when it is missing or invalid (the preview
        computes with whatever is valid so far)."""
        if not hasattr(self, "cleaned_data"):
            self.is_valid()
        return self.cleaned_data.get(name)

    # Rows for the template: each KPI / competency / IDP row with its bound fields.
    def kpi_rows(self):
        return [
            (r, self[f"kpi-{r.pk}-actual"], self[f"kpi-{r.pk}-level"], self[f"kpi-{r.pk}-reason"])
            for r in self.kpis
        ]

    def comp_rows(self):
        return [(c, self[f"comp-{c.pk}-actual"], self[f"comp-{c.pk}-note"]) for c in self.comps]

    def idp_bound_rows(self):
        return [
            (
                i,
                self[f"idp-{i}-topic"],
                self[f"idp-{i}-method"],
                self[f"idp-{i}-period"],
                self[f"idp-{i}-comp"],
            )
            for i in range(self.idp_count)
        ]


class ReopenForm(TeamForm):
    comment = forms.CharField(
        label=_("เหตุผลที่แก้ไขผลการประเมิน"),
        required=False,
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )


class InformForm(TeamForm):
    informed_on = BeDateField(label=_("วันที่แจ้งผลการประเมิน"))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["informed_on"].initial = timezone.localdate()
        self.fields["informed_on"].error_messages["required"] = _("กรุณาระบุวันที่แจ้งผลการประเมิน")


class RefusalForm(TeamForm):
    informed_on = BeDateField(label=_("วันที่แจ้งผลการประเมิน"))
    witness_name = forms.CharField(label=_("ชื่อ-สกุลพยาน"), max_length=320)
    witness_position = forms.CharField(label=_("ตำแหน่งพยาน"), max_length=255)
    witness_on = BeDateField(label=_("วันที่พยานลงนาม"))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        today = timezone.localdate()
        self.fields["informed_on"].initial = today
        self.fields["witness_on"].initial = today
        messages = {
            "informed_on": _("กรุณาระบุวันที่แจ้งผลการประเมิน"),
            "witness_name": _("กรุณาระบุชื่อพยาน"),
            "witness_position": _("กรุณาระบุตำแหน่งพยาน"),
            "witness_on": _("กรุณาระบุวันที่พยานลงนาม"),
        }
        for name, message in messages.items():
            self.fields[name].error_messages["required"] = message


class ReviewForm(TeamForm):
    AGREE, DIFFER = "agree", "differ"

    agrees = forms.TypedChoiceField(
        label=_("ความเห็นต่อผลการประเมิน"),
        choices=[(AGREE, _("เห็นด้วยกับผลการประเมิน")), (DIFFER, _("มีความเห็นแตกต่าง"))],
        widget=forms.RadioSelect(attrs={"data-review-choice": "1"}),
        coerce=lambda v: v == ReviewForm.AGREE,
        empty_value=None,
        required=False,
    )
    opinion = forms.CharField(
        label=_("ความเห็นที่แตกต่าง"),
        required=False,
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    revised_total = forms.DecimalField(
        label=_("คะแนนที่เห็นควร (0–100)"),
        required=False,
        min_value=0,
        max_value=100,
        max_digits=5,
        decimal_places=2,
        help_text=_("เว้นว่างหากไม่ต้องการเปลี่ยนคะแนน"),
        error_messages={"invalid": _("คะแนนที่เห็นควรต้องเป็นตัวเลข 0–100")},
    )


class CoachingForm(forms.Form):
    on = BeDateField(label=_("วันที่"))
    note = forms.CharField(
        label=_("บันทึกการให้คำปรึกษา/สอนงาน"),
        required=False,
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["on"].initial = timezone.localdate()
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.disable_csrf = True
