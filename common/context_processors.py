"""Role flags for the navigation bar, from the one permission layer."""

from django.utils.functional import SimpleLazyObject

from orgchart.selectors import roles_of


def _evaluates_anyone(person) -> bool:
    from django.db.models import Q

    from appraisal.models import AppraisalForm, Phase

    return (
        AppraisalForm.objects.filter(Q(evaluator=person) | Q(higher=person) | Q(higher2=person))
        .exclude(round__phase=Phase.CLOSED)
        .exists()
    )


def roles(request):
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    r = roles_of(user)
    person = r.person
    return {
        "my_roles": r,
        "my_person": person,
        # Evaluated only when a template asks (the navigation bar): one query per page.
        "my_is_evaluator": SimpleLazyObject(
            lambda: bool(person is not None and _evaluates_anyone(person))
        ),
    }
