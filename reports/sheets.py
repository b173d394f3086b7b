"""What each printed form shows, as plain data: every figure comes from the one result of the
form (appraisal.selectors.form_result → appraisal.scoring.form_result) and is only formatted
here (round2 and friends), never worked out another way.

A form's sheet is a dict of strings, numbers and dates, so that its content hash names exactly
what the page shows (reports/cache.py). Reads are in a fixed number of queries for any number
of forms.
"""

from __future__ import annotations

import copy
from decimal import Decimal

from django.db.models import Prefetch, QuerySet

from appraisal import scoring
from appraisal import selectors as appraisal_selectors
from appraisal.models import (
    STATE_ORDER,
    AppraisalForm,
    AppraisalRound,
    CompetencyKind,
    CompetencyMethod,
    FormCompetency,
    FormKpi,
    ItemKind,
    State,
)
from appraisal.selectors import form_result
from common import thai
from orgchart import grades
from orgchart.models import OrgUnit, Person
from orgchart.selectors import subtree_q

SHEET_RELATED = (
    "round__department__ministry",
    "person",
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


# --- one form ----------------------------------------------------------------------------------


def sheet_queryset(qs: QuerySet[AppraisalForm]) -> QuerySet[AppraisalForm]:
    """The forms with everything a sheet reads: four queries for any number of forms."""
    return qs.select_related(*SHEET_RELATED).prefetch_related(
        Prefetch("kpis", queryset=FormKpi.objects.order_by("order", "pk")),
        Prefetch("competencies", queryset=FormCompetency.objects.order_by("order", "pk")),
        "idp",
    )


def _who(person: Person | None) -> dict | None:
    if person is None:
        return None
    pos = person.position
    return {
        "name": person.full_name,
        "position": (pos.management_title or pos.title) if pos else "",
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
                    "level": "" if fig.level is None else fig.level,
                    "weight": number(fig.weight),
                    # The ก × ข column of the official form; its sum is the result's score_kpi.
                    "product": number(fig.product),
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
                }
            )
        if rows:
            groups.append({"label": str(kind.label), "rows": rows})
    return {
        "method": method,
        "method_label": str(CompetencyMethod(method).label) if method else "",
        "groups": groups,
        "count": no,
        "bar_total": result.bar_total,
        "bar_max": result.bar_max,
        "rating_total": number(result.rating_total),
        "weight_total": number(result.rating_weight_total),
        "actual_total": result.actual_total,
        "expected_total": result.expected_total,
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
            "type": grades.TYPE_NAMES.get(form.position_type, ""),
            "grade": grades.GRADES[form.position_grade][1]
            if form.position_grade in grades.GRADES
            else "",
            "unit": form.unit.name,
        },
        "evaluator": _who(form.evaluator),
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
            "percent": points(result.percent) if shown else "",
            "achievement": points(result.achievement) if shown else "",
            "competency_percent": points(result.competency_percent) if shown else "",
            "competency": points(result.competency) if shown else "",
            "other_percent": points(result.other_percent) if shown and form.weight_other else "",
            "other": points(result.other) if shown and form.weight_other else "",
            "total": points(result.total) if shown else "",
            "band": result.band if shown else "",
            "band_label": band_label(result.band) if shown else "",
        },
        "kpi_groups": _kpi_groups(kpis, result),
        "kpi_weight_total": number(result.kpi_weight_total),
        "competency": _competency(form, comps, result),
        "idp": [{"topic": r.topic, "method": r.method, "period": r.period} for r in form.idp.all()],
        "self_assessment": form.self_assessment,
        "evaluator_comment": form.evaluator_comment,
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
            row.update(actual="", level="", product="")
    blank["result"] = {key: "" for key in blank["result"]} | {"complete": False}
    comp = blank["competency"]
    for group in comp["groups"]:
        for row in group["rows"]:
            row.update(actual="", points="", weight="", product="")
    comp.update(bar_total="", rating_total="", weight_total="", actual_total="", expected_total="")
    for review in blank["reviews"]:
        review.update(agrees=None, opinion="", total="", band_label="", at=None)
    blank["final"] = {"total": "", "band_label": "", "revised": False}
    blank["scored_at"] = None
    blank["ack"] = {key: None for key in blank["ack"]} | {"refused": False}
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


def unit_report(rnd: AppraisalRound, unit: OrgUnit) -> dict:
    """Every person of the unit's subtree with components, total and band; the distribution per
    band; the ดีเด่น/ดีมาก list; who is not scored or not released yet. Three queries."""
    forms = list(
        AppraisalForm.objects.filter(round=rnd)
        .filter(subtree_q([unit], prefix="unit__"))
        .select_related("person", "unit", "evaluator")
        .order_by("unit__tree_id", "unit__lft", "person__first_name", "person__last_name", "pk")
    )
    scored_from = STATE_ORDER.index(State.SCORED)
    rows, top, not_scored, not_released = [], [], [], []
    for i, f in enumerate(forms, start=1):
        scored = STATE_ORDER.index(f.state) >= scored_from
        row = {
            "no": i,
            "name": f.person.full_name,
            "position": _position(f),
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
            "state_label": str(State(f.state).label),
            "evaluator": f.evaluator.full_name if f.evaluator_id else "",
        }
        rows.append(row)
        if not scored:
            not_scored.append(row)
        elif f.state != State.RELEASED:
            not_released.append(row)
        if scored and f.final_band in TOP_BANDS:
            top.append(row)
    top.sort(key=lambda r: TOP_BANDS.index(r["band"]))
    dist = appraisal_selectors.distribution(rnd, [unit])
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
    return {
        "round": rnd,
        "unit": unit,
        "department": rnd.department,
        "rows": rows,
        "distribution": distribution,
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
    }
