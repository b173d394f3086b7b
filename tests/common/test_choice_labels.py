"""`common.models.ChoiceLabels`: get_FOO_display() from a table built once per field gives
what Django's own gives, for every choice of every field of every model of ours, in both
languages, and every model of ours with choices uses it."""

from __future__ import annotations

import pytest
from django.apps import apps
from django.db import models
from django.utils import translation
from simple_history.models import HistoricalChanges

from appraisal.models import AppraisalForm, State
from common.models import ChoiceLabels

ENGLISH = "Agreement awaiting approval"
OURS = {"common", "orgchart", "kpi", "notices", "appraisal", "rewards", "reports"}


def _models_with_choices():
    for model in apps.get_models():
        if model._meta.app_label not in OURS or issubclass(model, HistoricalChanges):
            continue
        fields = [f for f in model._meta.concrete_fields if f.choices]
        if fields:
            yield model, fields


def test_every_model_of_ours_with_choices_uses_the_table():
    found = dict(_models_with_choices())
    assert AppraisalForm in found  # the walk finds them
    assert [m.__name__ for m in found if not issubclass(m, ChoiceLabels)] == []


@pytest.mark.parametrize("lang", ["th", "en"])
def test_same_label_as_django_for_every_choice(lang):
    checked = 0
    with translation.override(lang):
        for model, fields in _models_with_choices():
            obj = model()
            for field in fields:
                values = [value for value, _label in field.flatchoices]
                for value in [*values, "not-a-choice", None]:
                    obj.__dict__[field.attname] = value  # past FSM-protected fields
                    ours = getattr(obj, f"get_{field.name}_display")()
                    django = models.Model._get_FIELD_display(obj, field)
                    assert ours == django, (model.__name__, field.name, value)
                    assert type(ours) is type(django)
                    checked += 1
    assert checked > 200


def test_the_label_follows_the_language_after_the_table_is_built():
    form = AppraisalForm(state=State.SUBMITTED)
    with translation.override("th"):
        assert form.get_state_display() == "รออนุมัติข้อตกลง"
    with translation.override("en"):
        assert form.get_state_display() == ENGLISH
    with translation.override("th"):
        assert form.get_state_display() == "รออนุมัติข้อตกลง"
