"""The permission layer for the org chart: `rules` predicates over the roles in the data.

Views call `common.permissions.can`/`require` after fetching through a scoped selector;
templates only mirror these checks to hide links. The check has no superuser bypass: a rule
the administrator passes names `is_administrator`.
"""

import rules

from common.permissions import is_administrator
from orgchart.selectors import evaluator_chain, roles_of


@rules.predicate
def is_hr(user):
    return roles_of(user).is_hr


@rules.predicate
def in_department_of_unit(user, unit):
    return unit is not None and unit.tree_id in roles_of(user).tree_ids


@rules.predicate
def is_hr_for_unit(user, unit):
    return unit is not None and roles_of(user).hr_covers(unit)


@rules.predicate
def is_hr_for_person(user, person):
    return person is not None and roles_of(user).hr_covers(person.unit)


@rules.predicate
def is_self(user, person):
    me = roles_of(user).person
    return person is not None and me is not None and me.pk == person.pk


@rules.predicate
def is_evaluator_chain_of(user, person):
    me = roles_of(user).person
    if person is None or me is None:
        return False
    return any(p.pk == me.pk for p in evaluator_chain(person, depth=2))


@rules.predicate
def evaluates_me(user, person):
    """The person is my evaluator or my higher supervisor."""
    me = roles_of(user).person
    if person is None or me is None:
        return False
    return any(p.pk == person.pk for p in evaluator_chain(me, depth=2))


rules.add_perm("orgchart.view_unit", is_administrator | in_department_of_unit | is_hr_for_unit)
rules.add_perm("orgchart.change_unit", is_administrator | is_hr_for_unit)
rules.add_perm(
    "orgchart.view_person",
    is_administrator | is_self | is_hr_for_person | is_evaluator_chain_of | evaluates_me,
)
rules.add_perm("orgchart.view_person_private", is_administrator | is_self | is_hr_for_person)
rules.add_perm("orgchart.change_person", is_administrator | is_hr_for_person)
# Nobody chooses their own evaluator (DOMAIN §8), whatever their role.
rules.add_perm("orgchart.set_person_evaluator", ~is_self & (is_administrator | is_hr_for_person))
rules.add_perm("orgchart.import_org", is_administrator | is_hr)
# Placing a unit under a parent (create or move): the parent must be in the HR scope; only an
# administrator makes department roots (parent None).
rules.add_perm("orgchart.place_unit_under", is_administrator | is_hr_for_unit)
