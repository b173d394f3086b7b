"""Reads for the org chart, already scoped to what the user may see, in a fixed number of queries."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import reduce
from operator import or_
from typing import NamedTuple

from django.db.models import BooleanField, Q, QuerySet
from django.db.models.expressions import RawSQL
from django.db.models.functions import Concat
from django.utils.translation import gettext

from common.compiled import CompiledLookup
from common.errors import DomainError
from common.permissions import is_administrator
from orgchart.models import HrScope, OrgUnit, Person, Position

ANCESTOR_CHUNK = 200
# Above these, the evaluator chains read whole trees rather than asking for each id.
MANY_UNITS = 1000
MANY_PEOPLE = 2000
# A unit search orders up to this many matching ids itself; above it, the query does.
UNIT_MATCHES = 5000


# --- who the user is -------------------------------------------------------------------------


@dataclass
class Roles:
    """What a user is in the organisation; computed once per request and cached on the user."""

    is_admin: bool = False
    person: Person | None = None
    hr_scopes: list[OrgUnit] = field(default_factory=list)
    _evaluatee_ids: set[int] | None = None

    @property
    def is_hr(self) -> bool:
        return bool(self.hr_scopes)

    @property
    def tree_ids(self) -> set[int]:
        """Departments whose chart the user may read: their own and those they do HR for."""
        ids = {u.tree_id for u in self.hr_scopes}
        if self.person is not None:
            ids.add(self.person.unit.tree_id)
        return ids

    def hr_covers(self, unit: OrgUnit) -> bool:
        return any(
            s.tree_id == unit.tree_id and s.lft <= unit.lft and unit.rght <= s.rght
            for s in self.hr_scopes
        )

    def evaluatee_ids(self) -> set[int]:
        if self._evaluatee_ids is None:
            self._evaluatee_ids = (
                {p.pk for p in people_evaluated_by(self.person)} if self.person else set()
            )
        return self._evaluatee_ids


_HR_USER = HrScope._meta.get_field("user").column
# The signed-in user's person, unit and position, and whether they have an HR scope: on every
# signed-in request, so its SQL is compiled once (common.compiled).
_PERSON_OF_USER = CompiledLookup(
    lambda user_id: (
        Person.objects.select_related("unit", "position")
        .filter(user_id=user_id, is_active=True)
        .annotate(
            has_hr_scope=RawSQL(
                f"EXISTS (SELECT 1 FROM {HrScope._meta.db_table} WHERE {_HR_USER} = %s)",
                [user_id],
                output_field=BooleanField(),
            )
        )
        .order_by()[:1]
    ),
    "user_id",
)


def roles_of(user) -> Roles:
    if not getattr(user, "is_authenticated", False):
        return Roles()
    cached = getattr(user, "_pms_roles", None)
    if cached is not None:
        return cached
    # Whether the user has an HR scope comes with the person: most people have none, and
    # their every request then costs one query for the roles instead of two. The EXISTS is
    # written out, and the person is not ordered (one active person per user): Django compiled
    # the Exists(...) subquery and the ORDER BY on every request, 1.6 ms of CPU against 0.9.
    found = _PERSON_OF_USER(user_id=user.pk)
    person = found[0] if found else None
    scopes = []
    if person is None or person.has_hr_scope:
        scopes = [s.unit for s in HrScope.objects.select_related("unit").filter(user=user)]
    roles = Roles(is_admin=is_administrator(user), person=person, hr_scopes=scopes)
    user._pms_roles = roles
    return roles


# --- scoping ---------------------------------------------------------------------------------


class UnitRow(NamedTuple):
    """A unit as a row of a table: its id, name and place in the tree as plain values. A
    department has a few hundred direct sub-units, and an org-tree model instance each cost a
    page such as the console or the alignment table more than the rest of it; subtree_q and
    in_subtree take these as they take units."""

    pk: int
    name: str
    parent_id: int | None
    tree_id: int
    lft: int
    rght: int


def child_rows(parents: Iterable[OrgUnit]) -> dict[int, list[UnitRow]]:
    """{parent id: its child units as UnitRows, in tree order} for each parent: one query."""
    out: dict[int, list[UnitRow]] = {p.pk: [] for p in parents}
    rows = (
        OrgUnit.objects.filter(parent_id__in=list(out) or [0])
        .order_by("tree_id", "lft")
        .values_list(*UnitRow._fields)
    )
    for row in rows:
        out[row[2]].append(UnitRow(*row))
    return out


def in_subtree(unit, root, *, strictly: bool = False) -> bool:
    """Whether `unit` lies in `root`'s subtree (`root` itself included unless `strictly`): the
    nested-set test of is_descendant_of, for org units and UnitRows alike."""
    if unit.tree_id != root.tree_id:
        return False
    if strictly:
        return root.lft < unit.lft and unit.rght < root.rght
    return root.lft <= unit.lft and unit.rght <= root.rght


def subtree_q(units: Iterable[OrgUnit], prefix: str = "") -> Q:
    """Rows in the subtrees of `units` (through `prefix`, e.g. "unit__"); none for no units."""
    conds = [
        Q(
            **{
                f"{prefix}tree_id": u.tree_id,
                f"{prefix}lft__gte": u.lft,
                f"{prefix}rght__lte": u.rght,
            }
        )
        for u in units
    ]
    return reduce(or_, conds) if conds else Q(pk__in=[])


def units_visible_to(user) -> QuerySet[OrgUnit]:
    """Units whose page the user may open: all for an administrator, else their departments."""
    roles = roles_of(user)
    qs = OrgUnit.objects.all()
    if roles.is_admin:
        return qs
    return qs.filter(tree_id__in=roles.tree_ids)


def units_hr_scoped(user) -> QuerySet[OrgUnit]:
    """Units the user administers as HR (or all, for an administrator)."""
    roles = roles_of(user)
    if roles.is_admin:
        return OrgUnit.objects.all()
    return OrgUnit.objects.filter(subtree_q(roles.hr_scopes))


def people_visible_to(user) -> QuerySet[Person]:
    """People whose page the user may open: self, those they evaluate (and whom those evaluate),
    everyone in their HR scope; all for an administrator."""
    roles = roles_of(user)
    qs = Person.objects.all()
    if roles.is_admin:
        return qs
    cond = Q(pk__in=[])
    if roles.person is not None:
        direct = roles.evaluatee_ids()
        # A higher supervisor also sees the people their direct evaluatees evaluate.
        second = {p.pk for team in evaluatees_of(direct).values() for p in team}
        # ... and a person sees who evaluates them (evaluator and higher supervisor).
        chain = {p.pk for p in evaluator_chain(roles.person, depth=2)}
        cond |= Q(pk=roles.person.pk) | Q(pk__in=direct | second | chain)
    if roles.hr_scopes:
        cond |= subtree_q(roles.hr_scopes, prefix="unit__")
    return qs.filter(cond)


def person_by_staff_code(code: str, *, tree_id: int, field: str = "staff_code") -> Person | None:
    """The active person with this staff code in one department; None for a blank code.

    Forms and views pick people by รหัสบุคลากร rather than from a list of thousands.
    """
    code = (code or "").strip()
    if not code:
        return None
    person = Person.objects.filter(staff_code=code, unit__tree_id=tree_id, is_active=True).first()
    if person is None:
        raise DomainError(
            gettext("ไม่พบบุคลากรรหัส %(code)s ในส่วนราชการนี้") % {"code": code}, field=field
        )
    return person


def person_for_field(
    value: str, *, queryset: QuerySet[Person], field: str, label: str
) -> Person | None:
    """The one person of `queryset` that a typed value names: a staff code, a person's id (what
    the picker may post), or an exact full name (with or without the title); None for a blank
    value. A Thai DomainError naming the field otherwise."""
    value = " ".join((value or "").split())
    if not value:
        return None
    found = list(queryset.filter(staff_code=value)[:1])
    if not found and value.isdigit() and len(value) < 10:
        found = list(queryset.filter(pk=int(value))[:1])
    if not found:
        first, _, last = value.partition(" ")
        # "สมชาย ใจดี", or the full name as shown with its title joined: "นายสมชาย ใจดี".
        found = (
            list(
                queryset.annotate(titled_name=Concat("title", "first_name"))
                .filter(Q(first_name=first) | Q(titled_name=first), last_name=last)
                .order_by("pk")[:2]
            )
            if last
            else []
        )
        if len(found) > 1:
            raise DomainError(
                gettext("%(label)s: มีบุคลากรชื่อ “%(v)s” มากกว่าหนึ่งคน โปรดเลือกจากรายการหรือพิมพ์รหัสบุคลากร")
                % {"label": label, "v": value},
                field=field,
            )
    if not found:
        raise DomainError(
            gettext("%(label)s: ไม่พบบุคลากรรหัสหรือชื่อ “%(v)s” ในผู้ที่ท่านระบุได้ของส่วนราชการนี้")
            % {"label": label, "v": value},
            field=field,
        )
    return found[0]


# --- evaluators --------------------------------------------------------------------------------


def _effective_head_id(unit: OrgUnit) -> int | None:
    return unit.acting_head_id or unit.head_id


def _ancestors_of(units: list[OrgUnit]) -> dict[int, list[OrgUnit]]:
    """For each unit, itself and its ancestors nearest first (one query per 200 units, or one
    for the units' whole trees when there are many)."""
    result: dict[int, list[OrgUnit]] = {u.pk: [] for u in units}
    distinct = list({u.pk: u for u in units}.values())
    related = ("head__user", "acting_head__user")
    if len(distinct) > MANY_UNITS:
        # Most of a department's units (a round's opening): its whole trees in one query cost
        # less than their ancestors asked for in chunks of OR-ed ranges.
        trees = {u.tree_id for u in distinct}
        found = {
            a.pk: a
            for a in OrgUnit.objects.filter(tree_id__in=trees).select_related(*related).order_by()
        }
    else:
        found = {}
        for i in range(0, len(distinct), ANCESTOR_CHUNK):
            chunk = distinct[i : i + ANCESTOR_CHUNK]
            cond = reduce(
                or_,
                [Q(tree_id=u.tree_id, lft__lte=u.lft, rght__gte=u.rght) for u in chunk],
            )
            for a in OrgUnit.objects.filter(cond).select_related(*related):
                found[a.pk] = a
    # Every ancestor of a unit found is an ancestor of the unit too, so each chain is a walk up
    # the parent links through what was found: linear in the units, where comparing each unit
    # with every unit found was quadratic (most of seeding and opening a round at 300,000 staff).
    for u in distinct:
        chain = []
        node = found.get(u.pk)
        while node is not None:
            chain.append(node)
            node = found.get(node.parent_id)
        result[u.pk] = chain
    return result


def evaluators_for(people: list[Person]) -> dict[int, Person | None]:
    """Default evaluator of each person, in a fixed number of queries.

    An override wins. Otherwise: the effective head (acting head if named) of the person's
    unit; for a unit head, of the parent of the unit they head; vacancies roll up the tree.
    """
    people = list(people)
    if not people:
        return {}
    ids = [p.pk for p in people]
    headed: dict[int, OrgUnit] = {}
    if len(ids) > MANY_PEOPLE:
        # A department's staff (a round's opening): every unit with a head, the holders picked
        # here, instead of two IN lists of a quarter of a million ids to compile and send.
        wanted = set(ids)
        candidates = OrgUnit.objects.filter(
            Q(acting_head__isnull=False) | Q(head__isnull=False)
        ).order_by()
    else:
        wanted = None
        candidates = OrgUnit.objects.filter(
            Q(acting_head_id__in=ids) | Q(head_id__in=ids, acting_head__isnull=True)
        )
    for u in candidates:
        holder = u.acting_head_id or u.head_id
        if wanted is not None and holder not in wanted:
            continue
        if holder not in headed or u.depth < headed[holder].depth:
            headed[holder] = u
    start_ids = {}
    for p in people:
        if p.evaluator_override_id:
            continue
        hu = headed.get(p.pk)
        start_ids[p.pk] = hu.parent_id if hu is not None else p.unit_id
    starts = {u.pk: u for u in OrgUnit.objects.filter(pk__in={s for s in start_ids.values() if s})}
    chains = _ancestors_of(list(starts.values()))
    overrides = {
        o.pk: o
        for o in Person.objects.filter(
            pk__in={p.evaluator_override_id for p in people if p.evaluator_override_id}
        ).select_related("user")
    }
    result: dict[int, Person | None] = {}
    for p in people:
        if p.evaluator_override_id:
            result[p.pk] = overrides.get(p.evaluator_override_id)
            continue
        result[p.pk] = None
        start = start_ids.get(p.pk)
        for unit in chains.get(start, []) if start else []:
            head_id = _effective_head_id(unit)
            if head_id and head_id != p.pk:
                result[p.pk] = unit.acting_head if unit.acting_head_id else unit.head
                break
    return result


def evaluator_of(person: Person) -> Person | None:
    return evaluators_for([person])[person.pk]


def evaluator_chain(person: Person, depth: int = 2) -> list[Person]:
    """[evaluator, higher supervisor, ...] up to `depth` people, without repeats."""
    chain: list[Person] = []
    current = person
    seen = {person.pk}
    for _ in range(depth):
        nxt = evaluator_of(current)
        if nxt is None or nxt.pk in seen:
            break
        chain.append(nxt)
        seen.add(nxt.pk)
        current = nxt
    return chain


def evaluatees_of(evaluator_ids: Iterable[int]) -> dict[int, list[Person]]:
    """People whose evaluator is each given person; queries grow with tree depth, not size."""
    evaluator_ids = set(evaluator_ids)
    result: dict[int, list[Person]] = {e: [] for e in evaluator_ids}
    if not evaluator_ids:
        return result
    roll_up: set[int] = set()  # units whose people report to one of the evaluators
    head_candidates: set[int] = set()
    frontier: list[int] = []
    for u in OrgUnit.objects.filter(
        Q(acting_head_id__in=evaluator_ids) | Q(head_id__in=evaluator_ids, acting_head__isnull=True)
    ).only("id"):
        roll_up.add(u.pk)
        frontier.append(u.pk)
    while frontier:
        children = OrgUnit.objects.filter(parent_id__in=frontier).only("id", "head", "acting_head")
        frontier = []
        for child in children:
            head_id = _effective_head_id(child)
            if head_id:
                head_candidates.add(head_id)
            elif child.pk not in roll_up:
                roll_up.add(child.pk)
                frontier.append(child.pk)
    candidates = list(
        Person.objects.filter(
            Q(unit_id__in=roll_up)
            | Q(pk__in=head_candidates)
            | Q(evaluator_override_id__in=evaluator_ids),
            is_active=True,
        ).select_related("unit", "position")
    )
    evaluators = evaluators_for(candidates)
    for p in sorted(candidates, key=lambda p: (p.first_name, p.last_name, p.pk)):
        e = evaluators.get(p.pk)
        if e is not None and e.pk in result and e.pk != p.pk:
            result[e.pk].append(p)
    return result


def people_evaluated_by(evaluator: Person | None) -> list[Person]:
    """The people this person evaluates."""
    if evaluator is None:
        return []
    return evaluatees_of([evaluator.pk])[evaluator.pk]


# --- pages ---------------------------------------------------------------------------------------


def tree_roots_for(user) -> QuerySet[OrgUnit]:
    return (
        units_visible_to(user)
        .filter(parent__isnull=True)
        .select_related("ministry", "head", "acting_head")
        .order_by("ministry__code", "code")
    )


def unit_children(*, user, unit: OrgUnit) -> QuerySet[OrgUnit]:
    return (
        units_visible_to(user)
        .filter(parent=unit)
        .select_related("head", "acting_head")
        .order_by("code")
    )


def unit_search(*, user, query: str, limit: int = 50) -> list[OrgUnit]:
    """Units whose name, short name or code matches, or which hold a position with that number."""
    query = (query or "").strip()
    if not query:
        return []
    # A subquery for position numbers: joining positions would multiply every matching unit by
    # its positions and make the DISTINCT sort spill to disk at ministry scale.
    by_position = Position.objects.filter(number=query).values("unit_id")
    visible = units_visible_to(user)
    by_text = Q(name__icontains=query) | Q(short_name__icontains=query) | Q(code=query)
    matching = visible.filter(by_text | Q(pk__in=by_position))
    # The matching ids first, unordered and the names apart from the position numbers, so that
    # PostgreSQL reads them through the trigram indexes (a sub-select in the OR kept it from
    # them); then the first page of them in tree order. With ORDER BY the tree and LIMIT in one
    # query it walked the department's units testing each name: 23 ms for a word no unit has
    # (a surname) among 19,782 units, against 2 ms this way.
    ids = list(
        visible.filter(by_text)
        .order_by()
        .values_list("pk", flat=True)
        .union(visible.filter(pk__in=by_position).order_by().values_list("pk", flat=True))[
            : UNIT_MATCHES + 1
        ]
    )
    if not ids:
        return []
    # A word in very many names ("กลุ่มงาน"): the walk in tree order meets the first ones soon.
    qs = matching if len(ids) > UNIT_MATCHES else OrgUnit.objects.filter(pk__in=ids)
    return list(qs.select_related("head", "acting_head").order_by("tree_id", "lft")[:limit])


def people_nameable(user, *, tree_id: int) -> QuerySet[Person]:
    """The active people of one department whom the user may name in a form of that department
    (a unit head, an evaluator, a KPI owner, a delegate, a committee member).

    An administrator, and HR with a scope in that department, name anyone of it (an evaluator
    or a higher supervisor often sits above the HR officer's subtree); anyone else names only
    the people whose page they may open (a head their team and their own chain)."""
    roles = roles_of(user)
    if roles.is_admin or any(u.tree_id == tree_id for u in roles.hr_scopes):
        return Person.objects.filter(unit__tree_id=tree_id, is_active=True)
    return people_visible_to(user).filter(unit__tree_id=tree_id, is_active=True)


def person_search(*, user, query: str, limit: int = 50, tree_id: int | None = None) -> list[Person]:
    """People the user may open whose name, surname or full name matches, or whose staff code
    is the query; in their units' order. With `tree_id`, only the people of that department
    the user may name there (the person picker's suggestions)."""
    query = " ".join((query or "").split())
    if not query:
        return []
    cond = Q(first_name__icontains=query) | Q(last_name__icontains=query) | Q(staff_code=query)
    first, _, last = query.partition(" ")
    if last:
        cond |= Q(first_name__icontains=first, last_name__icontains=last)
    qs = people_visible_to(user) if tree_id is None else people_nameable(user, tree_id=tree_id)
    order = ("unit__tree_id", "unit__lft", "first_name", "last_name", "pk")
    # The page's ids first, then their rows with unit and position: joined in one go, the
    # position was read for every match (thousands for a common surname) before the LIMIT.
    page = qs.filter(cond, is_active=True).order_by(*order).values("pk")[:limit]
    return list(
        Person.objects.filter(pk__in=page).select_related("unit", "position").order_by(*order)
    )


def breadcrumbs_for(units: list[OrgUnit]) -> dict[int, list[OrgUnit]]:
    """Ancestors (root first) of each unit, in one query per 200 units."""
    chains = _ancestors_of(units)
    return {pk: list(reversed(chain)) for pk, chain in chains.items()}


# The old private spelling, until nothing imports it (tests/test_architecture.py refuses it).


def unit_people(unit: OrgUnit, *, who: str = ""):
    """The active people of one unit by position number, matching a staff code or a name (a
    word of the first or last name, or "first last") when one is given."""
    qs = unit.people.filter(is_active=True).select_related("position")
    if who:
        cond = Q(staff_code=who) | Q(first_name__icontains=who) | Q(last_name__icontains=who)
        first, _sep, last = who.partition(" ")
        if last:
            cond |= Q(first_name__icontains=first, last_name__icontains=last)
        qs = qs.filter(cond)
    return qs.order_by("position__number", "pk")
