"""`manage.py import_org`: summary, dry run, exit codes and the user's scope."""

from __future__ import annotations

import io

import pytest
from django.core.management import call_command, get_commands, load_command_class
from django.core.management.base import CommandError

from common.models import AuditEvent
from orgchart.models import OrgUnit, Person
from tests.orgchart.test_import import EXAMPLE_CSV, EXAMPLE_XLSX, csv_bytes, person_row


def run(*args) -> tuple[str, str]:
    out, err = io.StringIO(), io.StringIO()
    call_command("import_org", *args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


@pytest.mark.django_db
def test_the_command_imports_the_example_and_prints_a_summary():
    out, _err = run(str(EXAMPLE_XLSX))
    assert "นำเข้าเรียบร้อย" in out and "หน่วยงาน สร้าง 15" in out and "บุคลากร สร้าง 39" in out
    assert OrgUnit.objects.count() == 15
    out, _err = run(str(EXAMPLE_CSV))
    assert "หน่วยงาน สร้าง 0 แก้ไข 0" in out and "บุคลากร สร้าง 0 แก้ไข 0" in out


@pytest.mark.django_db
def test_a_dry_run_checks_and_writes_nothing():
    out, _err = run(str(EXAMPLE_CSV), "--dry-run")
    assert "--dry-run" in out and "หน่วยงาน สร้าง 15" in out
    assert OrgUnit.objects.count() == 0 and AuditEvent.objects.count() == 0


@pytest.mark.django_db
def test_bad_input_fails_with_every_row_error(tmp_path):
    path = tmp_path / "bad.csv"
    path.write_bytes(
        csv_bytes([
            person_row("R", "1", "S1", "หนึ่ง", name="กรม", salary="abc"),
            person_row("R-1", "2", "S2", "สอง", name="กอง", parent="NOPE"),
        ])
    )  # fmt: skip
    with pytest.raises(CommandError) as exc:
        run(str(path))
    message = str(exc.value)
    assert exc.value.returncode == 1
    assert "แถว 2 คอลัมน์ 'เงินเดือน'" in message and "แถว 3 คอลัมน์ 'รหัสหน่วยงานต้นสังกัด'" in message
    assert "ไม่มีข้อมูลใดถูกบันทึก" in message
    assert OrgUnit.objects.count() == 0


@pytest.mark.django_db
def test_the_command_exits_non_zero_from_the_command_line(tmp_path, capsys):
    path = tmp_path / "thai-legacy.csv"
    path.write_bytes(csv_bytes([person_row("R", "1", "S1", "หนึ่ง", name="กรม")], encoding="cp874"))
    command = load_command_class(get_commands()["import_org"], "import_org")
    with pytest.raises(SystemExit) as exit_info:
        command.run_from_argv(["manage.py", "import_org", str(path), "--skip-checks"])
    assert exit_info.value.code == 1
    assert "บันทึกไฟล์เป็น CSV UTF-8" in capsys.readouterr().err


@pytest.mark.django_db
def test_a_missing_file_is_an_error():
    with pytest.raises(CommandError, match="ไม่พบไฟล์"):
        run("/nonexistent/org.csv")


def test_the_user_option_applies_that_users_scope(org, tmp_path):
    path = tmp_path / "org.csv"
    path.write_bytes(csv_bytes([person_row("DEPT-01-1", "9100", "9100", "นอกขอบเขต")]))
    with pytest.raises(CommandError, match="นอกขอบเขตงานบุคคลของท่าน"):
        run(str(path), "--user", "hr_div2")
    out, _err = run(str(path), "--user", "hr")
    assert "บุคลากร สร้าง 1" in out
    assert Person.objects.filter(staff_code="9100").exists()
    assert AuditEvent.objects.get(kind="orgchart.import").actor == org.hr


def test_the_user_option_refuses_users_without_the_import_permission(org, tmp_path):
    path = tmp_path / "org.csv"
    path.write_bytes(csv_bytes([person_row("DEPT-01-1", "9100", "9100", "คน")]))
    with pytest.raises(CommandError, match="ไม่มีสิทธิ์"):
        run(str(path), "--user", "s1")
    with pytest.raises(CommandError, match="ไม่พบผู้ใช้"):
        run(str(path), "--user", "ghost")


@pytest.mark.django_db
def test_the_scheme_option_reads_bare_codes(tmp_path):
    path = tmp_path / "dpis.csv"
    header = ["รหัสหน่วยงาน", "ชื่อหน่วยงาน", "เลขที่ตำแหน่ง", "ตำแหน่ง", "รหัสระดับ"]
    path.write_bytes(csv_bytes([["R", "กรม", "1", "นักบริหาร", "M1"]], header=header))
    with pytest.raises(CommandError, match="กำกวม"):
        run(str(path), "--dry-run")
    out, _err = run(str(path), "--scheme", "dpis")
    assert "ตำแหน่ง สร้าง 1" in out
