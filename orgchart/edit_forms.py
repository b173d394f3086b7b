"""Forms for HR edits of a unit and of a person's evaluator; rules stay in the services."""

from crispy_forms.helper import FormHelper
from crispy_forms.layout import Submit
from django import forms
from django.utils.translation import gettext_lazy as _

from common.errors import DomainError
from orgchart.models import OrgUnit, Person
from orgchart.selectors import person_by_staff_code


def staff_code_field(code: str, *, tree_id: int, field: str = "staff_code"):
    """Clean a staff-code field into a Person (or None), with the selector's Thai message."""
    try:
        return person_by_staff_code(code, tree_id=tree_id, field=field)
    except DomainError as exc:
        raise forms.ValidationError(exc.message, code=field) from None


class UnitEditForm(forms.Form):
    name = forms.CharField(label=_("ชื่อหน่วยงาน"), max_length=255)
    short_name = forms.CharField(label=_("ชื่อย่อ"), max_length=100, required=False)
    kind = forms.CharField(label=_("ประเภทหน่วยงาน"), max_length=100, required=False)
    parent_code = forms.CharField(
        label=_("รหัสหน่วยงานต้นสังกัด"),
        max_length=32,
        required=False,
        help_text=_("เปลี่ยนเพื่อย้ายหน่วยงานพร้อมหน่วยงานในสังกัด"),
    )
    head_code = forms.CharField(label=_("รหัสบุคลากรของหัวหน้า"), max_length=32, required=False)
    acting_head_code = forms.CharField(
        label=_("รหัสบุคลากรของผู้รักษาราชการแทน"), max_length=32, required=False
    )
    is_active = forms.BooleanField(label=_("ใช้งาน"), required=False)
    use_thai_digits = forms.BooleanField(label=_("ใช้เลขไทยในแบบฟอร์มที่พิมพ์"), required=False)

    def __init__(self, *args, unit: OrgUnit, **kwargs):
        self.unit = unit
        kwargs.setdefault(
            "initial",
            {
                "name": unit.name,
                "short_name": unit.short_name,
                "kind": unit.kind,
                "parent_code": unit.parent.code if unit.parent_id else "",
                "head_code": unit.head.staff_code if unit.head_id else "",
                "acting_head_code": unit.acting_head.staff_code if unit.acting_head_id else "",
                "is_active": unit.is_active,
                "use_thai_digits": unit.use_thai_digits,
            },
        )
        super().__init__(*args, **kwargs)
        if unit.parent_id:
            del self.fields["use_thai_digits"]
        self.helper = FormHelper()
        self.helper.add_input(Submit("save", _("บันทึก")))

    def clean_parent_code(self):
        code = (self.cleaned_data.get("parent_code") or "").strip()
        if not code:
            return None
        parent = OrgUnit.objects.filter(code=code).first()
        if parent is None:
            raise forms.ValidationError(_("ไม่พบหน่วยงานรหัส %(code)s"), params={"code": code})
        return parent

    def clean_head_code(self):
        return staff_code_field(
            self.cleaned_data.get("head_code"), tree_id=self.unit.tree_id, field="head"
        )

    def clean_acting_head_code(self):
        return staff_code_field(
            self.cleaned_data.get("acting_head_code"),
            tree_id=self.unit.tree_id,
            field="acting_head",
        )


class EvaluatorOverrideForm(forms.Form):
    evaluator_code = forms.CharField(
        label=_("รหัสบุคลากรของผู้ประเมิน"),
        max_length=32,
        required=False,
        help_text=_("เว้นว่างเพื่อใช้หัวหน้าหน่วยงานตามโครงสร้าง"),
    )

    def __init__(self, *args, person: Person, **kwargs):
        self.person = person
        kwargs.setdefault(
            "initial",
            {
                "evaluator_code": person.evaluator_override.staff_code
                if person.evaluator_override_id
                else ""
            },
        )
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.add_input(Submit("save", _("บันทึกผู้ประเมิน")))

    def clean_evaluator_code(self):
        return staff_code_field(
            self.cleaned_data.get("evaluator_code"),
            tree_id=self.person.unit.tree_id,
            field="evaluator",
        )
