"""Org chart pages: tree, unit, person. Thin: scope, check, call a selector, render."""

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.shortcuts import render
from django.views.decorators.http import require_GET

from common.views import get_scoped_or_404, require_perm
from orgchart import selectors

PEOPLE_PER_PAGE = 50


@login_required
@require_GET
def tree(request):
    query = request.GET.get("q", "").strip()[:100]
    roots = list(selectors.tree_roots_for(request.user))
    children = {}
    if len(roots) <= 20:
        # Open the first level under each department; deeper levels load on demand.
        for child in (
            selectors.units_visible_to(request.user)
            .filter(parent__in=roots)
            .select_related("head", "acting_head")
            .order_by("code")
        ):
            children.setdefault(child.parent_id, []).append(child)
    results = selectors.unit_search(user=request.user, query=query) if query else []
    crumbs = selectors.breadcrumbs_for(results) if results else {}
    return render(
        request,
        "orgchart/tree.html",
        {
            "roots": [(root, children.get(root.pk)) for root in roots],
            "query": query,
            "results": [(u, crumbs.get(u.pk, [])[:-1]) for u in results],
        },
    )


@login_required
@require_GET
def tree_children(request, pk: int):
    unit = get_scoped_or_404(selectors.units_visible_to(request.user), pk=pk)
    require_perm(request.user, "orgchart.view_unit", unit)
    children = selectors.unit_children(user=request.user, unit=unit)
    return render(request, "orgchart/_tree_children.html", {"children": children})


@login_required
@require_GET
def unit_detail(request, pk: int):
    unit = get_scoped_or_404(
        selectors.units_visible_to(request.user).select_related(
            "head__position", "acting_head__position", "ministry"
        ),
        pk=pk,
    )
    require_perm(request.user, "orgchart.view_unit", unit)
    crumbs = selectors.breadcrumbs_for([unit])[unit.pk][:-1]
    people = Paginator(
        unit.people.filter(is_active=True).select_related("position").order_by("position__number", "pk"),
        PEOPLE_PER_PAGE,
    ).get_page(request.GET.get("page"))
    visible_people = set(
        selectors.people_visible_to(request.user)
        .filter(pk__in=[p.pk for p in people])
        .values_list("pk", flat=True)
    )
    return render(
        request,
        "orgchart/unit_detail.html",
        {
            "unit": unit,
            "crumbs": crumbs,
            "children": selectors.unit_children(user=request.user, unit=unit),
            "people": people,
            "visible_people": visible_people,
            "can_change": request.user.has_perm("orgchart.change_unit", unit),
        },
    )


@login_required
@require_GET
def person_detail(request, pk: int):
    person = get_scoped_or_404(
        selectors.people_visible_to(request.user).select_related("unit", "position", "user"),
        pk=pk,
    )
    require_perm(request.user, "orgchart.view_person", person)
    chain = selectors.evaluator_chain(person, depth=2)
    return render(
        request,
        "orgchart/person_detail.html",
        {
            "person": person,
            "crumbs": selectors.breadcrumbs_for([person.unit])[person.unit.pk],
            "evaluator": chain[0] if chain else None,
            "higher": chain[1] if len(chain) > 1 else None,
            "team": selectors.people_evaluated_by(person),
            "show_private": request.user.has_perm("orgchart.view_person_private", person),
        },
    )
