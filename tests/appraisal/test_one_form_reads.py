"""Reads of one form that take a shorter way than the lists, and give the same answer:
- the look-up by id (selectors.form_for: a fetch by id, then the visibility rule in Python)
  answers exactly as the scoped queryset the lists use (forms_visible_to);
- the scoring page's milestones from the progress rows it already read equal last_milestones;
- saving the score with the same development plan rewrites no IDP rows;
- whether a person evaluates or reviews anyone in a round (one index probe per round and role)
  equals the plain query over the forms, for every person, round and phase.
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
        assert milestones_of(checkin_progress(form=form)) == last_milestones(form=form)
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


def test_rounds_a_person_evaluates_in_equal_the_plain_query(org):
    from django.db.models import Q

    from appraisal.models import AppraisalRound, Phase
    from appraisal.selectors import evaluates_anyone_sql, round_has_forms_of
    from orgchart.models import Person
    from tests.appraisal.conftest import open_round

    first = open_round(org, second_review=True)  # evaluator, higher and higher2 on its forms
    second = open_round(org, number=2)
    people = list(Person.objects.all())
    forms = AppraisalForm.objects.all()
    assert forms.exclude(higher2=None).exists() and forms.exclude(higher=None).exists()
    # Three people with no part in any chain become one form's evaluator, higher and higher2 in
    # the second round only: each role alone must count.
    chains = set()
    for f in forms:
        chains |= {f.evaluator_id, f.higher_id, f.higher2_id}
    plain = [p for p in people if p.pk not in chains][:3]
    target = forms.filter(round=second).exclude(person__in=plain).first()
    for person, role in zip(plain, ("evaluator", "higher", "higher2"), strict=True):
        forms.filter(pk=target.pk).update(**{role: person})
        chains.add(person.pk)
    assert len(plain) == 3

    def check() -> tuple[int, int]:
        yes = no = 0
        for p in people:
            mine = forms.filter(Q(evaluator=p) | Q(higher=p) | Q(higher2=p))
            rounds = set(mine.values_list("round_id", flat=True))
            probed = set(
                AppraisalRound.objects.filter(round_has_forms_of(p)).values_list("pk", flat=True)
            )
            assert probed == rounds, p
            expected = mine.exclude(round__phase=Phase.CLOSED).exists()
            found = (
                Person.objects.filter(pk=p.pk)
                .annotate(team=evaluates_anyone_sql(p))
                .values_list("team", flat=True)
                .get()
            )
            assert bool(found) is expected, p
            yes, no = yes + expected, no + (not expected)
        return yes, no

    yes, no = check()
    assert yes >= 3 and no >= 3  # evaluators, reviewers and plain staff are all there
    AppraisalRound.objects.filter(pk=first.pk).update(phase=Phase.CLOSED)
    assert check()[0] >= 1  # the second round still counts
    AppraisalRound.objects.filter(pk=second.pk).update(phase=Phase.CLOSED)
    assert check()[0] == 0
