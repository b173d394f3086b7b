"""Org chart pages: tree, unit, person. Thin: scope, check, call a selector, render."""

import re
from urllib.parse import quote

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from common.errors import DomainError
from common.inputs import parse_id, search_text
from common.links import link_items
from common.models import DataAccess, record_access
from common.permissions import can, require
from common.views import get_scoped_or_404
from orgchart import selectors, services
from orgchart.edit_forms import EvaluatorOverrideForm, UnitEditForm

PEOPLE_PER_PAGE = 50
OPEN_CHILDREN = 60  # the tree opens the departments' own units when there are no more than this
SUGGESTIONS = 10
FIELD_NAME = re.compile(r"^[A-Za-z_][A-Za-z0-9_-]{0,63}$")


@login_required
@require_GET
def tree(request):
    query = search_text(request.GET.get("q"))
    roots = list(selectors.tree_roots_for(request.user))
    children = {}
    if len(roots) <= 20:
        # Open the units just below each department while they are few; deeper ones, and all
        # of them in a ministry whose departments hold hundreds, load on demand (one click).
        below = list(
            selectors.units_visible_to(request.user)
            .filter(parent__in=roots)
            .select_related("head", "acting_head")
            .order_by("code")[: OPEN_CHILDREN + 1]
        )
        for child in below if len(below) <= OPEN_CHILDREN else []:
            children.setdefault(child.parent_id, []).append(child)
    results = selectors.unit_search(user=request.user, query=query) if query else []
    people = selectors.person_search(user=request.user, query=query) if query else []
    crumbs = selectors.breadcrumbs_for(results) if results else {}
    return render(
        request,
        "orgchart/tree.html",
        {
            "roots": [(root, children.get(root.pk)) for root in roots],
            "query": query,
            "results": [(u, crumbs.get(u.pk, [])[:-1]) for u in results],
            "people": people,
        },
    )


@login_required
@require_GET
def tree_children(request, pk: int):
    unit = get_scoped_or_404(selectors.units_visible_to(request.user), pk=pk)
    require(request.user, "orgchart.view_unit", unit)
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
    require(request.user, "orgchart.view_unit", unit)
    crumbs = selectors.breadcrumbs_for([unit])[unit.pk][:-1]
    who = search_text(request.GET.get("who"))
    people = Paginator(selectors.unit_people(unit, who=who), PEOPLE_PER_PAGE).get_page(
        request.GET.get("page")
    )
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
            "children": link_items(
                "orgchart:unit",
                selectors.unit_children(user=request.user, unit=unit).values_list("pk", "name"),
            ),
            "people": people,
            "page": people,
            "who": who,
            "pages_qs": f"who={quote(who)}" if who else "",
            "visible_people": visible_people,
            "can_change": can(request.user, "orgchart.change_unit", unit),
        },
    )


@login_required
@require_GET
def person_detail(request, pk: int):
    person = get_scoped_or_404(
        selectors.people_visible_to(request.user).select_related("unit", "position", "user"),
        pk=pk,
    )
    require(request.user, "orgchart.view_person", person)
    chain = selectors.evaluator_chain(person, depth=2)
    show_private = can(request.user, "orgchart.view_person_private", person)
    me = selectors.roles_of(request.user).person
    if show_private and (me is None or me.pk != person.pk):
        # The salary is on this page: its reading goes to the access log (PDPA).
        record_access(
            request,
            what=DataAccess.SALARY,
            subject_type="person",
            subject_id=person.pk,
            subject_name=person.full_name,
            obj=person,
        )
    return render(
        request,
        "orgchart/person_detail.html",
        {
            "person": person,
            "crumbs": selectors.breadcrumbs_for([person.unit])[person.unit.pk],
            "evaluator": chain[0] if chain else None,
            "higher": chain[1] if len(chain) > 1 else None,
            "team": selectors.people_evaluated_by(person),
            "show_private": show_private,
            "can_change": can(request.user, "orgchart.change_person", person),
            "can_set_evaluator": can(request.user, "orgchart.set_person_evaluator", person),
        },
    )


_FORM_FIELD = {
    "head": "head_code",
    "acting_head": "acting_head_code",
    "parent": "parent_code",
    "code": None,
    "name": "name",
    "evaluator_override": "evaluator_code",
}


def _show_domain_error(form, exc: DomainError) -> None:
    field = _FORM_FIELD.get(exc.field or "", None)
    form.add_error(field if field in form.fields else None, exc.message)


@login_required
@require_http_methods(["GET", "POST"])
def unit_edit(request, pk: int):
    unit = get_scoped_or_404(
        selectors.units_visible_to(request.user).select_related("parent", "head", "acting_head"),
        pk=pk,
    )
    require(request.user, "orgchart.change_unit", unit)
    form = UnitEditForm(request.POST or None, unit=unit, user=request.user)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        new_parent = data.pop("parent_code")
        fields = {
            "name": data["name"],
            "short_name": data["short_name"],
            "kind": data["kind"],
            "head": data["head_code"],
            "acting_head": data["acting_head_code"],
            "is_active": data["is_active"],
        }
        if "use_thai_digits" in data:
            fields["use_thai_digits"] = data["use_thai_digits"]
        moving = (new_parent.pk if new_parent else None) != unit.parent_id
        if moving and not can(request.user, "orgchart.place_unit_under", new_parent):
            form.add_error("parent_code", _("ท่านไม่มีสิทธิ์ย้ายหน่วยงานไปไว้ใต้หน่วยงานนี้"))
        else:
            try:
                kwargs = {"new_parent": new_parent} if moving else {}
                services.unit_change(unit=unit, actor=request.user, **fields, **kwargs)
            except DomainError as exc:
                _show_domain_error(form, exc)
            else:
                messages.success(request, _("บันทึกหน่วยงานแล้ว"))
                return redirect("orgchart:unit", pk=unit.pk)
    return render(request, "orgchart/unit_edit.html", {"unit": unit, "form": form})


@login_required
@require_http_methods(["GET", "POST"])
def person_evaluator(request, pk: int):
    person = get_scoped_or_404(
        selectors.people_visible_to(request.user).select_related("unit", "evaluator_override"),
        pk=pk,
    )
    require(request.user, "orgchart.set_person_evaluator", person)
    form = EvaluatorOverrideForm(request.POST or None, person=person, user=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            services.person_set_evaluator(
                person=person, evaluator=form.cleaned_data["evaluator_code"], actor=request.user
            )
        except DomainError as exc:
            _show_domain_error(form, exc)
        else:
            messages.success(request, _("บันทึกผู้ประเมินแล้ว"))
            return redirect("orgchart:person", pk=person.pk)
    return render(request, "orgchart/person_evaluator.html", {"person": person, "form": form})


@login_required
@require_GET
def people_suggest(request):
    """The person picker's suggestions (htmx): people of the unit's department whom the user
    may name, by name, surname or staff code. A unit the user cannot see is a 404.

    The query is `q`, or the parameter named by `field` (the picker's input posts under the
    form field's own name)."""
    unit = get_scoped_or_404(
        selectors.units_visible_to(request.user), pk=parse_id(request.GET.get("unit"))
    )
    field = request.GET.get("field") or "q"
    if not FIELD_NAME.match(field):
        field = "q"
    query = search_text(request.GET.get(field))
    people = (
        selectors.person_search(
            user=request.user, query=query, limit=SUGGESTIONS, tree_id=unit.tree_id
        )
        if len(query) >= 2
        else []
    )
    return render(request, "orgchart/_person_suggestions.html", {"people": people, "query": query})
