"""The one-form look-up of the form pages (selectors.form_for, a check in Python after a
fetch by id) answers exactly as the scoped queryset the lists use (forms_visible_to)."""

from django.contrib.auth import get_user_model

from appraisal.models import AppraisalForm
from appraisal.selectors import form_for, form_visible, forms_visible_to


def test_form_for_agrees_with_the_scoped_queryset(world):
    users = list(get_user_model().objects.all())
    forms = list(AppraisalForm.objects.select_related("unit"))
    assert len(users) > 10 and len(forms) >= 4
    seen = refused = 0
    for user in users:
        scoped = set(forms_visible_to(user).values_list("pk", flat=True))
        for form in forms:
            expected = form.pk in scoped
            assert form_visible(user, form) is expected, (user.username, form.pk)
            found = form_for(user, form.pk)
            assert (found is not None) is expected, (user.username, form.pk)
            seen += expected
            refused += not expected
    # Both answers occur: appraisees, evaluators, HR and an outsider are in the world.
    assert seen and refused


def test_form_for_unknown_id_is_none(world):
    assert form_for(world.hr, 10**9) is None
