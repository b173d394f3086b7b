from orgchart import selectors


def test_staff_are_evaluated_by_the_head_of_their_unit(org):
    assert selectors.evaluator_of(org.s1) == org.grp1_head


def test_a_unit_head_is_evaluated_by_the_head_of_the_parent_unit(org):
    assert selectors.evaluator_of(org.grp1_head) == org.div1_head
    assert selectors.evaluator_of(org.div1_head) == org.director


def test_a_vacant_unit_rolls_up_to_the_next_head(org):
    assert selectors.evaluator_of(org.s3) == org.div1_head


def test_an_acting_head_evaluates_in_place_of_the_head(org):
    assert selectors.evaluator_of(org.s4) == org.div2_acting


def test_the_department_head_has_no_evaluator_in_the_chart(org):
    assert selectors.evaluator_of(org.director) is None


def test_an_override_wins_over_the_chart(org):
    from orgchart.services import person_set_evaluator

    person_set_evaluator(person=org.s1, evaluator=org.div2_head)
    org.s1.refresh_from_db()
    assert selectors.evaluator_of(org.s1) == org.div2_head
    assert org.s1 in selectors.people_evaluated_by(org.div2_head)
    assert org.s1 not in selectors.people_evaluated_by(org.grp1_head)


def test_people_evaluated_by_matches_evaluator_of_for_everyone(org):
    from orgchart.models import Person

    everyone = list(Person.objects.all())
    evaluators = selectors.evaluators_for(everyone)
    for person in everyone:
        team = selectors.people_evaluated_by(person)
        expected = {p.pk for p in everyone if evaluators[p.pk] and evaluators[p.pk].pk == person.pk}
        assert {p.pk for p in team} == expected, person


def test_evaluator_chain_gives_evaluator_and_higher_supervisor(org):
    assert selectors.evaluator_chain(org.s1) == [org.grp1_head, org.div1_head]


def test_evaluators_for_costs_a_fixed_number_of_queries(org, django_assert_max_num_queries):
    from orgchart.models import Person

    everyone = list(Person.objects.all())
    with django_assert_max_num_queries(4):
        selectors.evaluators_for(everyone)


def test_each_units_chain_is_itself_and_its_ancestors_nearest_first(org):
    from orgchart.models import OrgUnit

    units = list(OrgUnit.objects.all())
    chains = selectors._ancestors_of(units)
    for unit in units:
        expected = list(unit.get_ancestors(ascending=True, include_self=True))
        assert [a.pk for a in chains[unit.pk]] == [a.pk for a in expected], unit.code


def test_the_roles_cost_one_query_for_a_person_without_hr_scope_and_two_with_one(
    org, django_assert_num_queries
):
    from orgchart.selectors import roles_of

    staff = org.s1.user
    with django_assert_num_queries(1):
        roles = roles_of(staff)
    assert roles.person == org.s1 and roles.hr_scopes == [] and not roles.is_hr
    hr = org.hr
    hr._pms_roles = None
    with django_assert_num_queries(2):
        roles = roles_of(hr)
    assert roles.is_hr and roles.hr_scopes == [org.dept]


def test_the_whole_tree_reads_of_a_department_give_the_same_evaluators(org, monkeypatch):
    from orgchart.models import OrgUnit, Person

    everyone = list(Person.objects.all())
    units = list(OrgUnit.objects.all())
    few = selectors.evaluators_for(everyone)
    chains = selectors._ancestors_of(units)
    # The paths taken for a department's staff: every headed unit, and whole trees.
    monkeypatch.setattr(selectors, "MANY_PEOPLE", 0)
    monkeypatch.setattr(selectors, "MANY_UNITS", 0)
    assert selectors.evaluators_for(everyone) == few
    assert {pk: [a.pk for a in chain] for pk, chain in selectors._ancestors_of(units).items()} == {
        pk: [a.pk for a in chain] for pk, chain in chains.items()
    }
    assert any(e is not None for e in few.values())
