"""What each printed form shows, as plain data: every figure comes from the one result of the
form (appraisal.selectors.form_result → appraisal.scoring.form_result) and is only formatted
here (round2 and friends), never worked out another way.

A form's sheet is a dict of strings, numbers and dates, so that its content hash names exactly
what the page shows (reports/cache.py). Reads are in a fixed number of queries for any number
of forms.
"""

from __future__ import annotations

import copy
from decimal import ROUND_DOWN, ROUND_HALF_UP, Decimal

from django.db.models import Prefetch, QuerySet

from appraisal import scoring
from appraisal import selectors as appraisal_selectors
from appraisal.models import (
    STATE_ORDER,
    AppraisalForm,
    AppraisalRound,
    BarLevelZero,
    CompetencyKind,
    CompetencyMethod,
    FormCompetency,
    FormKpi,
    ItemKind,
    RatioCap,
    StaffGroup,
    State,
)
from appraisal.selectors import form_result
from common import thai
from orgchart import grades
from orgchart.models import OrgUnit, Person
from orgchart.selectors import subtree_q

SHEET_RELATED = (
    "round__department__ministry",
    "person__position",
    "unit",
    "evaluator__position",
    "higher__position",
    "higher2__position",
)
TOP_BANDS = (scoring.OUTSTANDING, scoring.VERY_GOOD)


# --- display of numbers ------------------------------------------------------------------------


def points(value) -> str:
    """A score as the forms show it: two decimals, rounded half up (scoring.round2)."""
    return "" if value is None else str(scoring.round2(value))


def number(value) -> str:
    """A weight, level bound or threshold without trailing zeros: 70, 82.5, 89.99."""
    if value is None:
        return ""
    return format(Decimal(value).normalize(), "f")


def band_label(code: str) -> str:
    return scoring.BAND_LABELS_TH.get(code, "") if code else ""


def exact_text(value, places: int = 4) -> str:
    """An unrounded figure as an equation prints it, so that the equation is true: all its
    decimals (at least 2) when it has at most `places`, else `places` decimals and "…"."""
    d = Decimal(value)
    step = Decimal(1).scaleb(-places)
    if d != d.quantize(step, rounding=ROUND_HALF_UP):
        return f"{d.quantize(step, rounding=ROUND_DOWN)}…"
    d = d.normalize()
    return str(d.quantize(Decimal("0.01"))) if d.as_tuple().exponent > -2 else format(d, "f")


def steps(exact, rounding: str) -> str:
    """What a printed equation says between "=" and the figure shown, when that figure is
    rounded: "57.5568 ≈ " (exact mode), "25.4545… ≈ 25.455 ≈ " (DPIS: 3 decimals, then 2);
    "" when the figure shown is the exact value."""
    if exact is None:
        return ""
    exact = Decimal(exact)
    shown = scoring.round2(scoring.rounded(exact, rounding))
    if exact == shown:
        return ""
    parts = [exact_text(exact)]
    mills = exact.quantize(Decimal("0.001"), rounding=ROUND_HALF_UP)
    if rounding == scoring.DPIS and mills != exact:
        parts.append(str(mills))
    return " ≈ ".join(parts) + " ≈ "


DPIS_NOTE = (
    "คะแนนแต่ละองค์ประกอบปัดเศษตามวิธีของระบบ DPIS (ปัดเป็นทศนิยม 3 ตำแหน่ง แล้วเป็น 2 ตำแหน่ง) "
    "คะแนนรวมเป็นผลรวมของคะแนนที่ปัดแล้ว"
)


# --- one form ----------------------------------------------------------------------------------


def sheet_queryset(qs: QuerySet[AppraisalForm]) -> QuerySet[AppraisalForm]:
    """The forms with everything a sheet reads: five queries for any number of forms."""
    return qs.select_related(*SHEET_RELATED).prefetch_related(
        Prefetch("kpis", queryset=FormKpi.objects.order_by("order", "pk")),
        Prefetch("competencies", queryset=FormCompetency.objects.order_by("order", "pk")),
        "idp",
        "idp_followups",
    )


def _who(person: Person | None) -> dict | None:
    if person is None:
        return None
    pos = person.position
    return {
        "name": person.full_name,
        "position": (pos.management_title or pos.title) if pos else "",
    }


def _legal_position(form: AppraisalForm) -> dict:
    """The line position as the form prints it (title, type, level) and the management title
    on its own line. The form freezes one title, the management one when there is one: the line
    title then comes from the position it was frozen from."""
    pos = form.person.position
    title, management = form.position_title, ""
    if pos is not None and pos.management_title and form.position_title == pos.management_title:
        title, management = pos.title, pos.management_title
    group = form.staff_group
    if group in (StaffGroup.GOVERNMENT_EMPLOYEE, StaffGroup.PERMANENT_EMPLOYEE):
        # Not civil servants: the form names their staff type and กลุ่มงาน, the position's own
        # (Position.work_group, from the import's กลุ่มงาน column); for a พนักงานราชการ
        # without it, the group the list of position names gives (orgchart.grades).
        ptype, grade_label = str(StaffGroup(group).label), "กลุ่มงาน"
        is_ge = group == StaffGroup.GOVERNMENT_EMPLOYEE
        grade = (pos.work_group if pos is not None else "") or (
            grades.government_employee_group(title) if is_ge else ""
        )
    else:
        ptype = grades.TYPE_NAMES.get(form.position_type, "")
        grade_label = "ระดับ"
        grade = (
            grades.GRADES[form.position_grade][1] if form.position_grade in grades.GRADES else ""
        )
    return {
        "title": title,
        "management_title": management,
        "type": ptype,
        "grade_label": grade_label,
        "grade": grade,
    }


def _bands(form: AppraisalForm) -> list[dict]:
    rows = []
    above = None
    for code, lower in form.bands():
        if code == scoring.IMPROVE:
            span = f"ต่ำกว่า {number(above)}"
        elif above is None:
            span = f"{number(lower)} – 100"
        else:
            span = f"{number(lower)} – {number(above - Decimal('0.01'))}"
        rows.append({"code": code, "label": band_label(code), "range": span})
        above = lower
    return rows


def _kpi_groups(kpis: list[FormKpi], result: scoring.FormResult) -> list[dict]:
    groups = []
    no = 0
    figures = dict(zip((r.pk for r in kpis), result.kpi_rows, strict=True))
    for kind in ItemKind:
        rows = []
        for r in kpis:
            if r.kind != kind:
                continue
            fig = figures[r.pk]
            no += 1
            rows.append(
                {
                    "no": no,
                    "name": r.name,
                    "target": r.target,
                    "criteria": r.criteria(),
                    "actual": r.actual,
                    # เหตุผลที่ทำให้งานบรรลุ/ไม่บรรลุเป้าหมาย: the evaluator's reason, else the
                    # appraisee's own account of the result.
                    "reason": r.level_reason or r.self_note,
                    "level": "" if fig.level is None else fig.level,
                    "weight": number(fig.weight),
                    # The ก × ข column of the official form; its sum is the result's score_kpi.
                    # Exact with 2 decimals, all in one format ("55.60", never "55.6").
                    "product": points(fig.product),
                }
            )
        if rows:
            groups.append({"label": str(kind.label), "rows": rows})
    return groups


def _competency(
    form: AppraisalForm, comps: list[FormCompetency], result: scoring.FormResult
) -> dict:
    method = form.competency_method
    groups = []
    no = 0
    figures = dict(zip((c.pk for c in comps), result.competency_rows, strict=True))
    for kind in CompetencyKind:
        rows = []
        for c in comps:
            if c.kind != kind:
                continue
            no += 1
            fig = figures[c.pk]
            rows.append(
                {
                    "no": no,
                    "name": c.name,
                    "expected": fig.expected,
                    "actual": "" if fig.actual is None else fig.actual,
                    "points": "" if fig.points is None else fig.points,
                    "weight": number(fig.weight) if fig.product is not None else "",
                    "product": number(fig.product),
                    # พฤติกรรมที่พบ: what the evaluator recorded of the competency.
                    "note": c.note,
                }
            )
        if rows:
            groups.append({"label": str(kind.label), "rows": rows})
    exact = result.exact
    return {
        "method": method,
        "method_label": str(CompetencyMethod(method).label) if method else "",
        "groups": groups,
        "count": no,
        "bar_total": result.bar_total,
        "bar_max": result.bar_max,
        # How many competencies got 3, 2, 1 and 0 points, and what they add up to.
        "counts": [
            {"points": 3 - i, "count": n, "sum": (3 - i) * n}
            for i, n in enumerate(result.bar_counts)
        ],
        "level_zero": form.bar_level_zero,
        "level_zero_label": str(BarLevelZero(form.bar_level_zero).label),
        "rating_total": number(result.rating_total),
        "weight_total": number(result.rating_weight_total),
        "actual_total": result.actual_total,
        "actual_counted": result.actual_counted,
        "expected_total": result.expected_total,
        "ratio_cap": form.ratio_cap,
        "ratio_cap_label": str(RatioCap(form.ratio_cap).label),
        # The ratio before its cap, printed when the cap lowered it ("12 ÷ 10 × 30 = 36.00").
        "capped": result.ratio_capped,
        "uncapped": exact_text(exact.competency_uncapped) if result.ratio_capped else "",
    }


# The summary table's rows: (points, (ก) percent, weight field, label).
_COMPONENTS = (
    ("achievement", "percent", "weight_achievement", "องค์ประกอบที่ 1"),
    ("competency", "competency_percent", "weight_competency", "องค์ประกอบที่ 2"),
    ("other", "other_percent", "weight_other", "องค์ประกอบอื่น"),
)


def _equations(form: AppraisalForm, result: scoring.FormResult) -> dict:
    """What makes every printed equation true in the form's rounding mode: the rounding steps
    of each rounded figure, and the footnotes of the summary table where a (ก) × (ข) cell or
    the total cannot be worked out from the figures printed beside it (numbered marks)."""
    mode = result.rounding
    e = result.exact
    notes: list[str] = []
    marks: dict[str, str] = {}
    if result.total is None or e is None:
        return {"eq": {}, "notes": notes, "marks": marks, "rounding": mode}
    for name, pct_name, weight_name, label in _COMPONENTS:
        w = getattr(form, weight_name)
        value, pct = getattr(result, name), getattr(result, pct_name)
        if not w or value is None or pct is None:
            continue
        from_printed = scoring.rounded(scoring.round2(pct) * w / 100, mode)
        if scoring.round2(from_printed) != scoring.round2(value):
            exact_pct = pct if name == "other" else getattr(e, pct_name)
            notes.append(
                f"{label}: คำนวณจากคะแนน (ก) ก่อนปัดเศษ {exact_text(exact_pct)} × {number(w)} ÷ 100 "
                f"= {steps(getattr(e, name), mode)}{points(value)}"
            )
            marks[name] = f"*{len(notes)}"
    if not result.adds_up:
        parts = [e.achievement, e.competency] + ([e.other] if form.weight_other else [])
        notes.append(
            "คะแนนรวมคำนวณจากคะแนนองค์ประกอบที่ยังไม่ปัดเศษ: "
            f"{' + '.join(exact_text(p) for p in parts)} = {steps(e.total, mode)}"
            f"{points(result.total)} จึงอาจต่างจากผลบวกของคะแนนที่แสดงในช่อง (ก) × (ข)"
        )
        marks["total"] = f"*{len(notes)}"
    return {
        "eq": {
            "percent": steps(e.percent, mode),
            "percent_exact": exact_text(e.percent) if e.percent is not None else "",
            "achievement": steps(e.achievement, mode),
            "competency": steps(e.competency, mode),
        },
        "notes": notes,
        "marks": marks,
        "rounding": mode,
        "rounding_note": DPIS_NOTE if mode == scoring.DPIS else "",
    }


def _review(
    form: AppraisalForm,
    result: scoring.FormResult,
    which: str,
    title: str,
    person: Person | None,
) -> dict:
    return {
        "title": title,
        "who": _who(person),
        "agrees": getattr(form, f"{which}_agrees"),
        "opinion": getattr(form, f"{which}_opinion"),
        "total": points(getattr(result, f"{which}_total")),
        "band_label": band_label(getattr(result, f"{which}_band")),
        "at": getattr(form, f"{which}_at"),
    }


def form_sheet(form: AppraisalForm) -> dict:
    """Everything the three forms of one person show. `form` comes from sheet_queryset."""
    kpis = list(form.kpis.all())
    comps = list(form.competencies.all())
    result = form_result(form=form, kpis=kpis, competencies=comps)
    shown = result.complete
    rnd = form.round
    person = form.person
    return {
        "form_id": form.pk,
        "round": {
            "fiscal_year": rnd.fiscal_year,
            "number": rnd.number,
            "start": rnd.start,
            "end": rnd.end,
        },
        # Both tick boxes of the paper form, each with its dates.
        "rounds": [
            {"number": n, "start": r.start, "end": r.end, "on": n == rnd.number}
            for n in (1, 2)
            for r in [thai.round_dates(rnd.fiscal_year, n)]
        ],
        "department": rnd.department.name,
        "ministry": rnd.department.ministry.name if rnd.department.ministry_id else "",
        "person": {
            "name": person.full_name,
            "position": form.position_title,
            "position_number": form.position_number,
            **_legal_position(form),
            "unit": form.unit.name,
            # Staff of the department's root unit: the department is named once.
            "unit_is_department": form.unit_id == rnd.department_id,
        },
        # A form without an evaluator (nobody above the head) prints blank lines to sign.
        "evaluator": _who(form.evaluator) or {"name": "", "position": ""},
        "second_review": rnd.second_review,
        "weights": {
            "achievement": number(form.weight_achievement),
            "competency": number(form.weight_competency),
            "other": number(form.weight_other),
        },
        "has_other": bool(form.weight_other),
        "bands": _bands(form),
        "result": {
            "complete": shown,
            "score_kpi": number(result.score_kpi) if shown else "",
            # The foot of the (ก) × (ข) column, in the column's format.
            "score_kpi_sum": points(result.score_kpi) if shown else "",
            "percent": points(result.percent) if shown else "",
            "achievement": points(result.achievement) if shown else "",
            "competency_percent": points(result.competency_percent) if shown else "",
            "competency": points(result.competency) if shown else "",
            "other_percent": points(result.other_percent) if shown and form.weight_other else "",
            "other": points(result.other) if shown and form.weight_other else "",
            "total": points(result.total) if shown else "",
            "band": result.band if shown else "",
            "band_label": band_label(result.band) if shown else "",
            **(_equations(form, result) if shown else {}),
        },
        "kpi_groups": _kpi_groups(kpis, result),
        "kpi_weight_total": number(result.kpi_weight_total),
        "competency": _competency(form, comps, result),
        "idp": [{"topic": r.topic, "method": r.method, "period": r.period} for r in form.idp.all()],
        # The previous round's IDP rows carried into this form, as the evaluator marked them.
        "followups": [
            {"topic": f.topic, "status": f.get_status_display(), "note": f.note}
            for f in form.idp_followups.all()
        ],
        "self_assessment": form.self_assessment,
        "evaluator_comment": form.evaluator_comment,
        # The second comment box (ด้านสมรรถนะ): the behaviour the evaluator recorded per competency.
        "competency_comment": "\n".join(f"{c.name}: {c.note}" for c in comps if c.note.strip()),
        "agreement": {
            "appraisee_name": form.appraisee_signed_name,
            "appraisee_at": form.appraisee_signed_at,
            "evaluator_name": form.evaluator_signed_name,
            "evaluator_at": form.evaluator_signed_at,
        },
        "scored_at": form.scored_at,
        "ack": {
            "at": form.acknowledged_at,
            "refused": form.refused,
            "informed_on": form.informed_on,
            # The evaluator's part-4 date: the day the evaluator informed the appraisee
            # (services.review.form_inform, or the date recorded with a refusal); forms
            # acknowledged before informing was recorded fall back to the acknowledgement.
            "informed_at": form.informed_on or form.acknowledged_at,
            "witness_name": form.witness_name,
            "witness_position": form.witness_position,
            "witness_on": form.witness_on,
        },
        "reviews": [
            _review(form, result, "higher", "ผู้บังคับบัญชาเหนือขึ้นไป", form.higher),
            # The level above signs only in rounds that ask for it (AppraisalForm.needs_second_review).
            _review(
                form,
                result,
                "higher2",
                "ผู้บังคับบัญชาเหนือขึ้นไปอีกชั้นหนึ่ง (ถ้ามี)",
                form.higher2 if form.needs_second_review else None,
            ),
        ],
        "final": {
            "total": points(form.final_total),
            "band_label": band_label(form.final_band),
            "revised": result.revised,
        },
        "released_at": form.released_at,
        "state_label": str(State(form.state).label),
    }


def without_scores(sheet: dict) -> dict:
    """The sheet as someone who may not yet see the score prints it: the agreement (KPIs,
    weights, criteria, competencies and their expected levels, signatures) with every result,
    level, point, total, band and review opinion left blank."""
    blank = copy.deepcopy(sheet)
    for group in blank["kpi_groups"]:
        for row in group["rows"]:
            row.update(actual="", reason="", level="", product="")
    blank["result"] = {key: "" for key in blank["result"]} | {"complete": False}
    comp = blank["competency"]
    for group in comp["groups"]:
        for row in group["rows"]:
            row.update(actual="", points="", weight="", product="", note="")
    comp.update(bar_total="", rating_total="", weight_total="", actual_total="", expected_total="")
    comp.update(counts=[], actual_counted="", capped=False, uncapped="")
    for review in blank["reviews"]:
        review.update(agrees=None, opinion="", total="", band_label="", at=None)
    blank["final"] = {"total": "", "band_label": "", "revised": False}
    blank["scored_at"] = None
    blank["evaluator_comment"] = blank["competency_comment"] = ""
    # The agreement as signed at the start of the round includes the competencies to show.
    blank["agreement_only"] = True
    blank["idp"] = []  # its rows name the rated level ("จากระดับ 2 สู่ระดับ 3")
    # The evaluator's marks come with the scoring: the rows stay, their marks are left blank.
    blank["followups"] = [dict(f, status="", note="") for f in blank["followups"]]
    blank["ack"] = {key: None for key in blank["ack"]} | {"refused": False}
    return blank


def without_revisions(sheet: dict) -> dict:
    """The sheet as the appraisee prints it once informed and before release (DOMAIN §5): the
    evaluator's result in full, the higher supervisors' opinions and the final result blank."""
    blank = copy.deepcopy(sheet)
    for review in blank["reviews"]:
        review.update(agrees=None, opinion="", total="", band_label="", at=None)
    blank["final"] = {"total": "", "band_label": "", "revised": False}
    return blank


# --- the unit round report (HR) ------------------------------------------------------------------


def _position(form: AppraisalForm) -> str:
    """'นักวิเคราะห์นโยบายและแผน (ชำนาญการ)', 'ผู้อำนวยการกอง (อำนวยการต้น)'."""
    grade = grades.GRADES.get(form.position_grade)
    if grade is None:
        return form.position_title
    ptype, name = grade
    if ptype in (grades.EXECUTIVE, grades.MANAGERIAL):
        name = grades.TYPE_NAMES[ptype] + name
    return f"{form.position_title} ({name})"


def unit_report(rnd: AppraisalRound, unit: OrgUnit, *, viewer: Person | None = None) -> dict:
    """Every person of the unit's subtree with components, total and band; the distribution per
    band; the ดีเด่น/ดีมาก list; who is not scored or not released yet. Three queries.

    The viewer's own form shows no figure and counts nowhere until it is released: nobody sees
    their own result through HR's reports (DOMAIN §8)."""
    forms = list(
        AppraisalForm.objects.filter(round=rnd)
        .filter(subtree_q([unit], prefix="unit__"))
        .select_related("person", "unit", "evaluator")
        .order_by("unit__tree_id", "unit__lft", "person__first_name", "person__last_name", "pk")
    )
    scored_from = STATE_ORDER.index(State.SCORED)
    rows, top, not_scored, not_released = [], [], [], []
    top_unreleased = 0
    for i, f in enumerate(forms, start=1):
        own = f.hidden_from(viewer)
        scored = STATE_ORDER.index(f.state) >= scored_from and not own
        row = {
            "no": i,
            "name": f.person.full_name,
            "staff_code": f.person.staff_code,
            "position": _position(f),
            "position_number": f.position_number,
            "unit": f.unit.short_name or f.unit.name,
            "achievement": points(f.achievement_points) if scored else "",
            "competency": points(f.competency_points) if scored else "",
            "other": points(f.other_points) if scored and f.weight_other else "",
            "total": points(f.final_total) if scored else "",
            "revised": scored and f.final_total != f.total,
            "evaluator_total": points(f.total) if scored else "",
            "band": f.final_band if scored else "",
            "band_label": band_label(f.final_band) if scored else "",
            "state": f.state,
            "state_label": "แบบประเมินของท่าน (แสดงเมื่อประกาศผล)"
            if own
            else str(State(f.state).label),
            "evaluator": f.evaluator.full_name if f.evaluator_id else "",
        }
        rows.append(row)
        if own:
            continue
        if not scored:
            not_scored.append(row)
        elif f.state != State.RELEASED:
            not_released.append(row)
        # The honour list names released results only; others are counted, not named.
        if scored and f.final_band in TOP_BANDS:
            if f.state == State.RELEASED:
                top.append(row)
            else:
                top_unreleased += 1
    top.sort(key=lambda r: TOP_BANDS.index(r["band"]))
    dist = appraisal_selectors.distribution(rnd, [unit], viewer=viewer)
    scored_count = dist["total"]
    distribution = [
        {
            "label": band_label(code),
            "count": dist["overall"].get(code, 0),
            "percent": points(scoring.share_percent(dist["overall"].get(code, 0), scored_count))
            if scored_count
            else "",
        }
        for code, _lower in scoring.DEFAULT_BANDS
    ]
    # The total row adds up what the rows print.
    percent_total = (
        str(sum((Decimal(d["percent"]) for d in distribution if d["percent"]), Decimal("0.00")))
        if scored_count
        else ""
    )
    return {
        "round": rnd,
        "unit": unit,
        "department": rnd.department,
        "rows": rows,
        "distribution": distribution,
        "count_total": sum(d["count"] for d in distribution),
        "percent_total": percent_total,
        "top_unreleased": top_unreleased,
        "scored": scored_count,
        "count": len(rows),
        "top": top,
        "not_scored": not_scored,
        "not_released": not_released,
        "columns": UNIT_REPORT_COLUMNS,
    }


# The columns of the unit report, shared by the PDF table and the .xlsx export.
UNIT_REPORT_COLUMNS = [
    ("no", "ที่"),
    ("name", "ชื่อ – สกุล"),
    ("position", "ตำแหน่ง"),
    ("unit", "หน่วยงาน"),
    ("achievement", "ผลสัมฤทธิ์ของงาน"),
    ("competency", "สมรรถนะ"),
    ("other", "องค์ประกอบอื่น"),
    ("total", "คะแนนรวม"),
    ("band_label", "ระดับผลการประเมิน"),
    ("state_label", "สถานะ"),
]


# The workbook adds what HR files and filters by: the staff code, the position number and
# the evaluator (at the end, so the PDF's columns keep their places).
UNIT_XLSX_COLUMNS = [
    *UNIT_REPORT_COLUMNS,
    ("staff_code", "รหัสบุคลากร"),
    ("position_number", "เลขที่ตำแหน่ง"),
    ("evaluator", "ผู้ประเมิน"),
]


def announcement(rnd: AppraisalRound, unit: OrgUnit) -> dict:
    """Names rated ดีเด่น and ดีมาก among the released forms of the unit's subtree."""
    forms = (
        AppraisalForm.objects.filter(round=rnd, state=State.RELEASED, final_band__in=TOP_BANDS)
        .filter(subtree_q([unit], prefix="unit__"))
        .select_related("person", "unit")
        .order_by("unit__tree_id", "unit__lft", "person__first_name", "person__last_name", "pk")
    )
    groups = {code: [] for code in TOP_BANDS}
    for f in forms:
        groups[f.final_band].append(
            {"name": f.person.full_name, "position": _position(f), "unit": f.unit.name}
        )
    return {
        "round": rnd,
        "unit": unit,
        "department": rnd.department,
        "groups": [{"label": band_label(code), "rows": groups[code]} for code in TOP_BANDS],
        "count": sum(len(v) for v in groups.values()),
        # The ประกาศ is signed by the head of the department (or who acts for them).
        "head": _who(rnd.department.effective_head),
        "acting": bool(rnd.department.acting_head_id),
    }
