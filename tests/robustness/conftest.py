"""Shared tools of the robustness tests: hostile values, the forms of a page, a per-example
rollback, a fingerprint of every row the apps own, the consistency checks, and the tally of
fuzz cases and injected faults printed at the end of the run."""

from __future__ import annotations

import hashlib
from collections import Counter
from contextlib import contextmanager
from decimal import Decimal
from html.parser import HTMLParser

from django.apps import apps
from django.db import connection, models, transaction
from hypothesis import strategies as st

APPS = ("orgchart", "kpi", "appraisal", "reports", "common")

# Module-level tally: test name -> cases run, and "faults" -> faults injected. tests/conftest.py
# prints it at the end of the run (and gathers it from the pytest-xdist workers).
TALLY: Counter = Counter()


# --- hostile values ------------------------------------------------------------------------------

NASTY = [
    "", " ", "\t", "-1", "0", "-0", "1", "5", "6", "100", "100.001", "3.14159", "-0.01",
    "NaN", "nan", "sNaN", "-NaN", "Infinity", "-Infinity", "inf", "1e309", "-1e309", "1e-309",
    "9" * 40, "9" * 5000, "๑๒", "๕", "²", "½", "0x10", "1_000", "1,000", "1 000", "+5",
    "true", "on", "None", "null", "[]", "{}", "<script>alert(1)</script>", "' OR 1=1 --",
    "2570-02-30", "2026-13-01", "0000-00-00", "9999-12-31", "30/02/2569", "1/10/2569",
    "\x00", "a\x00b", "\x01\x1f\x7f", "\u202eabc", "\ufeff", "\ud7ff", "ก\u0e48\u0e48\u0e48",
    "O", "S", "o", "OS", "x", "ก" * 300, "x" * 5000, "ก" * 70_000,
]  # fmt: skip
THAI = st.text(alphabet=st.characters(min_codepoint=0x0E00, max_codepoint=0x0E7F), max_size=40)
CONTROL = st.text(alphabet=st.characters(max_codepoint=0x20), max_size=10)
HOSTILE = st.one_of(
    st.sampled_from(NASTY),
    st.text(max_size=30),
    THAI,
    CONTROL,
    st.integers().map(str),
    st.decimals(allow_nan=True, allow_infinity=True).map(str),
    st.floats().map(str),
)


# --- forms of a page ----------------------------------------------------------------------------


class _Forms(HTMLParser):
    """Every <form method=post> of a page: its action and its fields with their values."""

    def __init__(self, url: str):
        super().__init__(convert_charrefs=True)
        self.url = url
        self.forms: list[dict] = []
        self._form = None
        self._select = None
        self._textarea = None

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "form":
            if (a.get("method") or "get").lower() == "post":
                self._form = {"action": a.get("action") or self.url, "fields": [], "files": []}
                self.forms.append(self._form)
            else:
                self._form = None
            return
        if self._form is None or not a.get("name"):
            if tag == "option" and self._select is not None:
                self._select["choices"].append(a.get("value", ""))
                if "selected" in a:
                    self._select["value"] = a.get("value", "")
            return
        name = a["name"]
        if tag == "input":
            kind = (a.get("type") or "text").lower()
            if kind == "file":
                self._form["files"].append(name)
            elif kind in ("checkbox", "radio"):
                self._form["fields"].append(
                    {"name": name, "value": a.get("value", "on"), "on": "checked" in a}
                )
            elif kind not in ("button", "image", "reset"):
                self._form["fields"].append({"name": name, "value": a.get("value", ""), "on": True})
        elif tag == "button" and a.get("value") is not None:
            self._form["fields"].append({"name": name, "value": a["value"], "on": False})
        elif tag == "select":
            self._select = {"name": name, "value": "", "on": True, "choices": []}
            self._form["fields"].append(self._select)
        elif tag == "textarea":
            self._textarea = {"name": name, "value": "", "on": True}
            self._form["fields"].append(self._textarea)

    def handle_data(self, data):
        if self._textarea is not None:
            self._textarea["value"] += data

    def handle_endtag(self, tag):
        if tag == "form":
            self._form = None
        elif tag == "select":
            if self._select is not None and not self._select["value"] and self._select["choices"]:
                self._select["value"] = self._select["choices"][0]
            self._select = None
        elif tag == "textarea":
            self._textarea = None


def post_forms(html: str, url: str) -> list[dict]:
    parser = _Forms(url)
    parser.feed(html)
    # The language switch and logout are not the app's data forms.
    return [f for f in parser.forms if "/i18n/" not in f["action"] and "logout" not in f["action"]]


def fuzzed_data(draw, form: dict) -> dict:
    """POST data for `form`: each field kept, made hostile, repeated or dropped; sometimes an
    extra field, a formset row duplicated, too many rows, or a stale version."""
    data: dict[str, list] = {}
    for field in form["fields"]:
        name, value = field["name"], field["value"]
        how = draw(st.sampled_from(["keep", "keep", "hostile", "drop", "many", "choice"]))
        if how == "drop" or (how == "keep" and not field["on"]):
            continue
        if how == "hostile":
            value = draw(HOSTILE)
        elif how == "many":
            value = [value, draw(HOSTILE)]
        elif how == "choice" and field.get("choices"):
            value = draw(st.sampled_from(field["choices"]))
        if name == "version" and field["value"].isdigit() and draw(st.booleans()):
            value = str(int(field["value"]) + draw(st.sampled_from([-1, 1, 7])))  # stale
        data.setdefault(name, [])
        data[name] += value if isinstance(value, list) else [value]
    totals = [n for n in data if n.endswith("-TOTAL_FORMS")]
    for total in totals:
        prefix = total[: -len("-TOTAL_FORMS")]
        what = draw(st.sampled_from(["as is", "duplicate", "too many", "hostile"]))
        if what == "duplicate":
            row0 = {k: v for k, v in data.items() if k.startswith(f"{prefix}-0-")}
            n = draw(st.integers(1, 3))
            start = _int(data[total][0])
            for i in range(start, start + n):
                for k, v in row0.items():
                    data[f"{prefix}-{i}-{k[len(prefix) + 3 :]}"] = list(v)
            data[total] = [str(start + n)]
        elif what == "too many":
            data[total] = [draw(st.sampled_from(["31", "1000", "100000", "-1", "9" * 30]))]
        elif what == "hostile":
            data[total] = [draw(HOSTILE)]
    for _ in range(draw(st.integers(0, 2))):
        data[
            draw(st.sampled_from(["extra", "id", "pk", "state", "owner", "csrfmiddlewaretoken"]))
        ] = [draw(HOSTILE)]
    return {k: v if len(v) != 1 else v[0] for k, v in data.items()}


def _int(text) -> int:
    try:
        return int(text)
    except (TypeError, ValueError):
        return 0


# --- state of the database ---------------------------------------------------------------------


@contextmanager
def rolled_back():
    """One example's writes, undone afterwards so every example starts from the same rows."""
    with transaction.atomic():
        yield
        transaction.set_rollback(True)


def our_models():
    return [m for m in apps.get_models() if m._meta.app_label in APPS]


def fingerprint() -> dict[str, tuple[int, str]]:
    """(row count, digest of every row) of every table of the apps, history included."""
    out = {}
    for model in our_models():
        rows = sorted(map(repr, model._default_manager.order_by().values_list()))
        out[model._meta.label] = (len(rows), hashlib.sha256("\n".join(rows).encode()).hexdigest())
    return out


def changed_tables(before: dict, after: dict) -> list[str]:
    return sorted(k for k in before.keys() | after.keys() if before.get(k) != after.get(k))


def _decimal_fits(value: Decimal, field: models.DecimalField) -> bool:
    if not value.is_finite():
        return False
    quantized = value.quantize(Decimal(1).scaleb(-field.decimal_places))
    digits = len(quantized.as_tuple().digits)
    return digits <= field.max_digits


def consistency_problems() -> list[str]:
    """What PostgreSQL would refuse or what breaks the domain: dangling foreign keys, text too
    long for its column or containing NUL, decimals too wide, the tree not equal to its
    rebuild, forms with impossible KPI rows, OS rows without exactly one owner, per-unit form
    counts not equal to a recount."""
    problems = []
    try:
        connection.check_constraints()
    except Exception as exc:  # IntegrityError with the dangling rows
        problems.append(f"foreign keys: {exc}")
    for model in our_models():
        # One query per table, checked here: a query per column made each fuzz case cost
        # hundreds of round trips, most of the fuzz tests' time on PostgreSQL.
        fields = [
            f
            for f in model._meta.concrete_fields
            if isinstance(f, models.CharField | models.TextField | models.DecimalField)
        ]
        if not fields:
            continue
        found: dict[tuple[str, str], str] = {}  # (column, kind) -> the first problem of that kind
        rows = model._default_manager.order_by().values_list(*(f.attname for f in fields))
        for row in rows:
            for field, value in zip(fields, row, strict=True):
                for kind, problem in value_problems(model, field, value):
                    found.setdefault((field.name, kind), problem)
        problems += [found[key] for key in sorted(found)]
    problems += _tree_problems() + _form_problems() + _kpi_problems() + _count_problems()
    return problems


def _count_problems() -> list[str]:
    """The per-unit form counts that differ from a recount of the forms (issue 15)."""
    from tests.appraisal.conftest import count_problems

    return count_problems()


def value_problems(model, field: models.Field, value) -> list[tuple[str, str]]:
    """(kind, problem) for one stored text or decimal value that its column cannot hold."""
    if value is None or value == "":
        return []
    label = f"{model._meta.label}.{field.name}"
    if isinstance(field, models.DecimalField):
        return (
            []
            if _decimal_fits(Decimal(value), field)
            else [("fit", f"{label}: {value} does not fit")]
        )
    out = []
    # In Python: SQLite cuts a LIKE pattern at the NUL and would match every row.
    if "\x00" in value:
        out.append(("nul", f"{label}: NUL character stored"))
    if isinstance(field, models.CharField) and field.max_length and len(value) > field.max_length:
        out.append(("long", f"{label}: longer than {field.max_length}"))
    return out


def _tree_problems() -> list[str]:
    from orgchart.models import OrgUnit

    def snap():
        return sorted(
            OrgUnit.objects.values_list("pk", "tree_id", "lft", "rght", "depth", "parent_id")
        )

    before = snap()
    with transaction.atomic():
        OrgUnit.objects.rebuild()
        after = snap()
        transaction.set_rollback(True)
    return [] if before == after else ["orgchart tree differs from its rebuild"]


def _form_problems() -> list[str]:
    from appraisal.models import AppraisalForm, State

    problems = []
    open_states = {State.NOT_STARTED, State.DRAFT, State.RETURNED}
    for form in AppraisalForm.objects.prefetch_related("kpis"):
        if form.state not in State.values:
            problems.append(f"form {form.pk}: state {form.state!r}")
        rows = list(form.kpis.all())
        if len(rows) > 30:
            problems.append(f"form {form.pk}: {len(rows)} KPI rows")
        for r in rows:
            if not (0 < r.weight <= 100) or not r.name.strip():
                problems.append(f"form {form.pk}: row {r.pk} weight {r.weight} name {r.name!r}")
            if r.level is not None and not 0 <= r.level <= 5:
                problems.append(f"form {form.pk}: row {r.pk} level {r.level}")
        if form.state not in open_states and sum(r.weight for r in rows) != 100:
            problems.append(
                f"form {form.pk} ({form.state}): weights total {sum(r.weight for r in rows)}"
            )
        if form.total is not None and not 0 <= form.total <= 100:
            problems.append(f"form {form.pk}: total {form.total}")
    return problems


def _kpi_problems() -> list[str]:
    from kpi.models import KpiAssignment

    problems = []
    owners = Counter()
    kpis = set()
    for kpi_id, role in KpiAssignment.objects.values_list("kpi_id", "role"):
        kpis.add(kpi_id)
        owners[kpi_id] += role == "O"
    for kpi_id in kpis:
        if owners[kpi_id] != 1:
            problems.append(f"kpi {kpi_id}: {owners[kpi_id]} owners in the OS matrix")
    return problems
