"""Reads of one form that take a shorter way than the lists, and give the same answer:
- the look-up by id (selectors.form_for: a fetch by id, then the visibility rule in Python)
  answers exactly as the scoped queryset the lists use (forms_visible_to);
- the scoring page's milestones from the progress rows it already read equal last_milestones;
- saving the score with the same development plan rewrites no IDP rows.
"""

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


def test_milestones_from_the_progress_rows_equal_the_query(world):
    from appraisal.selectors import checkin_progress, last_milestones, milestones_of

    for form in AppraisalForm.objects.all():
        kpis = list(form.kpis.all())
        assert milestones_of(checkin_progress(kpis=kpis)) == last_milestones(form=form)
    assert last_milestones(form=world.f1)  # the world's check-in gave a milestone


def test_saving_the_same_idp_again_writes_no_rows(world):
    from appraisal.models import IdpRow
    from appraisal.services.evaluation import IdpInput, score_save

    form = world.f1
    ev = world.grp1_head.user
    idp = [IdpInput(topic="การเขียนรายงาน", method="อบรม", period="รอบหน้า")]
    score_save(actor=ev, form=form, expected_version=form.version, idp=idp)
    form.refresh_from_db()
    first = list(IdpRow.objects.filter(form=form).values_list("pk", "topic"))
    history = IdpRow.history.filter(form_id=form.pk).count()
    score_save(actor=ev, form=form, expected_version=form.version, idp=idp)
    assert list(IdpRow.objects.filter(form=form).values_list("pk", "topic")) == first
    assert IdpRow.history.filter(form_id=form.pk).count() == history
    form.refresh_from_db()
    score_save(
        actor=ev, form=form, expected_version=form.version, idp=[*idp, IdpInput(topic="ภาษาอังกฤษ")]
    )
    assert IdpRow.objects.filter(form=form).count() == 2
