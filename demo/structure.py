"""What the demo organisation is made of: position lines, staff profiles, unit templates and the
departments with their divisions, read from demo/data/.

Unit kinds, position lines, line codes and prefixes follow ../shared/realdata
(positions_moph_lines.csv, org_units_dtam.csv, prefixes_*.csv); unit names of the other
departments are the public names of MOPH units.
"""

from __future__ import annotations

from dataclasses import dataclass

from demo.loader import read_csv, read_json

# --- position lines (demo/data/position_lines.csv: positions_moph_lines.csv, ข้าราชการ rows) ---


@dataclass(frozen=True)
class Line:
    title: str
    line_name: str
    code: str
    ptype: str
    grades: tuple[str, ...]


# The MOPH file stops the นายช่างเทคนิค line at อาวุโส; no MOPH line there reaches ทักษะพิเศษ (O4), so
# the data file has this one carry it (heads of building sections only) to show every grade.
LINES: dict[str, Line] = {
    row["key"]: Line(
        row["title"],
        row["line_of_work"],
        row["line_code"],
        row["position_type"],
        tuple(row["grades"].split()),
    )
    for row in read_csv("position_lines.csv")
}


# --- staff profiles (demo/data/staff_profiles.json) --------------------------------------------

_PROFILES = read_json("staff_profiles.json")
# ลูกจ้างประจำ titles by kind of unit (not in the realdata); พนักงานราชการ titles are per profile
# (positions_moph_lines.csv).
PERMANENT_EMPLOYEE_TITLES: dict[str, tuple[str, ...]] = {
    key: tuple(titles) for key, titles in _PROFILES["permanent_employee_titles"].items()
}


@dataclass(frozen=True)
class Profile:
    """Who works in a unit: the head's line and the staff's lines (key, weight)."""

    lead: str
    lines: tuple[tuple[str, int], ...]
    ge: tuple[str, ...]
    pe: tuple[str, ...] = PERMANENT_EMPLOYEE_TITLES["office"]
    ge_share: float = 0.12
    pe_share: float = 0.06
    weight: float = 1.0  # relative head-count of a leaf with this profile


def _profile(data: dict) -> Profile:
    extra = {k: data[k] for k in ("ge_share", "pe_share", "weight") if k in data}
    if "permanent_employee_titles" in data:
        extra["pe"] = PERMANENT_EMPLOYEE_TITLES[data["permanent_employee_titles"]]
    return Profile(
        lead=data["lead"],
        lines=tuple(data["lines"].items()),
        ge=tuple(data["government_employee_titles"]),
        **extra,
    )


PROFILES: dict[str, Profile] = {key: _profile(data) for key, data in _PROFILES["profiles"].items()}


# --- unit templates (demo/data/unit_templates.json) --------------------------------------------


@dataclass(frozen=True)
class S:
    """A section (งาน) or ward; `numbered` wards come in copies ที่ 1, 2, ... in big hospitals."""

    name: str
    profile: str | None = None
    numbered: bool = False


@dataclass(frozen=True)
class G:
    """A work group (กลุ่มงาน/ฝ่าย) and its sections."""

    name: str
    profile: str
    sections: tuple[S, ...] = ()


_TEMPLATES = read_json("unit_templates.json")


def _section(data: str | dict) -> S:
    return S(data) if isinstance(data, str) else S(**data)


SHARED_SECTIONS: dict[str, tuple[S, ...]] = {
    key: tuple(_section(s) for s in sections)
    for key, sections in _TEMPLATES["shared_sections"].items()
}


def _group(data: dict, theme: str = "") -> G:
    # "$theme" is the subject of a technical or regional division (its own profile).
    profile = theme if data["profile"] == "$theme" else data["profile"]
    sections = data.get("sections", ())
    if isinstance(sections, dict):
        shared = SHARED_SECTIONS[sections["shared"]]
        return G(data["name"], profile, shared[: sections.get("first", len(shared))])
    return G(data["name"], profile, tuple(_section(s) for s in sections))


TEMPLATES: dict[str, tuple[G, ...]] = {
    key: tuple(_group(g) for g in groups) for key, groups in _TEMPLATES["templates"].items()
}
HOSPITAL_TEMPLATES = ("hospital", "institute", "psych_hospital")
MAX_WARD_COPIES = 8


def themed_groups(kind: str, theme: str) -> tuple[G, ...]:
    """The groups of a "technical" or "regional" division: one shape, the subject decides who
    works there."""
    return tuple(_group(g, theme) for g in _TEMPLATES["themed_templates"][kind])


def template_groups(template: str) -> tuple[G, ...]:
    """The groups of a division's template ("hr", or "technical:<profile>"...)."""
    for kind in ("technical", "regional"):
        if template.startswith(f"{kind}:"):
            return themed_groups(kind, template.split(":", 1)[1])
    return TEMPLATES[template]


# --- departments and their divisions (demo/data/departments.json, places.json) ----------------


@dataclass(frozen=True)
class Div:
    """A unit directly under a department (สำนัก/กอง/ศูนย์/โรงพยาบาล...)."""

    number: int  # the three digits after the department's two in the unit code
    name: str
    template: str
    profile: str = "admin"  # staff of the unit itself when it has no groups; subject of groups
    head: str = "M1"  # M1/M2: ผู้อำนวยการ; K3: a กลุ่ม's own head; doctor: K4/K5 นายแพทย์
    head_title: str = ""
    kind: str = ""
    # Units of their own below it (a province's community hospitals): (name, head title).
    subunits: tuple[tuple[str, str], ...] = ()


@dataclass(frozen=True)
class Dept:
    number: int
    name: str
    short_name: str
    kind: str
    head_title: str
    deputy_title: str
    deputy_grade: str
    expert: str  # line of the department's ผู้เชี่ยวชาญ/ผู้ทรงคุณวุฒิ
    mail: str
    divisions: tuple[Div, ...]  # in the order a growing demo takes them


_PLACES = read_json("places.json")
_DIV_FIELDS = ("template", "profile", "head", "head_title", "kind")


def _series(data: dict) -> list[Div]:
    """Numbered divisions: a list of names, or a name pattern over a count or a list of seats."""
    fields = {k: data[k] for k in _DIV_FIELDS if k in data}
    first = data["first_number"]
    if "names" in data:
        names = data["names"]
    elif "seats" in data:
        names = [data["name"].format(i=i, seat=s) for i, s in enumerate(data["seats"], start=1)]
    else:
        names = [data["name"].format(i=i) for i in range(1, data["count"] + 1)]
    return [Div(first + n, name, **fields) for n, name in enumerate(names)]


def _provinces(data: dict) -> list[Div]:
    """Each province's health office, with a community hospital per district other than อำเภอเมือง
    below it, then its provincial hospital (which may carry a name of its own)."""
    office, district, hospital = data["office"], data["district_hospital"], data["hospital"]
    divisions = []
    for i, province in enumerate(_PLACES["provinces"]):
        hospitals = tuple(
            (district["name"].format(district=d), district["head_title"].format(district=d))
            for d in _PLACES["districts"][province]
        )
        divisions.append(
            Div(
                office["first_number"] + i,
                office["name"].format(province=province),
                office["template"],
                office["profile"],
                office["head"],
                office["head_title"].format(province=province),
                subunits=hospitals,
            )
        )
        name = _PLACES["hospital_names"].get(province, hospital["name"].format(province=province))
        fields = {k: hospital[k] for k in _DIV_FIELDS if k in hospital}
        divisions.append(Div(hospital["first_number"] + i, name, **fields))
    return divisions


def _divisions(data: dict) -> tuple[Div, ...]:
    divisions: list[Div] = []
    for entry in data["divisions"]:
        if "provinces" in entry:
            divisions += _provinces(entry["provinces"])
        elif "first_number" in entry:
            divisions += _series(entry)
        else:
            divisions.append(Div(**entry))
    # A department may list its units in its own order and have a demo take some first.
    first = data.get("taken_first", ())
    return tuple(
        [d for d in divisions if d.name in first] + [d for d in divisions if d.name not in first]
    )


DEPARTMENTS: tuple[Dept, ...] = tuple(
    Dept(
        **{k: v for k, v in d.items() if k not in ("divisions", "taken_first")},
        divisions=_divisions(d),
    )
    for d in read_json("departments.json")
)


def departments_for(staff: int) -> list[Dept]:
    """Two departments for a demo, four for a division-sized test, all nine at ministry scale."""
    if staff < 2_000:
        keys = (1, 4)
    elif staff < 50_000:
        keys = (1, 2, 3, 4)
    else:
        keys = tuple(d.number for d in DEPARTMENTS)
    return [d for d in DEPARTMENTS if d.number in keys]
