"""Forms of HR's round pages. Field checks only; weights, bands and phases are the services'."""

from __future__ import annotations

from crispy_forms.helper import FormHelper
from crispy_forms.layout import Column, Layout, Row, Submit
from django import forms
from django.utils.translation import gettext_lazy as _

from appraisal import defaults
from appraisal.models import (
    SCORING_RULES,
    BarLevelZero,
    CompetencyMethod,
    RatioCap,
    Rounding,
    StaffGroup,
)
from common import forms as common_forms
from orgchart import grades
from orgchart.person_field import PersonField, bind_people

SETTING_FIELDS = ("weight_achievement", "weight_competency", "weight_other")
BAND_FIELDS = ("very_good_from", "good_from", "fair_from")
FIXED_FAIR_FROM = 60  # scoring.validate_bands: the lowest middle band starts at 60


class BeDateField(common_forms.BeDateField):
    """A round's date (วว/ดด/ปปปป พ.ศ.), not required unless said: a deadline may be left blank."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("required", False)
        super().__init__(*args, **kwargs)


class RoundCreateForm(forms.Form):
    department = forms.ModelChoiceField(label=_("ส่วนราชการ"), queryset=None, empty_label=None)
    fiscal_year = forms.IntegerField(label=_("ปีงบประมาณ (พ.ศ.)"), min_value=2500, max_value=2700)
    number = forms.TypedChoiceField(
        label=_("รอบที่"),
        choices=[(1, _("รอบที่ 1 (1 ต.ค. – 31 มี.ค.)")), (2, _("รอบที่ 2 (1 เม.ย. – 30 ก.ย.)"))],
        coerce=int,
    )

    def __init__(self, *args, departments, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["department"].queryset = departments
        self.helper = FormHelper()
        self.helper.layout = Layout(
            Row(
                Column("department", css_class="col-md-6"),
                Column("fiscal_year", css_class="col-md-3"),
                Column("number", css_class="col-md-3"),
            )
        )
        self.helper.add_input(Submit("create", _("สร้างรอบการประเมิน")))


TALENT_CUTS = ("talent_cut_low", "talent_cut_high")


class RoundSettingsForm(forms.Form):
    """The round's own fields, one row of weights and bands per staff group, and the expected
    levels per position grade. Field names are the ones the service's errors name."""

    competency_method = forms.ChoiceField(
        label=_("วิธีประเมินสมรรถนะ"), choices=CompetencyMethod.choices
    )
    # Not required: a page sent without them keeps the round's rules.
    rounding = forms.ChoiceField(
        label=_("การปัดเศษคะแนน"),
        choices=Rounding.choices,
        required=False,
        help_text=_(
            "ตามระบบ DPIS: ปัดคะแนนแต่ละองค์ประกอบเป็นทศนิยม 3 ตำแหน่งแล้วเป็น 2 ตำแหน่งก่อนรวม "
            "คะแนนรวมและระดับผลการประเมินจึงตรงกับที่ DPIS คำนวณ"
        ),
    )
    ratio_cap = forms.ChoiceField(
        label=_("เพดานคะแนน (วิธีสัดส่วน)"), choices=RatioCap.choices, required=False
    )
    bar_level_zero = forms.ChoiceField(
        label=_("สมรรถนะที่แสดงออกระดับ 0 (วิธีเทียบระดับที่คาดหวัง)"),
        choices=BarLevelZero.choices,
        required=False,
    )
    second_review = forms.BooleanField(
        label=_("ให้ผู้บังคับบัญชาเหนือขึ้นไปอีกชั้นหนึ่งให้ความเห็นด้วย"), required=False
    )
    agreement_deadline = BeDateField(label=_("กำหนดส่งข้อตกลง"))
    evaluation_deadline = BeDateField(label=_("กำหนดประเมินผลเสร็จ"))
    # The talent grid's cut points (rewards); not required: a page sent without them keeps them.
    talent_cut_low = forms.DecimalField(
        label=_("จุดตัดตารางศักยภาพ ต่ำ/กลาง (ร้อยละ)"),
        max_digits=5,
        decimal_places=2,
        required=False,
    )
    talent_cut_high = forms.DecimalField(
        label=_("จุดตัดตารางศักยภาพ กลาง/สูง (ร้อยละ)"),
        max_digits=5,
        decimal_places=2,
        required=False,
        help_text=_("ร้อยละของคะแนนเต็มขององค์ประกอบ ต่ำกว่าจุดแรกคือต่ำ ตั้งแต่จุดที่สองขึ้นไปคือสูง"),
    )
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args, rnd, setting_rows, expected_rows, readonly: bool, **kwargs):
        super().__init__(*args, **kwargs)
        self.rnd = rnd
        for name in ("competency_method", "second_review", "agreement_deadline", *SCORING_RULES):
            self.fields[name].initial = getattr(rnd, name)
        self.fields["evaluation_deadline"].initial = rnd.evaluation_deadline
        for name in TALENT_CUTS:
            self.fields[name].initial = getattr(rnd, name)
        self.fields["version"].initial = rnd.version
        if rnd.phase != "setup":
            for name in ("competency_method", *SCORING_RULES):
                self.fields[name].disabled = True
                self.fields[name].help_text = _("เปลี่ยนได้ก่อนเปิดรอบเท่านั้น แบบประเมินที่สร้างแล้วใช้วิธีเดิม")
        by_group = {s.group: s for s in setting_rows}
        self.groups = [g for g in StaffGroup.values if g in by_group]
        for group in self.groups:
            row = by_group[group]
            for name in SETTING_FIELDS + BAND_FIELDS:
                field = forms.DecimalField(
                    max_digits=5,
                    decimal_places=2,
                    min_value=0,
                    max_value=100,
                    initial=getattr(row, name),
                    label=row._meta.get_field(name).verbose_name,
                )
                # The table's headers name the cell for the eye; a screen reader needs the
                # group and the column in the input's own name.
                field.widget.attrs.update(
                    {
                        "step": "0.01",
                        "class": "form-control form-control-sm text-end",
                        "aria-label": f"{StaffGroup(group).label}: {field.label}",
                    }
                )
                self.fields[f"{group}-{name}"] = field
            fair = self.fields[f"{group}-fair_from"]
            fair.initial = FIXED_FAIR_FROM
            fair.widget.attrs["readonly"] = True
        known = {e.grade: e for e in expected_rows}
        order = list(defaults.EXPECTED_LEVELS) + sorted(set(known) - set(defaults.EXPECTED_LEVELS))
        self.grades = [grade for grade in order if grade in known]
        for grade in self.grades:
            row = known[grade]
            core = forms.IntegerField(min_value=1, max_value=5, initial=row.core)
            managerial = forms.IntegerField(
                min_value=1, max_value=5, initial=row.managerial, required=False
            )
            for f, kind in ((core, _("สมรรถนะหลัก")), (managerial, _("สมรรถนะทางการบริหาร"))):
                f.widget.attrs.update(
                    {
                        "class": "form-control form-control-sm text-end",
                        "style": "max-width: 6rem",
                        "aria-label": f"{grade} {kind}",
                    }
                )
            self.fields[f"expected-{grade}-core"] = core
            self.fields[f"expected-{grade}-managerial"] = managerial
        if readonly:
            for f in self.fields.values():
                f.disabled = True

    def clean(self):
        data = super().clean()
        # The cuts must rise within 0–100 (the table's check round_talent_cuts_rise): said here
        # in Thai, before the database refuses it.
        low, high = (
            data.get(n) if data.get(n) is not None else getattr(self.rnd, n) for n in TALENT_CUTS
        )
        if any(n in self.errors for n in TALENT_CUTS):
            return data
        if not (0 <= low < high <= 100):
            self.add_error(
                "talent_cut_high",
                str(_("จุดตัดตารางศักยภาพต้องอยู่ระหว่าง 0–100 และจุดตัดกลาง/สูงต้องมากกว่าจุดตัดต่ำ/กลาง"))
                + f" ({low} / {high})",
            )
        return data

    # -- what the template walks ------------------------------------------------------------
    def group_rows(self):
        return [
            {
                "group": g,
                "label": StaffGroup(g).label,
                "weights": [self[f"{g}-{n}"] for n in SETTING_FIELDS],
                "bands": [self[f"{g}-{n}"] for n in BAND_FIELDS],
            }
            for g in self.groups
        ]

    def grade_rows(self):
        return [
            {
                "grade": grade,
                "label": (
                    grades.grade_label(grade) if grade in grades.GRADES else _("ไม่มีระดับตำแหน่ง")
                ),
                "core": self[f"expected-{grade}-core"],
                "managerial": self[f"expected-{grade}-managerial"],
            }
            for grade in self.grades
        ]

    def service_kwargs(self) -> dict:
        data = self.cleaned_data
        fields = {
            "second_review": data["second_review"],
            "agreement_deadline": data["agreement_deadline"],
            "evaluation_deadline": data["evaluation_deadline"],
        }
        if not self.fields["competency_method"].disabled:
            fields["competency_method"] = data["competency_method"]
        for name in SCORING_RULES:
            if not self.fields[name].disabled and data.get(name):
                fields[name] = data[name]
        for name in TALENT_CUTS:
            if data.get(name) is not None:
                fields[name] = data[name]
        return {
            "expected_version": data.get("version") or self.rnd.version,
            "fields": fields,
            "settings_rows": {
                g: {n: data[f"{g}-{n}"] for n in SETTING_FIELDS + BAND_FIELDS} for g in self.groups
            },
            "expected_levels": {
                grade: (data[f"expected-{grade}-core"], data[f"expected-{grade}-managerial"])
                for grade in self.grades
            },
        }


class CompetencyAddForm(forms.Form):
    name = forms.CharField(label=_("ชื่อสมรรถนะประจำสายงาน"), max_length=255)
    line_of_work = forms.CharField(
        label=_("สายงาน"),
        max_length=255,
        required=False,
        help_text=_("เว้นว่างหากใช้กับทุกสายงาน"),
    )
    expected_level = forms.IntegerField(
        label=_("ระดับที่คาดหวัง"),
        min_value=1,
        max_value=5,
        required=False,
        help_text=_("เว้นว่างเพื่อใช้ระดับเดียวกับสมรรถนะหลักของแต่ละระดับตำแหน่ง"),
    )

    def __init__(self, *args, lines=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.lines = list(lines)
        self.fields["line_of_work"].widget.attrs["list"] = "lines-of-work"


class CommitteeAddForm(forms.Form):
    staff_code = PersonField(label=_("กรรมการกลั่นกรอง"), required=True)

    def __init__(self, *args, user, rnd, **kwargs):
        super().__init__(*args, **kwargs)
        bind_people(self, user=user, unit=rnd.department)


class FormEvaluatorForm(forms.Form):
    """This round's evaluator and higher supervisor of one form, by name or staff code."""

    evaluator_code = PersonField(label=_("ผู้ประเมิน"), required=True)
    higher_code = PersonField(
        label=_("ผู้บังคับบัญชาเหนือขึ้นไป"),
        help_text=_("เว้นว่างหากไม่มีผู้บังคับบัญชาเหนือขึ้นไปให้ความเห็น"),
    )
    reason = forms.CharField(
        label=_("เหตุผลที่เปลี่ยน"), widget=forms.Textarea(attrs={"rows": 2}), max_length=4000
    )
    next = forms.CharField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args, form, user, **kwargs):
        self.appraisal_form = form
        kwargs.setdefault(
            "initial",
            {"evaluator_code": form.evaluator, "higher_code": form.higher},
        )
        super().__init__(*args, **kwargs)
        bind_people(self, user=user, unit=form.unit)
        self.helper = FormHelper()
        self.helper.layout = Layout(
            Row(
                Column("evaluator_code", css_class="col-md-6"),
                Column("higher_code", css_class="col-md-6"),
            ),
            "reason",
            "next",
        )
        self.helper.add_input(Submit("save", _("บันทึก")))
