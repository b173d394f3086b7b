"""Forms of the appraisee's pages (agreement, check-in, journal, self-assessment).

Field checks only, every message in Thai; the rules (weights, states, evidence types) stay in
appraisal.services, whose DomainError the views put back on the field it names.
"""

from __future__ import annotations

from decimal import Decimal

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from appraisal.models import CRITERIA_FIELDS, FormCompetency, FormKpi, ItemKind, JournalKind
from appraisal.services.agreements import ItemInput
from appraisal.services.monitoring import ProgressInput
from common.forms import BeDateField, FastCopyForm

LEVELS = [("", "–")] + [(str(i), str(i)) for i in range(6)]

# Django's own Thai catalogue is incomplete (and English for some validators): every field
# of these pages says what is wrong in Thai.
MESSAGES = {
    "required": _("กรุณากรอกข้อมูลช่องนี้"),
    "max_length": _("ข้อความยาวเกิน %(limit_value)s ตัวอักษร"),
    "invalid_choice": _("กรุณาเลือกจากรายการ"),
    "min_value": _("ต้องไม่น้อยกว่า %(limit_value)s"),
    "max_value": _("ต้องไม่เกิน %(limit_value)s"),
    "max_digits": _("ตัวเลขยาวเกินไป"),
    "max_decimal_places": _("ทศนิยมไม่เกิน %(max)s ตำแหน่ง"),
    "max_whole_digits": _("ตัวเลขยาวเกินไป"),
}
INVALID = {
    forms.DecimalField: _("กรุณากรอกตัวเลข"),
    forms.IntegerField: _("กรุณากรอกจำนวนเต็ม"),
    forms.DateField: _("กรุณากรอกวันที่ให้ถูกต้อง"),
    forms.FileField: _("ไฟล์ที่ส่งมาไม่ถูกต้อง"),
}
FILE_MESSAGES = {
    "missing": _("ไม่พบไฟล์ที่ส่งมา"),
    "empty": _("ไฟล์หลักฐานว่างเปล่า"),
    "max_length": _("ชื่อไฟล์ยาวเกิน %(max)d ตัวอักษร"),
    "contradiction": _("กรุณาเลือกไฟล์หรือล้างค่า อย่างใดอย่างหนึ่ง"),
}


def thai_messages(form: forms.BaseForm) -> None:
    for field in form.fields.values():
        field.error_messages.update(MESSAGES)
        for kind, text in INVALID.items():  # DecimalField is an IntegerField: first wins
            if isinstance(field, kind):
                field.error_messages["invalid"] = text
                break
        if isinstance(field, forms.FileField):
            field.error_messages.update(FILE_MESSAGES)


def table_widgets(form: forms.BaseForm, rows: dict[str, str]) -> None:
    """Bootstrap classes and an accessible name ("label: row") for fields drawn inside a
    table without a label of their own; `rows` maps field name to the row's name."""
    for name, row in rows.items():
        field = form.fields[name]
        css = "form-select" if isinstance(field.widget, forms.Select) else "form-control"
        field.widget.attrs.update(
            {"class": f"{css} {css}-sm", "aria-label": f"{field.label}: {row}"}
        )


class ThaiForm(FastCopyForm):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        thai_messages(self)


def _date_field(label):
    return BeDateField(label=label, initial=timezone.localdate)


class VersionForm(ThaiForm):
    """The form's version as the page was read, for conflict detection."""

    version = forms.IntegerField(widget=forms.HiddenInput, min_value=0)


# --- agreement -------------------------------------------------------------------------------


class AgreementRowForm(ThaiForm):
    id = forms.IntegerField(widget=forms.HiddenInput, required=False)
    kind = forms.ChoiceField(label=_("ประเภท"), choices=ItemKind.choices, initial=ItemKind.PLAN)
    name = forms.CharField(
        # One KPI's name (the same Thai word names the KPIs of the menu, plural in English).
        label=pgettext_lazy("one KPI's name", "ตัวชี้วัด"),
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    weight = forms.DecimalField(
        label=_("น้ำหนัก (ร้อยละ)"),
        max_digits=5,
        decimal_places=2,
        min_value=Decimal("0.01"),
        max_value=Decimal(100),
        widget=forms.NumberInput(attrs={"step": "0.01", "data-weight": "1"}),
    )
    target = forms.CharField(label=_("ค่าเป้าหมาย"), max_length=255, required=False)
    criteria_1 = forms.CharField(label=_("ระดับ 1"), max_length=500, required=False)
    criteria_2 = forms.CharField(label=_("ระดับ 2"), max_length=500, required=False)
    criteria_3 = forms.CharField(label=_("ระดับ 3"), max_length=500, required=False)
    criteria_4 = forms.CharField(label=_("ระดับ 4"), max_length=500, required=False)
    criteria_5 = forms.CharField(label=_("ระดับ 5"), max_length=500, required=False)
    kpi = forms.TypedChoiceField(
        label=_("ตัวชี้วัดของหน่วยงานที่สนับสนุน"),
        required=False,
        coerce=int,
        empty_value=None,
    )

    def __init__(self, *args, kpi_choices=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["kpi"].choices = [("", _("– ไม่เชื่อมโยง –")), *kpi_choices]
        self.fields["name"].error_messages["required"] = _("กรุณากรอกชื่อตัวชี้วัด")
        self.fields["weight"].error_messages["required"] = _("กรุณากรอกน้ำหนัก")
        for f in CRITERIA_FIELDS:
            self.fields[f].widget = forms.Textarea(attrs={"rows": 2})

    @property
    def criteria_fields(self):
        return [self[f] for f in CRITERIA_FIELDS]

    def item(self):
        cd = self.cleaned_data
        return ItemInput(
            id=cd.get("id"),
            name=cd["name"],
            weight=cd["weight"],
            kind=cd["kind"],
            target=cd.get("target") or "",
            criteria=[cd.get(f) or "" for f in CRITERIA_FIELDS],
            kpi_id=cd.get("kpi"),
        )


# A new agreement starts with one blank row per KPI of the unit (the rows the appraisee
# writes to support them) or three; a saved one with one blank row, more are added in the page.
BLANK_ROWS_DEFAULT = 3
AGREEMENT_MAX_ROWS = 30


def agreement_blank_rows(*, saved: int, unit_kpis: int) -> int:
    """How many blank rows the agreement page starts with."""
    if saved:
        return 1
    return min(unit_kpis or BLANK_ROWS_DEFAULT, AGREEMENT_MAX_ROWS)


class BaseAgreementFormSet(forms.BaseFormSet):
    default_error_messages = {
        "missing_management_form": _("ข้อมูลที่ส่งมาไม่ครบ กรุณาโหลดหน้าใหม่แล้วลองอีกครั้ง"),
        "too_many_forms": _("ตัวชี้วัดมากเกินไป (ไม่เกิน %(num)d ตัว)"),
        "too_few_forms": _("ต้องมีตัวชี้วัดอย่างน้อย %(num)d ตัว"),
    }

    def __init__(self, *args, extra: int | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        if extra is not None:
            # Only an unbound formset uses it; a posted one counts TOTAL_FORMS.
            self.extra = extra

    def add_fields(self, form, index):
        super().add_fields(form, index)
        if "DELETE" in form.fields:
            form.fields["DELETE"].label = _("ลบ")

    def clean(self):
        seen = set()
        for form in self.forms:
            if not hasattr(form, "cleaned_data") or self._should_delete_form(form):
                continue
            pk = form.cleaned_data.get("id")
            if pk and pk in seen:
                raise forms.ValidationError(_("มีตัวชี้วัดซ้ำกันในข้อมูลที่ส่งมา กรุณาโหลดหน้าใหม่"))
            seen.add(pk)

    def kept_forms(self):
        """The rows to store, in page order: not deleted, not a blank extra row."""
        return [
            f
            for f in self.forms
            if f.has_changed() and not self._should_delete_form(f) and f.cleaned_data
        ]


AgreementFormSet = forms.formset_factory(
    AgreementRowForm,
    formset=BaseAgreementFormSet,
    extra=2,
    can_delete=True,
    max_num=AGREEMENT_MAX_ROWS,
    validate_max=True,
    absolute_max=60,
)


def agreement_initial(rows: list[FormKpi]) -> list[dict]:
    return [
        {
            "id": r.pk,
            "kind": r.kind,
            "name": r.name,
            "weight": r.weight,
            "target": r.target,
            "kpi": r.kpi_id,
            **{f: getattr(r, f) for f in CRITERIA_FIELDS},
        }
        for r in rows
    ]


# --- monitoring ------------------------------------------------------------------------------


class CheckInForm(ThaiForm):
    """Date and summary, and per KPI row: result so far, milestone level reached, comment."""

    on = _date_field(_("วันที่"))
    comment = forms.CharField(
        label=_("สรุปความก้าวหน้า"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )

    def __init__(self, *args, items: list[FormKpi], **kwargs):
        super().__init__(*args, **kwargs)
        self.items = items
        for it in items:
            self.fields[f"result-{it.pk}"] = forms.CharField(
                label=_("ผลการดำเนินงาน ณ วันที่"), max_length=500, required=False
            )
            self.fields[f"milestone-{it.pk}"] = forms.TypedChoiceField(
                label=_("บรรลุระดับ"), choices=LEVELS, coerce=int, empty_value=None, required=False
            )
            self.fields[f"note-{it.pk}"] = forms.CharField(
                label=_("หมายเหตุ"), max_length=500, required=False
            )
        thai_messages(self)
        table_widgets(
            self,
            {f"{f}-{it.pk}": it.name for it in items for f in ("result", "milestone", "note")},
        )

    def rows(self):
        return [
            (it, self[f"result-{it.pk}"], self[f"milestone-{it.pk}"], self[f"note-{it.pk}"])
            for it in self.items
        ]

    def progress(self):
        cd = self.cleaned_data
        return [
            ProgressInput(
                item_id=it.pk,
                result=cd.get(f"result-{it.pk}") or "",
                milestone=cd.get(f"milestone-{it.pk}"),
                comment=cd.get(f"note-{it.pk}") or "",
            )
            for it in self.items
        ]


class JournalForm(ThaiForm):
    kind = forms.ChoiceField(
        label=_("ประเภทเหตุการณ์"), choices=JournalKind.choices, widget=forms.RadioSelect
    )
    on = _date_field(_("วันที่เกิดเหตุการณ์"))
    description = forms.CharField(
        label=_("รายละเอียด"), max_length=10000, widget=forms.Textarea(attrs={"rows": 4})
    )
    evidence = forms.FileField(
        label=_("หลักฐาน (ถ้ามี)"),
        required=False,
        max_length=255,
        help_text=_("PDF, PNG, JPG, DOCX หรือ XLSX ขนาดไม่เกิน 10 MB"),
        widget=forms.FileInput(attrs={"accept": ".pdf,.png,.jpg,.jpeg,.docx,.xlsx"}),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["description"].error_messages["required"] = _("กรุณาบรรยายเหตุการณ์")
        self.fields["kind"].error_messages["required"] = _("กรุณาเลือกประเภทเหตุการณ์")


# --- evaluation ------------------------------------------------------------------------------


class SelfAssessForm(VersionForm):
    """Self level and note per KPI, self level per competency, overall comment. Field names
    are those self_assessment_save names in its errors."""

    comment = forms.CharField(
        label=_("ความเห็นการประเมินตนเอง"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )

    def __init__(self, *args, items: list[FormKpi], competencies: list[FormCompetency], **kwargs):
        super().__init__(*args, **kwargs)
        self.items, self.competencies = items, competencies
        for it in items:
            self.fields[f"kpi-{it.pk}-self_level"] = forms.TypedChoiceField(
                label=_("ระดับที่ประเมินตนเอง"),
                choices=LEVELS,
                coerce=int,
                empty_value=None,
                required=False,
                initial=it.self_level,
            )
            self.fields[f"kpi-{it.pk}-self_note"] = forms.CharField(
                label=_("ผลงานที่ประเมินตนเอง"),
                required=False,
                max_length=4000,
                initial=it.self_note,
                widget=forms.Textarea(attrs={"rows": 2}),
            )
        for c in competencies:
            self.fields[f"comp-{c.pk}-self_actual"] = forms.TypedChoiceField(
                label=_("ระดับที่ประเมินตนเอง"),
                choices=LEVELS,
                coerce=int,
                empty_value=None,
                required=False,
                initial=c.self_actual,
            )
        thai_messages(self)
        table_widgets(
            self,
            {
                **{
                    f"kpi-{it.pk}-{f}": it.name for it in items for f in ("self_level", "self_note")
                },
                **{f"comp-{c.pk}-self_actual": c.name for c in competencies},
            },
        )

    def kpi_rows(self):
        return [
            (it, self[f"kpi-{it.pk}-self_level"], self[f"kpi-{it.pk}-self_note"])
            for it in self.items
        ]

    def competency_rows(self):
        return [(c, self[f"comp-{c.pk}-self_actual"]) for c in self.competencies]

    def kpis(self) -> dict[int, tuple[int | None, str]]:
        cd = self.cleaned_data
        return {
            it.pk: (cd.get(f"kpi-{it.pk}-self_level"), cd.get(f"kpi-{it.pk}-self_note") or "")
            for it in self.items
        }

    def competency_levels(self) -> dict[int, int | None]:
        return {c.pk: self.cleaned_data.get(f"comp-{c.pk}-self_actual") for c in self.competencies}
