"""The org import: the example files, idempotence, all-or-nothing, scope, tree integrity, and every
kind of error with its Thai message, row and column."""

from __future__ import annotations

import csv
import io
from decimal import Decimal
from pathlib import Path

import openpyxl
import pytest
from django.contrib.auth import get_user_model
from django.db import IntegrityError, connection
from django.test.utils import CaptureQueriesContext

from common.models import AuditEvent
from orgchart import importer
from orgchart.import_service import ImportRejected, org_import
from orgchart.models import Ministry, OrgUnit, Person, Position, StaffType

ROOT = Path(__file__).resolve().parents[2]
EXAMPLE_XLSX = ROOT / "fixtures" / "import_example.xlsx"
EXAMPLE_CSV = ROOT / "fixtures" / "import_example.csv"

HEADER = [
    "รหัสหน่วยงาน", "ชื่อหน่วยงาน", "รหัสหน่วยงานต้นสังกัด", "เลขที่ตำแหน่ง", "ตำแหน่ง",
    "ประเภทตำแหน่ง", "ระดับ", "รหัสบุคลากร", "คำนำหน้า", "ชื่อ", "นามสกุล", "เงินเดือน",
    "บทบาทในหน่วยงาน",
]  # fmt: skip


def csv_bytes(rows, header=HEADER, *, encoding="utf-8") -> bytes:
    """CSV text for a header and rows given as lists or as dicts keyed by header."""
    out = io.StringIO(newline="")
    writer = csv.writer(out)
    writer.writerow(header)
    for row in rows:
        writer.writerow([row.get(h, "") for h in header] if isinstance(row, dict) else row)
    return out.getvalue().encode(encoding)


def xlsx_bytes(rows, header=HEADER) -> bytes:
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(header)
    for row in rows:
        sheet.append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def person_row(
    unit, number, staff, first, *, parent="", name="", grade="ชำนาญการ", role="", salary="30,000.00"
):
    return [unit, name, parent, number, "นักวิชาการสาธารณสุข", "วิชาการ", grade, staff, "นาย", first,
            "ทดสอบ", salary, role]  # fmt: skip


def plan_of(data: bytes, *, filename="org.csv", user=None, scheme=None) -> importer.ImportPlan:
    return importer.plan_import(data, filename=filename, user=user, scheme=scheme)


def run_import(data: bytes, *, filename="org.csv", user=None, scheme=None) -> importer.ImportPlan:
    plan = plan_of(data, filename=filename, user=user, scheme=scheme)
    assert plan.ok, [str(e) for e in plan.errors]
    return org_import(plan=plan, actor=user)


def db_state():
    """Every row the import can write, to prove that nothing changed."""
    return (
        sorted(OrgUnit.objects.values_list()),
        sorted(Position.objects.values_list()),
        sorted(Person.objects.values_list()),
        sorted(Ministry.objects.values_list()),
        sorted(get_user_model().objects.values_list("pk", "username")),
        AuditEvent.objects.count(),
    )


def tree_snapshot():
    return sorted(OrgUnit.objects.values_list("pk", "tree_id", "lft", "rght", "depth", "parent_id"))


def assert_tree_equals_its_rebuild():
    before = tree_snapshot()
    OrgUnit.objects.rebuild()
    assert tree_snapshot() == before


def assert_rejected(data: bytes, *, row, column, text, filename="org.csv", user=None, scheme=None):
    """The plan names the row and column in Thai, and confirming it writes nothing."""
    before = db_state()
    plan = plan_of(data, filename=filename, user=user, scheme=scheme)
    matching = [e for e in plan.errors if text in e.message]
    assert matching, [str(e) for e in plan.errors]
    assert (matching[0].row, matching[0].column) == (row, column), [str(e) for e in plan.errors]
    with pytest.raises(ImportRejected) as exc:
        org_import(plan=plan, actor=user)
    assert exc.value.errors
    assert db_state() == before
    return plan


# --- the example files ----------------------------------------------------------------------------


@pytest.mark.django_db
def test_the_example_xlsx_imports_cleanly_into_an_empty_database():
    plan = run_import(EXAMPLE_XLSX.read_bytes(), filename=EXAMPLE_XLSX.name)
    counts = plan.counts()
    assert counts["units"]["created"] == 15
    assert counts["people"]["created"] == 39
    assert counts["positions"]["created"] == 41
    root = OrgUnit.objects.get(code="00036")
    assert root.parent is None and root.ministry.name == "กระทรวงสาธารณสุข"
    assert root.get_descendant_count() == 14
    assert max(OrgUnit.objects.values_list("depth", flat=True)) == 3  # four deep
    assert root.head.full_name == "นายแพทย์ประเสริฐ วงศ์สวัสดิ์"
    disease = OrgUnit.objects.get(code="0003604")
    assert disease.head is None and disease.acting_head.staff_code == "360401"
    # Every position belongs to the department root, whatever unit it is in.
    assert set(Position.objects.values_list("department__code", flat=True)) == {"00036"}
    assert Person.objects.get(staff_code="360124").title == "ว่าที่ร้อยตรี"
    assert Person.objects.get(staff_code="360113").on_probation is True
    assert Person.objects.get(staff_code="360001").salary == Decimal("78530.00")
    assert Person.objects.get(staff_code="360501").position.grade == "M1"  # อำนวยการ ต้น
    assert Person.objects.get(staff_code="360103").staff_type == StaffType.GOVERNMENT_EMPLOYEE
    assert not Person.objects.filter(position__number="0313").exists()  # a vacant position
    user = get_user_model().objects.get(username="prasert.w")
    assert not user.has_usable_password() and user.person.staff_code == "360001"
    assert AuditEvent.objects.filter(kind="orgchart.import").count() == 1
    assert_tree_equals_its_rebuild()


@pytest.mark.django_db
def test_the_csv_twin_says_exactly_what_the_xlsx_says():
    xlsx = plan_of(EXAMPLE_XLSX.read_bytes(), filename=EXAMPLE_XLSX.name)
    twin = plan_of(EXAMPLE_CSV.read_bytes(), filename=EXAMPLE_CSV.name)
    assert xlsx.ok and twin.ok
    assert xlsx.signature == twin.signature
    assert xlsx.counts() == twin.counts()


@pytest.mark.django_db
def test_importing_the_same_file_twice_changes_nothing_the_second_time():
    data = EXAMPLE_CSV.read_bytes()
    run_import(data, filename=EXAMPLE_CSV.name)
    before = db_state()
    with CaptureQueriesContext(connection) as queries:
        second = run_import(data, filename=EXAMPLE_CSV.name)
    assert second.created == 0 and second.updated == 0
    writes = [
        q["sql"]
        for q in queries
        if q["sql"].lstrip().upper().startswith(("INSERT", "UPDATE", "DELETE"))
    ]
    assert len(writes) == 1 and "common_auditevent" in writes[0]
    units, positions, people, ministries, users, audits = db_state()
    assert (units, positions, people, ministries, users) == before[:5]
    assert audits == before[5] + 1


def test_the_committed_examples_are_what_the_script_generates(tmp_path):
    import importlib.util

    spec = importlib.util.spec_from_file_location(
        "make_import_example", ROOT / "scripts" / "make_import_example.py"
    )
    script = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(script)
    script.main(["make_import_example.py", str(tmp_path)])
    assert (tmp_path / "import_example.csv").read_bytes() == EXAMPLE_CSV.read_bytes()

    def cells(path):
        sheet = openpyxl.load_workbook(path, read_only=True).worksheets[0]
        return [[c for c in row] for row in sheet.iter_rows(values_only=True)]

    assert cells(tmp_path / "import_example.xlsx") == cells(EXAMPLE_XLSX)


# --- writes -----------------------------------------------------------------------------------------


@pytest.mark.django_db(transaction=True)
def test_a_database_error_in_the_middle_of_the_write_leaves_nothing_behind(monkeypatch):
    original = Person.objects.bulk_create

    def explode(objs, *args, **kwargs):
        original(objs, *args, **kwargs)  # units, positions and these people are already written
        raise IntegrityError("forced failure for the test")

    plan = plan_of(EXAMPLE_CSV.read_bytes())
    assert plan.ok
    monkeypatch.setattr(Person.objects, "bulk_create", explode)
    with pytest.raises(IntegrityError):
        org_import(plan=plan, actor=None)
    assert OrgUnit.objects.count() == 0
    assert Position.objects.count() == 0
    assert Person.objects.count() == 0
    assert Ministry.objects.count() == 0
    assert get_user_model().objects.count() == 0
    assert AuditEvent.objects.count() == 0


def test_a_plan_made_stale_by_another_write_is_refused(org):
    from orgchart import services

    data = csv_bytes(
        [person_row("DEPT-01-3", "9001", "9001", "ใหม่", parent="DEPT-01", name="กลุ่มใหม่")]
    )
    plan = plan_of(data, user=org.hr)
    assert plan.ok
    services.unit_create(code="DEPT-01-3", name="ชื่ออื่น", parent=org.div1)
    before = db_state()
    with pytest.raises(ImportRejected, match="ข้อมูลในระบบเปลี่ยนไป"):
        org_import(plan=plan, actor=org.hr)
    assert db_state() == before


def test_new_units_go_into_an_existing_tree_and_the_tree_stays_consistent(org):
    data = csv_bytes([
        person_row("DEPT-01-3", "9001", "9001", "ใหม่หนึ่ง", parent="DEPT-01", name="กลุ่มงานติดตามประเมินผล"),
        person_row("DEPT-01-3-1", "9002", "9002", "ใหม่สอง", parent="DEPT-01-3", name="งานติดตาม"),
        person_row("DEPT-00", "9003", "9003", "ใหม่สาม", parent="DEPT", name="สำนักงานเลขานุการกรม"),
    ])  # fmt: skip
    run_import(data, user=org.hr)
    assert list(org.dept.get_children().values_list("code", flat=True)) == [
        "DEPT-00",
        "DEPT-01",
        "DEPT-02",
    ]
    assert OrgUnit.objects.get(code="DEPT-01-3-1").get_root() == org.dept
    assert Position.objects.get(number="9002").department == org.dept
    assert_tree_equals_its_rebuild()


def test_a_new_department_sorts_among_the_existing_ones_and_the_trees_stay_consistent(org):
    data = csv_bytes([
        ["AAA", "กรมแรก", "", "1", "ผู้อำนวยการ", "อำนวยการ", "สูง", "A001", "นาง", "หนึ่ง", "ทดสอบ", "", "หัวหน้า"],
        ["AAA-1", "กองแรก", "AAA", "2", "นักวิชาการสาธารณสุข", "วิชาการ", "ชำนาญการ", "A002", "นาย", "สอง", "ทดสอบ", "", ""],
    ])  # fmt: skip
    run_import(data, user=org.admin)
    roots = list(
        OrgUnit.objects.filter(parent=None).order_by("tree_id").values_list("code", flat=True)
    )
    assert roots == ["AAA", "DEPT", "OTHER"]
    assert OrgUnit.objects.get(code="AAA").head.staff_code == "A001"
    assert_tree_equals_its_rebuild()


def test_a_changed_parent_moves_the_unit_within_its_department(org):
    data = csv_bytes([["DEPT-01-2", "กลุ่มงานงบประมาณ", "DEPT-02"]], header=HEADER[:3])
    plan = run_import(data, user=org.hr)
    assert plan.counts()["units"]["updated"] == 1
    org.grp2.refresh_from_db()
    assert org.grp2.parent == org.div2
    assert_tree_equals_its_rebuild()


def test_only_changed_fields_are_written_and_blank_unit_cells_keep_what_is_there(org):
    header = [
        "รหัสหน่วยงาน",
        "ชื่อหน่วยงาน",
        "ประเภทหน่วยงาน",
        "รหัสบุคลากร",
        "คำนำหน้า",
        "ชื่อ",
        "นามสกุล",
        "เงินเดือน",
    ]
    data = csv_bytes([
        ["DEPT-01", "กองยุทธศาสตร์และแผนงาน", "", "", "", "", "", ""],
        ["DEPT-01-1", "", "", "0004", "นาย", "สมชาย", "ทดสอบ", "27,500"],
    ], header=header)  # fmt: skip
    plan = run_import(data, user=org.hr)
    org.div1.refresh_from_db()
    org.s1.refresh_from_db()
    assert org.div1.name == "กองยุทธศาสตร์และแผนงาน" and org.div1.kind == "กอง"
    assert org.s1.salary == Decimal("27500.00")
    # Columns the file does not have are left alone.
    assert org.s1.email == "0004@example.go.th" and org.s1.position.number == "P0004"
    assert {a.staff_code: set(a.changes) for a in plan.people} == {"0004": {"salary"}}
    assert {a.code: set(a.changes) for a in plan.units if a.changes} == {"DEPT-01": {"name"}}


def test_a_blank_position_number_in_a_file_with_that_column_vacates_the_position(org):
    header = [
        "รหัสหน่วยงาน",
        "เลขที่ตำแหน่ง",
        "ตำแหน่ง",
        "ประเภทตำแหน่ง",
        "รหัสบุคลากร",
        "คำนำหน้า",
        "ชื่อ",
        "นามสกุล",
    ]
    data = csv_bytes([["DEPT-01-1", "", "", "", "0004", "นาย", "สมชาย", "ทดสอบ"]], header=header)
    run_import(data, user=org.hr)
    org.s1.refresh_from_db()
    assert org.s1.position is None
    assert Position.objects.filter(number="P0004").exists()


def test_a_person_moves_to_another_unit_and_stops_heading_the_old_one(org):
    header = ["รหัสหน่วยงาน", "รหัสบุคลากร", "คำนำหน้า", "ชื่อ", "นามสกุล", "บทบาทในหน่วยงาน"]
    data = csv_bytes([["DEPT-01-2", "0003", "นาย", "หัวหน้ากลุ่ม", "ทดสอบ", "หัวหน้า"]], header=header)
    run_import(data, user=org.hr)
    org.grp1.refresh_from_db()
    org.grp2.refresh_from_db()
    assert org.grp1.head is None
    assert org.grp2.head.staff_code == "0003"


def test_a_blank_role_removes_the_head_mark_but_leaves_heads_of_other_units(org):
    header = ["รหัสหน่วยงาน", "รหัสบุคลากร", "คำนำหน้า", "ชื่อ", "นามสกุล", "บทบาทในหน่วยงาน"]
    data = csv_bytes([["DEPT-02", "0008", "นาย", "รักษาการ", "ทดสอบ", ""]], header=header)
    run_import(data, user=org.hr)
    org.div2.refresh_from_db()
    assert org.div2.acting_head is None and org.div2.head == org.div2_head


def test_positions_and_people_swap_without_colliding(org):
    header = [
        "รหัสหน่วยงาน",
        "เลขที่ตำแหน่ง",
        "ตำแหน่ง",
        "ประเภทตำแหน่ง",
        "ระดับ",
        "รหัสบุคลากร",
        "คำนำหน้า",
        "ชื่อ",
        "นามสกุล",
    ]
    data = csv_bytes([
        ["DEPT-01-1", "P0005", "นักวิชาการ", "วิชาการ", "ชำนาญการ", "0004", "นาย", "สมชาย", "ทดสอบ"],
        ["DEPT-01-1", "P0004", "นักวิชาการ", "วิชาการ", "ปฏิบัติการ", "0005", "นาย", "สมหญิง", "ทดสอบ"],
    ], header=header)  # fmt: skip
    run_import(data, user=org.hr)
    org.s1.refresh_from_db()
    org.s2.refresh_from_db()
    assert (org.s1.position.number, org.s2.position.number) == ("P0005", "P0004")


def test_a_person_row_with_a_new_username_gets_an_account_without_a_password(org):
    header = ["รหัสหน่วยงาน", "รหัสบุคลากร", "คำนำหน้า", "ชื่อ", "นามสกุล", "อีเมล", "ชื่อผู้ใช้"]
    data = csv_bytes(
        [["DEPT-01-2", "7001", "นางสาว", "ใหม่", "ทดสอบ", "new@example.go.th", "new.one"]],
        header=header,
    )
    run_import(data, user=org.hr)
    user = get_user_model().objects.get(username="new.one")
    assert not user.has_usable_password()
    assert user.email == "new@example.go.th" and user.person.staff_code == "7001"


# --- scope ------------------------------------------------------------------------------------------


def test_hr_cannot_import_into_units_outside_their_subtree(org):
    data = csv_bytes([person_row("DEPT-01-1", "9100", "9100", "นอกขอบเขต")])
    assert_rejected(
        data, row=2, column="รหัสหน่วยงาน", text="นอกขอบเขตงานบุคคลของท่าน", user=org.hr_div2
    )


def test_hr_cannot_hang_a_new_unit_under_a_unit_outside_their_subtree(org):
    data = csv_bytes(
        [person_row("DEPT-01-9", "9101", "9101", "ใหม่", parent="DEPT-01", name="กลุ่มใหม่")]
    )
    assert_rejected(data, row=2, column="รหัสหน่วยงานต้นสังกัด", text="นอกขอบเขต", user=org.hr_div2)


def test_only_an_administrator_creates_a_department(org):
    data = csv_bytes([person_row("NEW", "1", "N001", "ใหม่", name="กรมใหม่")])
    assert_rejected(data, row=2, column="รหัสหน่วยงาน", text="ได้เฉพาะผู้ดูแลระบบ", user=org.hr)
    assert run_import(data, user=org.admin).counts()["units"]["created"] == 1


def test_hr_cannot_pull_a_person_in_from_outside_their_subtree(org):
    header = ["รหัสหน่วยงาน", "รหัสบุคลากร", "คำนำหน้า", "ชื่อ", "นามสกุล"]
    data = csv_bytes([["DEPT-02", "0004", "นาย", "สมชาย", "ทดสอบ"]], header=header)
    assert_rejected(data, row=2, column="รหัสบุคลากร", text="นอกขอบเขต", user=org.hr_div2)


def test_hr_in_scope_imports_under_their_own_subtree(org):
    data = csv_bytes(
        [
            person_row(
                "DEPT-02-1", "9200", "9200", "ในขอบเขต", parent="DEPT-02", name="งานทะเบียนประวัติ"
            )
        ]
    )
    plan = run_import(data, user=org.hr_div2)
    assert plan.counts()["units"]["created"] == 1
    assert OrgUnit.objects.get(code="DEPT-02-1").parent == org.div2


# --- errors -----------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_a_missing_required_column_is_named():
    data = csv_bytes([["หน่วยงาน"]], header=["ชื่อหน่วยงาน"])
    assert_rejected(data, row=1, column="รหัสหน่วยงาน", text="ไม่พบคอลัมน์ที่ต้องมี 'รหัสหน่วยงาน'")


@pytest.mark.django_db
def test_person_columns_need_their_name_columns():
    data = csv_bytes([["U1", "P1"]], header=["รหัสหน่วยงาน", "รหัสบุคลากร"])
    plan = assert_rejected(data, row=1, column="คำนำหน้า", text="ไม่พบคอลัมน์ที่ต้องมี")
    assert {e.column for e in plan.errors} == {"คำนำหน้า", "ชื่อ", "นามสกุล"}


@pytest.mark.django_db
def test_an_unknown_parent_code_is_reported_on_its_row():
    data = csv_bytes([
        person_row("R", "1", "S1", "หนึ่ง", name="กรม"),
        person_row("R-1", "2", "S2", "สอง", name="กอง", parent="NOPE"),
    ])  # fmt: skip
    assert_rejected(data, row=3, column="รหัสหน่วยงานต้นสังกัด", text="ไม่พบหน่วยงานต้นสังกัดรหัส 'NOPE'")


@pytest.mark.django_db
def test_a_unit_code_given_two_different_names_names_both_rows():
    data = csv_bytes([
        person_row("R", "1", "S1", "หนึ่ง", name="กรมหนึ่ง"),
        person_row("R", "2", "S2", "สอง", name="กรมสอง"),
    ])  # fmt: skip
    plan = assert_rejected(data, row=3, column="ชื่อหน่วยงาน", text="ไม่ตรงกับแถว 2")
    assert "กรมสอง" in plan.errors[0].message and "กรมหนึ่ง" in plan.errors[0].message


@pytest.mark.django_db
def test_a_unit_code_repeated_with_the_same_name_is_fine():
    data = csv_bytes([
        person_row("R", "1", "S1", "หนึ่ง", name="กรมหนึ่ง"),
        person_row("R", "2", "S2", "สอง", name="กรมหนึ่ง"),
    ])  # fmt: skip
    assert plan_of(data).ok


@pytest.mark.django_db
def test_a_duplicate_staff_code_names_the_first_row():
    data = csv_bytes([
        person_row("R", "1", "S1", "หนึ่ง", name="กรม"),
        person_row("R", "2", "S1", "สอง"),
    ])  # fmt: skip
    assert_rejected(data, row=3, column="รหัสบุคลากร", text="รหัสบุคลากร 'S1' ซ้ำกับแถว 2")


@pytest.mark.django_db
def test_a_duplicate_position_number_in_one_department_names_the_first_row():
    data = csv_bytes([
        person_row("R", "7", "S1", "หนึ่ง", name="กรม"),
        person_row("R-1", "7", "S2", "สอง", name="กอง", parent="R"),
    ])  # fmt: skip
    assert_rejected(data, row=3, column="เลขที่ตำแหน่ง", text="เลขที่ตำแหน่ง '7' ซ้ำกับแถว 2")


@pytest.mark.django_db
def test_the_same_position_number_in_two_departments_is_fine():
    data = csv_bytes([
        person_row("R", "7", "S1", "หนึ่ง", name="กรมหนึ่ง"),
        person_row("Q", "7", "S2", "สอง", name="กรมสอง"),
    ])  # fmt: skip
    assert plan_of(data).ok


@pytest.mark.django_db
def test_a_cycle_among_parent_codes_is_reported():
    data = csv_bytes([
        person_row("A", "1", "S1", "หนึ่ง", name="หน่วย ก", parent="C"),
        person_row("B", "2", "S2", "สอง", name="หน่วย ข", parent="A"),
        person_row("C", "3", "S3", "สาม", name="หน่วย ค", parent="B"),
    ])  # fmt: skip
    plan = assert_rejected(data, row=2, column="รหัสหน่วยงานต้นสังกัด", text="วนกลับมาที่เดิม")
    assert "'A' (แถว 2)" in plan.errors[0].message and "'C' (แถว 4)" in plan.errors[0].message


def test_moving_a_unit_under_its_own_descendant_is_a_cycle(org):
    data = csv_bytes([["DEPT-01", "กองแผนงาน", "DEPT-01-1"]], header=HEADER[:3])
    assert_rejected(data, row=2, column="รหัสหน่วยงานต้นสังกัด", text="วนกลับมาที่เดิม", user=org.hr)


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("ptype", "grade", "code", "scheme", "column", "text"),
    [
        ("", "", "M1", None, "รหัสระดับ", "กำกวม"),
        ("", "", "K9", "ocsc", "รหัสระดับ", "รหัสระดับ 'K9' ไม่ถูกต้อง"),
        ("", "", "D1", "ocsc", "รหัสระดับ", "เป็นรหัสแบบ DPIS"),
        ("วิชาการ", "", "O2", None, "รหัสระดับ", "ไม่ตรงกับ ประเภทวิชาการ"),
        ("วิชาการ", "ชำนาญงาน", "", None, "ระดับ", "ประเภทวิชาการไม่มีระดับ 'ชำนาญงาน'"),
        ("บริหาร", "ต้น", "D1", "dpis", "รหัสระดับ", "ไม่ตรงกับ"),
        ("", "ต้น", "", None, "ประเภทตำแหน่ง", "มีในหลายประเภทตำแหน่ง"),
        ("", "", "", None, "ประเภทตำแหน่ง", "ต้องระบุประเภทตำแหน่ง"),
    ],
)
def test_a_bad_or_ambiguous_grade_is_reported(ptype, grade, code, scheme, column, text):
    header = ["รหัสหน่วยงาน", "ชื่อหน่วยงาน", "เลขที่ตำแหน่ง", "ตำแหน่ง", "ประเภทตำแหน่ง", "ระดับ", "รหัสระดับ"]
    data = csv_bytes([["R", "กรม", "1", "ผู้อำนวยการ", ptype, grade, code]], header=header)
    assert_rejected(data, row=2, column=column, text=text, scheme=scheme)


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("ptype", "grade", "code", "scheme", "expected"),
    [
        ("", "", "M1", "dpis", ("executive", "S1")),
        ("", "", "M1", "ocsc", ("managerial", "M1")),
        ("", "", "D2", "dpis", ("managerial", "M2")),
        ("อำนวยการ", "", "M1", None, ("managerial", "M1")),  # the Thai type settles M1
        ("บริหาร", "", "M2", None, ("executive", "S2")),
        ("", "ชำนาญการพิเศษ", "", None, ("knowledge", "K3")),  # a grade name of one type only
        ("วิชาการ", "ชำนาญการ", "K2", None, ("knowledge", "K2")),
        ("อื่น ๆ", "", "", None, ("other", "")),
    ],
)
def test_grade_codes_read_in_the_declared_scheme_or_by_the_thai_type(
    ptype, grade, code, scheme, expected
):
    header = ["รหัสหน่วยงาน", "ชื่อหน่วยงาน", "เลขที่ตำแหน่ง", "ตำแหน่ง", "ประเภทตำแหน่ง", "ระดับ", "รหัสระดับ"]
    data = csv_bytes([["R", "กรม", "1", "ผู้อำนวยการ", ptype, grade, code]], header=header)
    plan = plan_of(data, scheme=scheme)
    assert plan.ok, [str(e) for e in plan.errors]
    fields = plan.positions[0].fields
    assert (fields["position_type"], fields["grade"]) == expected


@pytest.mark.django_db
def test_a_scheme_column_declares_the_scheme_per_row():
    header = ["รหัสหน่วยงาน", "ชื่อหน่วยงาน", "เลขที่ตำแหน่ง", "ตำแหน่ง", "รหัสระดับ", "ระบบรหัส"]
    data = csv_bytes(
        [["R", "กรม", "1", "นักบริหาร", "M1", "DPIS"], ["R", "", "2", "ผู้อำนวยการ", "M1", "ocsc"]],
        header=header,
    )
    plan = plan_of(data)
    assert [a.fields["grade"] for a in plan.positions] == ["S1", "M1"]


@pytest.mark.django_db
def test_the_english_grade_headers_of_earlier_files_still_work():
    header = ["unit_code", "unit_name", "position_number", "position_title", "position_type",
              "position_level", "level_code", "level_scheme"]  # fmt: skip
    data = csv_bytes(
        [["R", "กรม", "1", "นักบริหาร", "", "", "M1", "dpis"],
         ["R", "", "2", "นักวิชาการ", "วิชาการ", "ชำนาญการ", "", ""]],
        header=header,
    )  # fmt: skip
    plan = plan_of(data)
    assert plan.ok, [str(e) for e in plan.errors]
    assert [a.fields["grade"] for a in plan.positions] == ["S1", "K2"]


@pytest.mark.django_db
@pytest.mark.parametrize("salary", ["25000.555", "-100", "สองหมื่น", "1e5", "NaN", "25,000.00.00"])
def test_a_bad_salary_is_reported(salary):
    data = csv_bytes([person_row("R", "1", "S1", "หนึ่ง", name="กรม", salary=salary)])
    assert_rejected(data, row=2, column="เงินเดือน", text=f"เงินเดือน '{salary}' ไม่ถูกต้อง")


@pytest.mark.parametrize(
    ("text", "amount"),
    [
        ("25,000", "25000.00"),
        ("25000.5", "25000.50"),
        ("๒๕,๐๐๐.๐๐", "25000.00"),
        ("1,234,567.89", "1234567.89"),
    ],
)
def test_salaries_are_read_as_exact_decimals(text, amount):
    value = importer.parse_salary(text)
    assert isinstance(value, Decimal) and value == Decimal(amount) and str(value) == amount


@pytest.mark.django_db
def test_a_bad_email_is_reported():
    header = ["รหัสหน่วยงาน", "ชื่อหน่วยงาน", "รหัสบุคลากร", "คำนำหน้า", "ชื่อ", "นามสกุล", "อีเมล"]
    data = csv_bytes([["R", "กรม", "S1", "นาย", "หนึ่ง", "ทดสอบ", "someone@"]], header=header)
    assert_rejected(data, row=2, column="อีเมล", text="อีเมล 'someone@' ไม่ถูกต้อง")


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("column", "value", "text"),
    [
        ("ทดลองปฏิบัติราชการ", "บางที", "ไม่ถูกต้อง (ใช้ ใช่/ไม่ใช่"),
        ("ประเภทบุคลากร", "ลูกจ้างชั่วคราว", "ไม่รู้จักประเภทบุคลากร"),
        ("บทบาทในหน่วยงาน", "ผู้ช่วย", "ไม่รู้จักบทบาท"),
        ("ชื่อผู้ใช้", "มี ช่องว่าง", "ห้ามเว้นวรรค"),
    ],
)
def test_bad_person_values_are_reported(column, value, text):
    header = ["รหัสหน่วยงาน", "ชื่อหน่วยงาน", "รหัสบุคลากร", "คำนำหน้า", "ชื่อ", "นามสกุล", column]
    data = csv_bytes([["R", "กรม", "S1", "นาย", "หนึ่ง", "ทดสอบ", value]], header=header)
    assert_rejected(data, row=2, column=column, text=text)


@pytest.mark.django_db
def test_two_heads_for_one_unit_are_reported():
    data = csv_bytes([
        person_row("R", "1", "S1", "หนึ่ง", name="กรม", role="หัวหน้า"),
        person_row("R", "2", "S2", "สอง", role="หัวหน้า"),
    ])  # fmt: skip
    assert_rejected(data, row=3, column="บทบาทในหน่วยงาน", text="มีหัวหน้าแล้วที่แถว 2")


def test_a_position_held_by_someone_not_in_the_file_is_reported(org):
    data = csv_bytes([person_row("DEPT-01-1", "P0004", "7777", "คนใหม่")])
    assert_rejected(data, row=2, column="เลขที่ตำแหน่ง", text="มีผู้ครองอยู่แล้ว", user=org.hr)


def test_a_username_of_another_person_is_reported(org):
    header = ["รหัสหน่วยงาน", "รหัสบุคลากร", "คำนำหน้า", "ชื่อ", "นามสกุล", "ชื่อผู้ใช้"]
    data = csv_bytes([["DEPT-01-1", "0004", "นาย", "สมชาย", "ทดสอบ", "s2"]], header=header)
    assert_rejected(data, row=2, column="ชื่อผู้ใช้", text="ผูกกับบุคลากรรหัส '0005'", user=org.hr)


@pytest.mark.django_db
def test_a_cp874_csv_is_explained():
    data = csv_bytes([person_row("R", "1", "S1", "หนึ่ง", name="กรม")], encoding="cp874")
    plan = assert_rejected(data, row=1, column="", text="TIS-620")
    assert "บันทึกไฟล์เป็น CSV UTF-8" in plan.errors[0].message


@pytest.mark.django_db
@pytest.mark.parametrize("encoding", ["utf-16", "utf-16-le"])
def test_a_utf16_file_is_explained(encoding):
    data = csv_bytes([person_row("R", "1", "S1", "หนึ่ง", name="กรม")], encoding=encoding)
    plan = assert_rejected(data, row=1, column="", text="UTF-16")
    assert "บันทึกไฟล์เป็น CSV UTF-8" in plan.errors[0].message


@pytest.mark.django_db
def test_a_utf8_file_with_a_bom_and_english_headers_is_read():
    header = [" Unit_Code ", "UNIT NAME", "staff_code", "title", "first_name", "last_name"]
    data = csv_bytes(
        [["R", "กรม", "S1", "นาย", "หนึ่ง", "ทดสอบ"]], header=header, encoding="utf-8-sig"
    )
    plan = plan_of(data)
    assert plan.ok and plan.units[0].name == "กรม"


@pytest.mark.django_db
@pytest.mark.parametrize("data", [b"", b"   \r\n", b"\xef\xbb\xbf"])
def test_an_empty_file_is_reported(data):
    assert_rejected(data, row=None, column="", text="ไฟล์ว่างเปล่า")


@pytest.mark.django_db
def test_a_header_without_rows_is_reported():
    assert_rejected(csv_bytes([]), row=None, column="", text="ไม่มีแถวข้อมูล")


@pytest.mark.django_db
def test_a_file_over_the_size_limit_is_refused(settings):
    settings.IMPORT_MAX_BYTES = 100
    data = csv_bytes([person_row("R", str(i), f"S{i}", "หนึ่ง", name="กรม") for i in range(5)])
    assert_rejected(data, row=None, column="", text="ไฟล์ใหญ่เกินกำหนด")


@pytest.mark.django_db
def test_a_formula_in_a_csv_cell_is_refused_not_evaluated():
    data = csv_bytes([person_row("R", "1", "S1", '=HYPERLINK("http://x")', name="กรม")])
    assert_rejected(data, row=2, column="ชื่อ", text="เป็นสูตร")


@pytest.mark.django_db
def test_a_formula_cell_in_an_xlsx_is_refused_not_evaluated():
    rows = [person_row("R", "1", "S1", "หนึ่ง", name="กรม"), person_row("R", "2", "S2", "สอง")]
    rows[1][HEADER.index("เงินเดือน")] = "=SUM(1,2)"
    assert_rejected(xlsx_bytes(rows), row=3, column="เงินเดือน", text="เป็นสูตร", filename="org.xlsx")


@pytest.mark.django_db
def test_a_date_cell_in_an_xlsx_is_refused():
    import datetime

    header = ["รหัสหน่วยงาน", "ชื่อหน่วยงาน", "เลขที่ตำแหน่ง", "ตำแหน่ง", "ประเภทตำแหน่ง", "รหัสสายงาน"]
    rows = [["R", "กรม", "1", "นักจัดการงานทั่วไป", "วิชาการ", datetime.datetime(2004, 3, 1)]]
    assert_rejected(
        xlsx_bytes(rows, header=header),
        row=2,
        column="รหัสสายงาน",
        text="เก็บช่องนี้เป็นวันที่",
        filename="org.xlsx",
    )


def test_the_service_refuses_a_user_without_the_import_permission(org):
    data = csv_bytes([person_row("DEPT-01-1", "9100", "9100", "คน")])
    plan = plan_of(data, user=org.hr)
    assert plan.ok
    before = db_state()
    with pytest.raises(ImportRejected, match="ไม่มีสิทธิ์"):
        org_import(plan=plan, actor=org.s1.user)
    assert db_state() == before


@pytest.mark.django_db
def test_a_huge_cell_is_refused():
    data = csv_bytes([person_row("R", "1", "S1", "ก" * 501, name="กรม")])
    assert_rejected(data, row=2, column="ชื่อ", text="ยาวเกิน 500 ตัวอักษร")


@pytest.mark.django_db
def test_a_binary_file_named_xlsx_is_refused():
    assert_rejected(
        b"\x89PNG\r\n\x1a\n" + bytes(range(256)),
        row=None,
        column="",
        text="ไม่ใช่ไฟล์ Excel (.xlsx)",
        filename="org.xlsx",
    )


@pytest.mark.django_db
def test_a_zip_that_is_not_a_workbook_is_refused():
    out = io.BytesIO()
    import zipfile

    with zipfile.ZipFile(out, "w") as archive:
        archive.writestr("hello.txt", "not a workbook")
    assert_rejected(
        out.getvalue(), row=None, column="", text="ไม่ใช่ไฟล์ Excel (.xlsx)", filename="org.xlsx"
    )


@pytest.mark.django_db
def test_every_error_in_the_file_is_reported_not_only_the_first():
    data = csv_bytes([
        person_row("R", "1", "S1", "หนึ่ง", name="กรม", salary="abc"),
        person_row("R", "2", "S1", "สอง"),
        person_row("R-1", "3", "S3", "สาม", name="กอง", parent="NOPE"),
        person_row("R", "4", "S4", "=1+1"),
    ])  # fmt: skip
    plan = plan_of(data)
    assert [e.row for e in plan.errors] == [2, 3, 4, 5]
    assert all(str(e).startswith(f"แถว {e.row} คอลัมน์") for e in plan.errors)


@pytest.mark.django_db
def test_unknown_columns_are_warned_about_and_ignored():
    header = ["รหัสหน่วยงาน", "ชื่อหน่วยงาน", "หมายเหตุ"]
    plan = plan_of(csv_bytes([["R", "กรม", "อะไรก็ได้"]], header=header))
    assert plan.ok
    assert any(w.column == "หมายเหตุ" for w in plan.warnings)


@pytest.mark.django_db
def test_numeric_codes_in_an_xlsx_warn_that_leading_zeros_may_be_lost():
    rows = [[36, "สสจ."]]
    plan = plan_of(xlsx_bytes(rows, header=["รหัสหน่วยงาน", "ชื่อหน่วยงาน"]), filename="org.xlsx")
    assert plan.ok and plan.units[0].code == "36"
    assert any("เลข 0 จะหายไป" in w.message for w in plan.warnings)


@pytest.mark.django_db
def test_a_2000_unit_file_five_units_deep_imports_whole():
    # Speed is for the benchmarks (make bench-org); a timed assertion fails on a loaded machine.
    header = ["รหัสหน่วยงาน", "ชื่อหน่วยงาน", "รหัสหน่วยงานต้นสังกัด", "เลขที่ตำแหน่ง", "ตำแหน่ง",
              "ประเภทตำแหน่ง", "ระดับ", "รหัสบุคลากร", "คำนำหน้า", "ชื่อ", "นามสกุล", "บทบาทในหน่วยงาน"]  # fmt: skip
    rows = [["00001", "กรมขนาดใหญ่", "", "", "", "", "", "", "", "", "", ""]]
    for i in range(2, 2001):
        parent = f"{max(1, i // 8):05d}"  # eight children each: five units deep
        rows.append([f"{i:05d}", f"หน่วยงานที่ {i}", parent, f"{i:05d}", "นักวิชาการ", "วิชาการ",
                     "ชำนาญการ", f"S{i:05d}", "นาย", f"ชื่อ{i}", "สกุล", "หัวหน้า"])  # fmt: skip
    data = csv_bytes(rows, header=header)
    plan = run_import(data)
    assert plan.counts()["units"]["created"] == 2000
    assert OrgUnit.objects.filter(head__isnull=False).count() == 1999
    assert_tree_equals_its_rebuild()


def test_every_column_is_documented_in_docs_import_md():
    doc = (ROOT / "docs" / "import.md").read_text(encoding="utf-8")
    for column in importer.COLUMNS:
        assert f"| {column.thai} | `{column.key}` |" in doc, column.key
