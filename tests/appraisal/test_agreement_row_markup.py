"""The agreement's KPI rows built in Python ({% agreement_row %}) are, to the byte, what the row
template they replace (kept in tests/appraisal/reference/) renders: saved rows, blank rows, the
empty form the add button fetches, rows with field and row errors, in Thai and in English."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.template import Context, Template
from django.utils import translation

from appraisal.forms_staff import AgreementFormSet
from appraisal.templatetags.agreement_rows import agreement_row

REFERENCE = Template((Path(__file__).parent / "reference" / "_agreement_row.html").read_text())

SAVED = [
    {
        "id": i,
        "kind": "plan",
        "name": f"ตัวชี้วัด <{i}> & “ชื่อ”",
        "weight": "25.50",
        "target": "ร้อยละ 80",
        "criteria_1": "ต่ำกว่า 60",
        "criteria_3": "80",
        "kpi": 7 if i == 2 else None,
    }
    for i in (1, 2)
]
CHOICES = [(7, "หน่วยงาน <ก> 1.1"), (8, "ตัวชี้วัดบุคคล")]


def _reference(form, number=None) -> str:
    context = {"f": form} if number is None else {"f": form, "number": number}
    return REFERENCE.render(Context(context))


def _forms():
    unbound = AgreementFormSet(
        initial=SAVED, prefix="items", form_kwargs={"kpi_choices": CHOICES}, extra=2
    )
    data = {
        "items-TOTAL_FORMS": "3",
        "items-INITIAL_FORMS": "2",
        "items-MIN_NUM_FORMS": "0",
        "items-MAX_NUM_FORMS": "30",
        "items-0-id": "1",
        "items-0-kind": "plan",
        "items-0-name": "",
        "items-0-weight": "abc",
        "items-1-id": "2",
        "items-1-kind": "nonsense",
        "items-1-name": "ชื่อ <b>",
        "items-1-weight": "20",
        "items-1-kpi": "99",
        "items-1-DELETE": "on",
        "items-2-name": "แถวใหม่",
        "items-2-weight": "10",
    }
    bound = AgreementFormSet(data, prefix="items", form_kwargs={"kpi_choices": CHOICES})
    bound.is_valid()
    bound.forms[2].add_error(None, "แถวนี้ <ซ้ำ> กับแถวที่ 1")
    return [*unbound.forms, *bound.forms], unbound.empty_form


@pytest.mark.parametrize("language", ["th", "en"])
def test_every_row_is_the_templates_to_the_byte(language):
    with translation.override(language):
        forms, empty = _forms()
        for number, form in enumerate(forms, 1):
            assert agreement_row(form, number) == _reference(form, number)
        # The blank row the add button fetches has no number, as the template had none.
        assert agreement_row(empty) == _reference(empty)
        assert "items-__prefix__-name" in _reference(empty) and "data-removed-note" in _reference(
            empty
        )
    assert any(f.non_field_errors() for f in forms) and any(f.errors for f in forms)


def test_the_page_and_the_fetched_row_use_it():
    from django.template.loader import get_template

    for name in ("appraisal/staff/agreement.html", "appraisal/staff/_agreement_row_blank.html"):
        source = get_template(name).template.source
        assert "agreement_row f" in source and "_agreement_row.html" not in source
