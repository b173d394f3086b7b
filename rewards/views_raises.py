"""HR's salary raise pages (DOMAIN §7): a round's budget units and sheets, the tables of bases,
band ranges and budget percents, and one sheet with its people, proposal, adjustments and
confirmation. Fetch through the user's rounds (404 outside), check the rule (403), delegate."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods

from appraisal.models import BAND_LABELS, AppraisalRound, band_label
from appraisal.selectors import rounds_visible_to
from appraisal.views_common import get_round
from appraisal.views_hr import round_context
from common.errors import DomainError
from common.inputs import parse_id
from common.models import DataAccess, record_access
from common.permissions import can
from common.views import get_scoped_or_404
from orgchart.selectors import roles_of
from rewards import selectors_raises as sel
from rewards import services
from rewards.forms_raises import (
    AdjustForm,
    BaseRowForm,
    BudgetUnitForm,
    EligibilityForm,
    RangeRowForm,
    RateRowForm,
)
from rewards.models import BudgetUnit, RaiseGroup, RaiseSheet

PERM = services.PERM


def get_raise_round(request, pk) -> AppraisalRound:
    """The round if the user may manage its raises: 404 outside their rounds, else 403."""
    return get_round(request, pk, PERM)


def get_sheet(request, pk) -> RaiseSheet:
    """The sheet if the user may manage its round's raises: 404 outside, else 403."""
    sheet = get_scoped_or_404(
        RaiseSheet.objects.select_related("round__department", "budget_unit").filter(
            round__in=rounds_visible_to(request.user)
        ),
        pk=pk,
    )
    if not can(request.user, PERM, sheet.round):
        raise PermissionDenied(PERM)
    return sheet


def _errors(form) -> str:
    return " ".join(
        f"{form.fields[f].label if f in form.fields else ''}: {' '.join(e)}".lstrip(": ")
        for f, e in form.errors.items()
    )


@login_required
@require_http_methods(["GET", "POST"])
def raises(request, pk: int):
    """The round's raise sheets, one per budget unit and staff group; POST creates one."""
    rnd = get_raise_round(request, pk)
    if request.method == "POST":
        unit_id = parse_id(request.POST.get("budget_unit"))
        budget_unit = None
        if unit_id:
            budget_unit = BudgetUnit.objects.filter(department=rnd.department, pk=unit_id).first()
            if budget_unit is None:
                messages.error(request, "ไม่พบหน่วยวงเงินนี้")
                return redirect("rewards:raises", pk=rnd.pk)
        try:
            sheet = services.raise_sheet_create(
                actor=request.user,
                rnd=rnd,
                budget_unit=budget_unit,
                staff_group=request.POST.get("staff_group", ""),
            )
        except DomainError as exc:
            messages.error(request, exc.message)
            return redirect("rewards:raises", pk=rnd.pk)
        messages.success(request, "สร้างบัญชีเลื่อนเงินเดือนแล้ว")
        return redirect("rewards:raise_sheet", pk=sheet.pk)
    slots = sel.sheet_slots(rnd)
    for slot in slots:
        sheet = slot["sheet"]
        slot["figures"] = sel.figures(sheet) if sheet else None
    return render(
        request,
        "rewards/raises/index.html",
        {
            **round_context(request, rnd, "raises"),
            "slots": slots,
            "effective_on": sel.effective_on(rnd),
            "roll_on": sel.roll_on(rnd),
            "budget_units": sel.budget_units_of(rnd.department),
        },
    )


TABLE_FORMS = {"base": BaseRowForm, "range": RangeRowForm, "rate": RateRowForm}


@login_required
@require_http_methods(["GET", "POST"])
def raise_tables(request, pk: int):
    """The tables of the round's department: bases per grade, band ranges, budget percents and
    budget units; a POST adds a row (or changes the row of the same date)."""
    rnd = get_raise_round(request, pk)
    department = rnd.department
    forms = {
        "base": BaseRowForm(prefix="base"),
        "range": RangeRowForm(prefix="range"),
        "rate": RateRowForm(prefix="rate"),
        "unit": BudgetUnitForm(prefix="unit", department=department),
    }
    if request.method == "POST":
        kind = request.POST.get("kind", "")
        if kind == "unit_delete":
            unit = BudgetUnit.objects.filter(
                department=department, pk=parse_id(request.POST.get("budget_unit"))
            ).first()
            try:
                if unit is None:
                    raise DomainError("ไม่พบหน่วยวงเงินนี้")
                services.budget_unit_delete(actor=request.user, budget_unit=unit)
            except DomainError as exc:
                messages.error(request, exc.message)
            else:
                messages.success(request, "ลบหน่วยวงเงินแล้ว")
            return redirect("rewards:raise_tables", pk=rnd.pk)
        if kind == "unit":
            form = BudgetUnitForm(request.POST, prefix="unit", department=department)
        elif kind in TABLE_FORMS:
            form = TABLE_FORMS[kind](request.POST, prefix=kind)
        else:
            messages.error(request, "ไม่รู้จักคำสั่งนี้")
            return redirect("rewards:raise_tables", pk=rnd.pk)
        forms[kind] = form
        if form.is_valid():
            data = form.cleaned_data
            try:
                if kind == "base":
                    services.raise_base_set(actor=request.user, department=department, **data)
                elif kind == "range":
                    services.raise_range_set(actor=request.user, department=department, **data)
                elif kind == "rate":
                    services.raise_budget_rate_set(
                        actor=request.user, department=department, **data
                    )
                else:
                    services.budget_unit_create(
                        actor=request.user,
                        department=department,
                        name=data["name"],
                        units=list(data["units"]),
                    )
            except DomainError as exc:
                field = exc.field if exc.field in form.fields else None
                form.add_error(field, exc.message)
            else:
                messages.success(request, "บันทึกแล้ว")
                return redirect("rewards:raise_tables", pk=rnd.pk)
    rows = sel.table_rows(department)
    return render(
        request,
        "rewards/raises/tables.html",
        {
            **round_context(request, rnd, "raises"),
            "forms": forms,
            "bases": rows["bases"],
            "ranges": [(r, band_label(r.band)) for r in rows["ranges"]],
            "rates": rows["rates"],
            "budget_units": sel.budget_units_of(department),
            "effective_on": sel.effective_on(rnd),
            "in_force": {
                "bases": {
                    r.pk for r in sel.bases_in_force(department, sel.effective_on(rnd)).values()
                },
                "ranges": {
                    r.pk
                    for g in RaiseGroup.values
                    for r in sel.ranges_in_force(department, g, sel.effective_on(rnd)).values()
                },
                "rates": {
                    r.pk
                    for g in RaiseGroup.values
                    if (r := sel.budget_rate_in_force(department, g, sel.effective_on(rnd)))
                },
            },
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def raise_sheet(request, pk: int):
    """One sheet: budget, used and left in view; propose, adjust one person, mark ineligible,
    read the released results again, confirm."""
    sheet = get_sheet(request, pk)
    if request.method == "POST":
        done = _act(request, sheet)
        # Back to the person's row when it worked; to the top, where the refusal is, if not
        # (an explicit #top, or the browser would keep the row's fragment across the redirect).
        anchor = request.POST.get("line", "")
        row = f"#line-{anchor}" if done and anchor.isdigit() else "#top"
        return redirect(request.path + row)
    # The sheet shows every salary of its budget unit (PDPA): its reading goes to the access log.
    record_access(
        request,
        what=DataAccess.SALARY,
        subject_type="unit",
        subject_id=sheet.budget_unit_id or sheet.round.department_id,
        subject_name=f"{sheet.unit_name} ({sheet.round.code})",
        obj=sheet,
    )
    me = roles_of(request.user).person
    lines = list(sel.lines_of(sheet))
    for line in lines:
        line.band_label = band_label(line.band)
        line.own = me is not None and me.pk == line.person_id
    return render(
        request,
        "rewards/raises/sheet.html",
        {
            **round_context(request, sheet.round, "raises"),
            "sheet": sheet,
            "lines": lines,
            "fig": sel.figures(sheet),
            "history": sel.sheet_history(sheet),
            "ranges": [
                (label, in_force[band])
                for band, label in BAND_LABELS.items()
                if band
                in (
                    in_force := sel.ranges_in_force(
                        sheet.round.department, sheet.staff_group, sheet.effective_on
                    )
                )
            ],
        },
    )


def _act(request, sheet: RaiseSheet) -> bool:
    """Do the POSTed action; False (with the message shown) when it was refused."""
    action = request.POST.get("action", "")
    user = request.user
    try:
        if action == "propose":
            used = services.raise_propose(actor=user, sheet=sheet)
            messages.success(
                request,
                f"คำนวณข้อเสนอแล้ว ใช้เงิน {services.baht(used)} บาท "
                f"จากวงเงิน {services.baht(sheet.budget)} บาท",
            )
        elif action == "adjust":
            form = AdjustForm(request.POST)
            if not form.is_valid():
                messages.error(request, _errors(form))
                return False
            line = services.raise_adjust(
                actor=user,
                sheet=sheet,
                line_id=form.cleaned_data["line"],
                percent=form.cleaned_data["percent"],
                amount=form.cleaned_data["amount"],
            )
            messages.success(request, f"บันทึกแล้ว: {line.name} เลื่อน {services.baht(line.amount)} บาท")
        elif action == "eligibility":
            form = EligibilityForm(request.POST)
            if not form.is_valid():
                messages.error(request, _errors(form))
                return False
            line = services.raise_eligibility_set(
                actor=user,
                sheet=sheet,
                line_id=form.cleaned_data["line"],
                reason=form.cleaned_data["reason"],
            )
            messages.success(request, f"บันทึกสิทธิของ {line.name} แล้ว")
        elif action == "refresh":
            changed = services.raise_sheet_refresh(actor=user, sheet=sheet)
            messages.success(request, f"อ่านผลการประเมินที่ประกาศแล้วอีกครั้ง เปลี่ยน {changed} ราย")
        elif action == "confirm":
            raised = services.raise_sheet_confirm(actor=user, sheet=sheet)
            messages.success(request, f"ยืนยันบัญชีแล้ว บันทึกเงินเดือนใหม่ {raised} ราย มีผลตามวันที่ในบัญชี")
        else:
            messages.error(request, "ไม่รู้จักคำสั่งนี้")
            return False
    except DomainError as exc:
        messages.error(request, exc.message)
        return False
    return True
