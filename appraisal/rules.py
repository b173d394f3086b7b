"""Who may see and do what with rounds and forms (`rules` predicates over the frozen chain).

The evaluator chain is read from the form (frozen when the round opened), never recomputed,
so a reorganisation during the round does not move anyone's appraisal to someone else.
Views fetch forms through appraisal.selectors.forms_visible_to (404 outside) and then check
these permissions (403); the services check the transition permissions again.
"""

import rules

from appraisal.models import Phase, State
from common.permissions import is_administrator
from orgchart.selectors import roles_of


def _me(user):
    return roles_of(user).person


@rules.predicate
def is_appraisee(user, form):
    me = _me(user)
    return form is not None and me is not None and form.person_id == me.pk


@rules.predicate
def is_evaluator(user, form):
    me = _me(user)
    return form is not None and me is not None and form.evaluator_id == me.pk


@rules.predicate
def is_higher(user, form):
    me = _me(user)
    return form is not None and me is not None and form.higher_id == me.pk


@rules.predicate
def is_higher2(user, form):
    me = _me(user)
    return form is not None and me is not None and form.higher2_id == me.pk


@rules.predicate
def is_hr_for_form(user, form):
    return form is not None and roles_of(user).hr_covers(form.unit)


@rules.predicate
def round_is_live(user, form):
    """The round has opened and is not closed: the only hard lock is closing (DOMAIN §2)."""
    return form is not None and form.round.phase not in (Phase.SETUP, Phase.CLOSED)


@rules.predicate
def round_in_evaluation(user, form):
    return (
        form is not None
        and form.round.phase_at_least(Phase.EVALUATION)
        and round_is_live(user, form)
    )


@rules.predicate
def round_in_review(user, form):
    return (
        form is not None and form.round.phase_at_least(Phase.REVIEW) and round_is_live(user, form)
    )


@rules.predicate
def is_informed(user, form):
    return form is not None and form.is_informed


@rules.predicate
def is_released(user, form):
    return form is not None and form.state == State.RELEASED


@rules.predicate
def manages_department(user, rnd):
    """HR whose scope covers the whole department of the round."""
    return rnd is not None and roles_of(user).hr_covers(rnd.department)


@rules.predicate
def hr_in_department(user, rnd):
    return rnd is not None and any(
        s.tree_id == rnd.department.tree_id for s in roles_of(user).hr_scopes
    )


@rules.predicate
def on_committee(user, rnd):
    return rnd is not None and rnd.committee.filter(pk=user.pk).exists()


chain = is_evaluator | is_higher | is_higher2
# Nobody acts on, or sees through another role, their own appraisal (DOMAIN §8): every role
# but the appraisee's own is read as "someone else's form".
others = ~is_appraisee & (is_administrator | chain | is_hr_for_form)
readers = is_appraisee | others

rules.add_perm("appraisal.view_form", readers)
# The appraisee sees the evaluator's result (levels, points, total, band, IDP, comments) once
# the evaluator has informed them of it (DOMAIN §5, part 4); the higher supervisors' opinions,
# revisions and the final result only once HR has released them.
rules.add_perm("appraisal.view_score", others | (is_appraisee & is_informed))
rules.add_perm("appraisal.view_final", others | (is_appraisee & is_released))
rules.add_perm("appraisal.view_evidence", readers)
rules.add_perm("appraisal.edit_agreement", is_appraisee & round_is_live)
rules.add_perm("appraisal.submit_agreement", is_appraisee & round_is_live)
rules.add_perm("appraisal.approve_agreement", is_evaluator & round_is_live)
rules.add_perm("appraisal.revise_agreement", (is_appraisee | is_evaluator) & round_is_live)
rules.add_perm("appraisal.record_checkin", (is_appraisee | chain) & round_is_live)
rules.add_perm("appraisal.add_journal", (is_appraisee | chain) & round_is_live)
rules.add_perm("appraisal.add_coaching", chain & round_is_live)
rules.add_perm("appraisal.self_assess", is_appraisee & round_in_evaluation)
rules.add_perm("appraisal.score_form", is_evaluator & round_in_evaluation)
# The evaluator marks the IDP rows carried from the previous round done or not (DOMAIN §7).
rules.add_perm("appraisal.mark_idp_followup", is_evaluator & round_in_evaluation)
rules.add_perm("appraisal.acknowledge_form", is_appraisee & round_is_live)
rules.add_perm("appraisal.inform_form", is_evaluator & round_is_live)
rules.add_perm("appraisal.record_refusal", is_evaluator & round_is_live)
rules.add_perm("appraisal.higher_review", is_higher & round_is_live)
rules.add_perm("appraisal.higher2_review", is_higher2 & round_is_live)
rules.add_perm(
    "appraisal.release_form", ~is_appraisee & (is_administrator | is_hr_for_form) & round_in_review
)
rules.add_perm(
    "appraisal.set_form_evaluator",
    ~is_appraisee & (is_administrator | is_hr_for_form) & round_is_live,
)

# Rounds
rules.add_perm("appraisal.manage_round", is_administrator | manages_department)
rules.add_perm("appraisal.view_round", is_administrator | hr_in_department)
rules.add_perm("appraisal.view_distribution", is_administrator | hr_in_department | on_committee)
