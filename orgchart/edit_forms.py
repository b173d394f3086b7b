"""Forms for HR edits of a unit and of a person's evaluator; rules stay in the services."""

from crispy_forms.helper import FormHelper
from crispy_forms.layout import Submit
from django import forms
from django.utils.translation import gettext_lazy as _

from orgchart.models import OrgUnit, Person
from orgchart.person_field import PersonField, bind_people


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
    head_code = PersonField(label=_("หัวหน้าหน่วยงาน"))
    acting_head_code = PersonField(label=_("ผู้รักษาราชการแทน"))
    is_active = forms.BooleanField(label=_("ใช้งาน"), required=False)
    use_thai_digits = forms.BooleanField(label=_("ใช้เลขไทยในแบบฟอร์มที่พิมพ์"), required=False)

    def __init__(self, *args, unit: OrgUnit, user, **kwargs):
        self.unit = unit
        kwargs.setdefault(
            "initial",
            {
                "name": unit.name,
                "short_name": unit.short_name,
                "kind": unit.kind,
                "parent_code": unit.parent.code if unit.parent_id else "",
                "head_code": unit.head,
                "acting_head_code": unit.acting_head,
                "is_active": unit.is_active,
                "use_thai_digits": unit.use_thai_digits,
            },
        )
        super().__init__(*args, **kwargs)
        bind_people(self, user=user, unit=unit)
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


class EvaluatorOverrideForm(forms.Form):
    evaluator_code = PersonField(
        label=_("ผู้ประเมิน"),
        help_text=_("เว้นว่างเพื่อใช้หัวหน้าหน่วยงานตามโครงสร้าง"),
    )

    def __init__(self, *args, person: Person, user, **kwargs):
        self.person = person
        kwargs.setdefault(
            "initial",
            {"evaluator_code": person.evaluator_override},
        )
        super().__init__(*args, **kwargs)
        bind_people(self, user=user, unit=person.unit)
        self.helper = FormHelper()
        self.helper.add_input(Submit("save", _("บันทึกผู้ประเมิน")))
