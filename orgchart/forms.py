"""Forms of the org chart pages: the org import upload. Field checks only; rules stay in services."""

from crispy_forms.helper import FormHelper
from crispy_forms.layout import Submit
from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _

# .xls and .txt are let through on purpose: the importer explains what to do with them in Thai.
IMPORT_EXTENSIONS = (".xlsx", ".csv", ".xlsm", ".xls", ".txt")
SCHEME_CHOICES = [
    ("", _("ไม่ระบุ (อ่านจากประเภทและระดับภาษาไทย หรือคอลัมน์ระบบรหัส)")),
    ("ocsc", _("ก.พ. / OCSC: S1–S2 = บริหาร, M1–M2 = อำนวยการ")),
    ("dpis", _("DPIS: M1–M2 = บริหาร, D1–D2 = อำนวยการ")),
]


class OrgImportForm(forms.Form):
    file = forms.FileField(
        label=_("ไฟล์ข้อมูล (.xlsx หรือ .csv UTF-8)"),
        allow_empty_file=True,
        help_text=_("ตารางเดียว แถวแรกเป็นหัวคอลัมน์ (ชีตแรกของไฟล์ Excel)"),
    )
    scheme = forms.ChoiceField(
        label=_("ระบบรหัสระดับในคอลัมน์รหัสระดับ"),
        choices=SCHEME_CHOICES,
        required=False,
        help_text=_("จำเป็นเมื่อไฟล์ใช้รหัส M1/M2 โดยไม่มีประเภทตำแหน่งภาษาไทย"),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.form_method = "post"
        self.helper.form_id = "import-upload-form"
        self.helper.add_input(Submit("submit", _("ตรวจสอบไฟล์")))
        self.fields["file"].widget.attrs["accept"] = ",".join(IMPORT_EXTENSIONS)

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > settings.IMPORT_MAX_BYTES:
            raise forms.ValidationError(
                _("ไฟล์ใหญ่เกินกำหนด (สูงสุด %(limit)s ไบต์) แบ่งไฟล์เป็นหลายส่วน"),
                params={"limit": f"{settings.IMPORT_MAX_BYTES:,}"},
                code="too_large",
            )
        if not upload.name.lower().endswith(IMPORT_EXTENSIONS):
            raise forms.ValidationError(_("รับเฉพาะไฟล์ .xlsx หรือ .csv"), code="extension")
        return upload
