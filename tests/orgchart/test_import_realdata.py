"""Real Thai org shapes (../shared/realdata, see its SOURCES.md) expressed in the import format.

A few rows are copied here so the test runs anywhere; when the shared folder is present the
whole files are converted and imported too.
"""

from __future__ import annotations

import csv
import io
from pathlib import Path

import pytest

from orgchart import importer
from orgchart.import_service import org_import
from orgchart.models import OrgUnit, Person, Position
from tests.orgchart.test_import import assert_tree_equals_its_rebuild

REALDATA = Path(__file__).resolve().parents[3] / "shared" / "realdata"

# org_units_mukdahan_health.csv: unit_code, unit_name, unit_type, parent_code_derived
MUKDAHAN = """unit_code,unit_name,unit_type,parent_code_derived
00036,สำนักงานสาธารณสุขจังหวัดมุกดาหาร,สำนักงานสาธารณสุขจังหวัด (สสจ.),
00522,สำนักงานสาธารณสุขอำเภอเมืองมุกดาหาร,สำนักงานสาธารณสุขอำเภอ (สสอ.),00036
05740,โรงพยาบาลส่งเสริมสุขภาพตำบลบ้านกุดโง้ง,โรงพยาบาลส่งเสริมสุขภาพตำบล / สถานีอนามัย (รพ.สต./สอ.),00522
05741,โรงพยาบาลส่งเสริมสุขภาพตำบลบ้านโคก,โรงพยาบาลส่งเสริมสุขภาพตำบล / สถานีอนามัย (รพ.สต./สอ.),00522
10712,โรงพยาบาลมุกดาหาร,โรงพยาบาลทั่วไป (รพท.),00036
"""
# org_units_coj_criminal_court_office.csv (four deep: สำนัก → ส่วน → ฝ่าย → งาน)
COJ = """off_code,off_name,parent_code_derived_from_code_pattern
1000000,สำนักอำนวยการประจำศาลอาญา,
1010000,ส่วนช่วยอำนวยการ,1000000
1010100,ฝ่ายบริหารทั่วไป ส่วนช่วยอำนวยการ,1010000
1010101,งานสารบรรณ ฝ่ายบริหารทั่วไป ส่วนช่วยอำนวยการ,1010100
"""
# position_titles_expanded_DERIVED.csv: the DPIS scheme, บริหาร = M1/M2 and อำนวยการ = D1/D2
POSITIONS = """position_title,position_name,position_type,level_name,level_code,line_code
นักบริหาร,นักบริหาร,บริหาร,ต้น,M1,1-1-2001
นักบริหาร,นักบริหาร,บริหาร,สูง,M2,1-1-2001
ผู้อำนวยการ,ผู้อำนวยการ,อำนวยการ,ต้น,D1,2-1-2001
ผู้อำนวยการ,ผู้อำนวยการ,อำนวยการ,สูง,D2,2-1-2001
นักวิเคราะห์นโยบายและแผนชำนาญการพิเศษ,นักวิเคราะห์นโยบายและแผน,วิชาการ,ชำนาญการพิเศษ,K3,3-1-2012
"""
EXPECTED_OCSC = {"M1": "S1", "M2": "S2", "D1": "M1", "D2": "M2", "K3": "K3"}


def units_to_import(
    text: str, code: str, name: str, parent: str, kind: str = "", ministry=""
) -> list[dict]:
    rows = []
    for r in csv.DictReader(io.StringIO(text)):
        rows.append(
            {
                "unit_code": r[code],
                "unit_name": r[name],
                "parent_code": r[parent],
                "unit_kind": r.get(kind, ""),
                "ministry": ministry if not r[parent] else "",
            }
        )
    return rows


def positions_to_import(text: str, unit_code: str, *, with_thai: bool) -> list[dict]:
    rows = []
    for i, r in enumerate(csv.DictReader(io.StringIO(text)), start=1):
        rows.append(
            {
                "unit_code": unit_code,
                "position_number": f"{i:05d}",
                "position_title": r["position_name"],
                "line_code": r["line_code"],
                "position_type": r["position_type"] if with_thai else "",
                "position_grade": r["level_name"] if with_thai else "",
                "grade_code": r["level_code"],
                "grade_scheme": "dpis",
            }
        )
    return rows


def to_csv(rows: list[dict]) -> bytes:
    header = sorted(
        {k for r in rows for k in r}, key=lambda k: list(importer.COLUMN_BY_KEY).index(k)
    )
    out = io.StringIO(newline="")
    writer = csv.DictWriter(out, fieldnames=header, restval="")
    writer.writeheader()
    writer.writerows(rows)
    return out.getvalue().encode("utf-8")


def import_rows(rows: list[dict]) -> importer.ImportPlan:
    plan = importer.plan_import(to_csv(rows), filename="real.csv")
    assert plan.ok, [str(e) for e in plan.errors]
    return org_import(plan=plan, actor=None)


@pytest.mark.django_db
def test_real_unit_codes_keep_their_leading_zeros_and_tree_shape():
    import_rows(
        units_to_import(
            MUKDAHAN,
            "unit_code",
            "unit_name",
            "parent_code_derived",
            "unit_type",
            "กระทรวงสาธารณสุข",
        )
    )
    root = OrgUnit.objects.get(code="00036")
    assert root.ministry.name == "กระทรวงสาธารณสุข"
    assert sorted(
        OrgUnit.objects.get(code="00522").get_children().values_list("code", flat=True)
    ) == ["05740", "05741"]
    assert (
        OrgUnit.objects.get(code="05740").kind
        == "โรงพยาบาลส่งเสริมสุขภาพตำบล / สถานีอนามัย (รพ.สต./สอ.)"
    )
    assert_tree_equals_its_rebuild()


@pytest.mark.django_db
def test_a_real_court_office_four_units_deep_imports():
    import_rows(
        units_to_import(COJ, "off_code", "off_name", "parent_code_derived_from_code_pattern")
    )
    leaf = OrgUnit.objects.get(code="1010101")
    assert leaf.depth == 3
    assert [a.code for a in leaf.get_ancestors()] == ["1000000", "1010000", "1010100"]


@pytest.mark.django_db
@pytest.mark.parametrize("with_thai", [True, False])
def test_dpis_grade_codes_are_stored_in_the_ocsc_scheme(with_thai):
    rows = units_to_import(COJ, "off_code", "off_name", "parent_code_derived_from_code_pattern")
    rows += positions_to_import(POSITIONS, "1010000", with_thai=with_thai)
    rows.append(
        {"unit_code": "1010000", "position_number": "09999", "position_title": "นิติกร",
         "position_type": "วิชาการ", "position_grade": "ชำนาญการ", "staff_code": "C0001",
         "title": "ว่าที่ร้อยตรีหญิง", "first_name": "ทดสอบ", "last_name": "ข้อมูลจริง",
         "unit_role": "หัวหน้า"}
    )  # fmt: skip
    import_rows(rows)
    stored = dict(
        Position.objects.filter(line_code__in=["1-1-2001", "2-1-2001", "3-1-2012"]).values_list(
            "number", "grade"
        )
    )
    dpis = [r["level_code"] for r in csv.DictReader(io.StringIO(POSITIONS))]
    assert [stored[f"{i:05d}"] for i in range(1, 6)] == [EXPECTED_OCSC[c] for c in dpis]
    assert Position.objects.get(number="00001").position_type == "executive"
    assert Position.objects.get(number="00003").position_type == "managerial"
    assert OrgUnit.objects.get(code="1010000").head == Person.objects.get(staff_code="C0001")


@pytest.mark.django_db
@pytest.mark.skipif(not REALDATA.is_dir(), reason="../shared/realdata is not here")
def test_the_whole_real_files_import():
    rows = units_to_import(
        (REALDATA / "org_units_mukdahan_health.csv").read_text(encoding="utf-8"),
        "unit_code", "unit_name", "parent_code_derived", "unit_type", "กระทรวงสาธารณสุข",
    )  # fmt: skip
    coj = units_to_import(
        (REALDATA / "org_units_coj_criminal_court_office.csv").read_text(encoding="utf-8"),
        "off_code", "off_name", "parent_code_derived_from_code_pattern",
    )  # fmt: skip
    positions = positions_to_import(
        (REALDATA / "position_titles_expanded_DERIVED.csv").read_text(encoding="utf-8"),
        "1000000",
        with_thai=True,
    )
    plan = import_rows(rows + coj + positions)
    assert plan.counts()["units"]["created"] == len(rows) + len(coj)
    assert plan.counts()["positions"]["created"] == len(positions)
    assert set(Position.objects.values_list("grade", flat=True)) <= {
        "O1", "O2", "O3", "O4", "K1", "K2", "K3", "K4", "K5", "M1", "M2", "S1", "S2",
    }  # fmt: skip
    assert_tree_equals_its_rebuild()
