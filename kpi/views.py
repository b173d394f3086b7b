"""KPI pages: unit list, template sheet, edit, OS matrix, cascade, cascade tree, targets, results."""

from __future__ import annotations

from decimal import Decimal

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from common.errors import ConflictError, DomainError, thai_message
from common.inputs import parse_id, search_text
from common.permissions import can, require
from common.views import get_scoped_or_404
from kpi import selectors, services, targets
from kpi.forms import CascadeForm, DelegateForm, KpiForm, ResultForm, TargetHelperForm
from kpi.models import CascadeMethod, KpiTier
from orgchart.models import OrgUnit
from orgchart.person_field import person_picker
from orgchart.selectors import people_nameable, person_for_field, roles_of, units_visible_to


def _unit(request, pk) -> OrgUnit:
    unit = get_scoped_or_404(units_visible_to(request.user).select_related("parent"), pk=pk)
    require(request.user, "kpi.view_unit_kpis", unit)
    return unit


def _kpi(request, pk):
    kpi = get_scoped_or_404(
        selectors.kpis_visible_to(request.user).select_related(
            "unit", "person", "parent", "supervisor", "collector"
        ),
        pk=pk,
    )
    require(request.user, "kpi.view_kpi", kpi)
    return kpi


def _form_error(form, exc: DomainError) -> None:
    field = exc.field if exc.field in form.fields else None
    form.add_error(field, exc.message)


@login_required
@require_GET
def index(request):
    """KPIs start from the user's own unit, or the first unit of their HR scope."""
    roles = roles_of(request.user)
    unit = roles.person.unit if roles.person else (roles.hr_scopes[0] if roles.hr_scopes else None)
    if unit is None:
        unit = (
            OrgUnit.objects.filter(parent__isnull=True).order_by("code").first()
            if roles.is_admin
            else None
        )
    if unit is None:
        messages.info(request, _("ยังไม่มีหน่วยงานที่ท่านเข้าถึงได้"))
        return redirect("home")
    return redirect("kpi:unit", pk=unit.pk)


@login_required
@require_GET
def unit_list(request, pk: int):
    unit = _unit(request, pk)
    year = selectors.parse_fiscal_year(request.GET.get("year"))
    kpis = selectors.unit_kpis(unit=unit, fiscal_year=year)
    return render(
        request,
        "kpi/unit_list.html",
        {
            "unit": unit,
            "year": year,
            "years": [year - 1, year, year + 1],
            "kpis": kpis,
            "weight_total": sum((k.weight or Decimal(0) for k in kpis), Decimal(0)),
            "warnings": selectors.unit_warnings(unit=unit, fiscal_year=year, kpis=kpis),
            "can_edit": can(request.user, "kpi.edit_unit_kpis", unit),
            "subunits": OrgUnit.objects.filter(parent=unit, is_active=True).order_by("code"),
        },
    )


@login_required
@require_GET
def detail(request, pk: int):
    kpi = _kpi(request, pk)
    return render(
        request,
        "kpi/detail.html",
        {
            "kpi": kpi,
            "children": kpi.children.select_related("unit", "person").order_by("code", "pk"),
            "results": kpi.results.select_related("recorded_by")[:20],
            "assignments": kpi.assignments.select_related("unit", "person"),
            "warnings": selectors.quality.check_kpi(
                selectors.facts_of(kpi), individual=kpi.tier == KpiTier.PERSON
            ),
            "can_edit": can(request.user, "kpi.change_kpi", kpi),
            "can_record": can(request.user, "kpi.record_result", kpi),
            "result_form": ResultForm(kpi=kpi),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def create(request, pk: int):
    unit = _unit(request, pk)
    require(request.user, "kpi.edit_unit_kpis", unit)
    year = selectors.parse_fiscal_year(request.GET.get("year") or request.POST.get("year"))
    form = KpiForm(request.POST or None, unit=unit, user=request.user)
    if request.method == "POST" and form.is_valid():
        tier = KpiTier.ORGANISATION if unit.parent_id is None else KpiTier.UNIT
        try:
            kpi = services.kpi_create(
                actor=request.user, fiscal_year=year, tier=tier, unit=unit, **form.service_fields()
            )
        except DomainError as exc:
            _form_error(form, exc)
        else:
            messages.success(request, _("บันทึกตัวชี้วัดแล้ว"))
            return redirect("kpi:detail", pk=kpi.pk)
    return render(request, "kpi/form.html", {"form": form, "unit": unit, "year": year, "kpi": None})


@login_required
@require_http_methods(["GET", "POST"])
def edit(request, pk: int):
    kpi = _kpi(request, pk)
    require(request.user, "kpi.change_kpi", kpi)
    form = KpiForm(request.POST or None, instance=kpi, unit=kpi.unit, user=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            services.kpi_update(
                kpi=kpi,
                actor=request.user,
                expected_version=form.cleaned_data.get("version"),
                **form.service_fields(),
            )
        except ConflictError as exc:
            form.add_error(None, exc.message)
        except DomainError as exc:
            _form_error(form, exc)
        else:
            messages.success(request, _("บันทึกตัวชี้วัดแล้ว"))
            return redirect("kpi:detail", pk=kpi.pk)
    return render(
        request,
        "kpi/form.html",
        {"form": form, "unit": kpi.unit, "year": kpi.fiscal_year, "kpi": kpi},
    )


OS_PER_PAGE = 25  # KPI rows of the OS matrix on one page


def _query(params: dict) -> str:
    return urlencode({k: v for k, v in params.items() if v not in (None, "")})


@login_required
@require_http_methods(["GET", "POST"])
def os_matrix(request, pk: int):
    unit = _unit(request, pk)
    year = selectors.parse_fiscal_year(request.GET.get("year") or request.POST.get("year"))
    can_edit = can(request.user, "kpi.edit_unit_kpis", unit)
    matrix = selectors.os_matrix(unit=unit, fiscal_year=year)
    # The rows shown: those matching the search (KPI, or a sub-unit or person holding a cell
    # in the row), one page of them. A save writes the rows of that page only, each whole
    # (every column), so what is not shown is left as it was.
    q = search_text(request.GET.get("q") or request.POST.get("q"))
    rows = selectors.os_matrix_rows_matching(matrix, q)
    page = Paginator(rows, OS_PER_PAGE).get_page(
        request.GET.get("page") or request.POST.get("page")
    )
    shown = list(page)
    errors = []
    if request.method == "POST":
        require(request.user, "kpi.edit_unit_kpis", unit)
        posted_ids = {parse_id(v) for v in request.POST.getlist("kpi")}
        shown = [k for k in matrix.kpis if k.pk in posted_ids] or shown
        cells = {
            kpi.pk: {
                col.key: request.POST.get(f"c-{kpi.pk}-{col.key}", "").strip().upper()
                for col in matrix.columns
            }
            for kpi in shown
        }
        roles = {}
        nameable = people_nameable(request.user, tree_id=unit.tree_id)
        try:
            for kpi in shown:
                roles[kpi.pk] = {
                    field: _person_code(request.POST.get(f"{field}-{kpi.pk}", ""), nameable, field)
                    for field in ("supervisor", "collector")
                }
            services.os_matrix_save(
                unit=unit,
                fiscal_year=year,
                columns=matrix.columns,
                cells=cells,
                roles=roles,
                actor=request.user,
            )
        except DomainError as exc:
            errors = exc.message.split("; ")
            matrix.cells = {
                (kid, key): v for kid, row in cells.items() for key, v in row.items() if v
            }
        else:
            messages.success(request, _("บันทึกตาราง OS Matrix แล้ว"))
            back = {"year": year, "q": q, "page": page.number if page.number > 1 else ""}
            return redirect(f"{reverse('kpi:os_matrix', kwargs={'pk': unit.pk})}?{_query(back)}")
    if can_edit:
        posted = request.POST if request.method == "POST" else {}
        for kpi in shown:
            for field, label in (("supervisor", _("ผู้กำกับดูแล")), ("collector", _("ผู้จัดเก็บข้อมูล"))):
                name = f"{field}-{kpi.pk}"
                person = getattr(kpi, field)
                value = posted.get(name, person.staff_code if person else "")
                setattr(
                    kpi,
                    f"{field}_picker",
                    person_picker(name, value, unit=unit, label=label, small=True),
                )
    return render(
        request,
        "kpi/os_matrix.html",
        {
            "unit": unit,
            "year": year,
            "years": [year - 1, year, year + 1],
            "matrix": matrix,
            "rows": shown,
            "page": page,
            "q": q,
            "pages_qs": _query({"year": year, "q": q}),
            "can_edit": can_edit,
            "errors": errors,
            "posted": request.POST if request.method == "POST" else None,
        },
    )


def _person_code(value: str, people, field: str):
    """A person by staff code or name among those the user may name, the message saying which
    column of the matrix was wrong."""
    label = {"supervisor": _("ผู้กำกับดูแล"), "collector": _("ผู้จัดเก็บข้อมูล")}[field]
    return person_for_field(value, queryset=people, field=field, label=label)


@login_required
@require_GET
def cascade_tree(request, pk: int):
    unit = _unit(request, pk)
    year = selectors.parse_fiscal_year(request.GET.get("year"))
    forest = selectors.cascade_forest(unit=unit, fiscal_year=year)
    return render(
        request,
        "kpi/cascade_tree.html",
        {
            "unit": unit,
            "year": year,
            "years": [year - 1, year, year + 1],
            "rows": [node for root in forest for node in root.walk()],
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def cascade(request, pk: int):
    kpi = _kpi(request, pk)
    require(request.user, "kpi.change_kpi", kpi)
    matrix = selectors.os_matrix(unit=kpi.unit, fiscal_year=kpi.fiscal_year)
    assigned = {key: role for (kid, key), role in matrix.cells.items() if kid == kpi.pk}
    form = CascadeForm(request.POST or None, initial={"method": CascadeMethod.DIRECT})
    if request.method == "POST" and form.is_valid():
        chosen = []
        try:
            for col in matrix.columns:
                if not request.POST.get(f"pick-{col.key}"):
                    continue
                target = request.POST.get(f"target-{col.key}", "").strip().replace(",", "")
                weight = request.POST.get(f"weight-{col.key}", "").strip()
                chosen.append(
                    services.CascadeChild(
                        unit=col.unit,
                        person=col.person,
                        target=_decimal(target, _("ค่าเป้าหมาย")) if target else None,
                        weight=_decimal(weight, _("น้ำหนัก")) if weight else None,
                        name=request.POST.get(f"name-{col.key}", ""),
                    )
                )
            created = services.kpi_cascade(
                parent=kpi, method=form.cleaned_data["method"], children=chosen, actor=request.user
            )
        except DomainError as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(request, _("ถ่ายทอดตัวชี้วัดแล้ว %(n)d รายการ") % {"n": len(created)})
            return redirect("kpi:detail", pk=kpi.pk)
    return render(
        request,
        "kpi/cascade.html",
        {
            "kpi": kpi,
            "form": form,
            "columns": matrix.columns,
            "assigned": assigned,
            "posted": request.POST if request.method == "POST" else None,
        },
    )


def _decimal(text: str, label: str) -> Decimal:
    try:
        value = Decimal(text)
    except ArithmeticError:
        raise DomainError(
            _("%(label)s ต้องเป็นตัวเลข (ได้ “%(text)s”)") % {"label": label, "text": text[:20]}
        ) from None
    if not value.is_finite() or abs(value) >= Decimal("1e10"):
        raise DomainError(
            _("%(label)s ต้องเป็นตัวเลข (ได้ “%(text)s”)") % {"label": label, "text": text[:20]}
        )
    return value


@login_required
@require_http_methods(["GET", "POST"])
def target_helper(request, pk: int):
    kpi = _kpi(request, pk)
    can_edit = can(request.user, "kpi.change_kpi", kpi)
    form = TargetHelperForm(request.POST or request.GET or None)
    suggestion = thresholds = None
    problem = None
    baseline = [b for b in kpi.baseline if b is not None]
    if len(baseline) < 2:
        problem = _("ต้องมีผลการดำเนินงานย้อนหลังอย่างน้อย 2 ปีจึงจะเสนอค่าเป้าหมายได้")
    elif form.is_valid():
        data = form.cleaned_data
        try:
            suggestion = targets.suggest_target(
                baseline,
                kpi.direction,
                imposed=data.get("imposed"),
                benchmark=data.get("benchmark"),
                places=data.get("places"),
            )
            if data.get("step"):
                thresholds = targets.suggest_thresholds(
                    suggestion.level3, data["step"], kpi.direction
                )
        except (ValueError, TypeError) as exc:
            problem = thai_message(exc) if isinstance(exc, ValueError) else str(exc)
    if request.method == "POST" and thresholds and request.POST.get("apply"):
        require(request.user, "kpi.change_kpi", kpi)
        try:
            services.kpi_update(
                kpi=kpi,
                actor=request.user,
                **{f"threshold_{i}": v for i, v in enumerate(thresholds, start=1)},
            )
        except DomainError as exc:
            problem = exc.message
        else:
            messages.success(request, _("ใช้เกณฑ์ที่เสนอกับตัวชี้วัดแล้ว"))
            return redirect("kpi:detail", pk=kpi.pk)
    return render(
        request,
        "kpi/targets.html",
        {
            "kpi": kpi,
            "form": form,
            "suggestion": suggestion,
            "thresholds": thresholds,
            "problem": problem,
            "can_edit": can_edit,
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def delegates(request, pk: int):
    unit = _unit(request, pk)
    can_change = can(request.user, "kpi.delegate_unit_kpis", unit)
    if request.method == "POST":
        require(request.user, "kpi.delegate_unit_kpis", unit)
        removing = request.POST.get("action") == "remove"
        form = DelegateForm(request.POST, unit=unit, user=request.user)
        try:
            if removing:  # a listed delegate, whoever appointed them
                person = unit.kpi_delegates.filter(
                    person__staff_code=(request.POST.get("staff_code") or "").strip()
                ).first()
                person = person.person if person else None
                if person is None:
                    raise DomainError(_("ไม่พบผู้ได้รับมอบหมายนี้"), field="staff_code")
            elif form.is_valid():
                person = form.cleaned_data["staff_code"]
            else:
                raise DomainError(" ".join(form.errors["staff_code"]), field="staff_code")
            services.kpi_delegate_set(
                unit=unit, person=person, active=not removing, actor=request.user
            )
        except DomainError as exc:
            messages.error(request, exc.message)
        else:
            messages.success(request, _("บันทึกผู้ได้รับมอบหมายแล้ว"))
        return redirect("kpi:delegates", pk=unit.pk)
    people = [
        d.person
        for d in unit.kpi_delegates.select_related("person__position").order_by(
            "person__first_name"
        )
    ]
    form = DelegateForm(unit=unit, user=request.user) if can_change else None
    return render(
        request,
        "kpi/delegates.html",
        {"unit": unit, "people": people, "can_change": can_change, "form": form},
    )


@login_required
@require_POST
def record_result(request, pk: int):
    kpi = _kpi(request, pk)
    require(request.user, "kpi.record_result", kpi)
    form = ResultForm(request.POST, kpi=kpi)
    if form.is_valid():
        data = form.cleaned_data
        try:
            result = services.kpi_result_record(
                kpi=kpi,
                actor=request.user,
                period_end=data["period_end"],
                actual=data.get("actual"),
                steps_done=data.get("steps_done"),
                success=data.get("success"),
                evidence=data["evidence"],
            )
        except DomainError as exc:
            messages.error(request, exc.message)
        else:
            messages.success(request, _("บันทึกผลแล้ว ได้ระดับ %(level)d") % {"level": result.level})
    else:
        for field, errs in form.errors.items():
            label = form.fields[field].label if field in form.fields else ""
            messages.error(request, f"{label}: {' '.join(errs)}" if label else " ".join(errs))
    return redirect("kpi:detail", pk=kpi.pk)
