"""The import pages: upload → preview → confirm → result, with the Django test client."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from common.models import AuditEvent
from orgchart.models import OrgUnit, Person
from tests.factories import PASSWORD
from tests.orgchart.test_import import EXAMPLE_XLSX, csv_bytes, person_row

IMPORT_URLS = ["import", "import_preview", "import_confirm", "import_cancel", "import_result"]


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


def login(client, username):
    response = client.post(reverse("login"), {"username": username, "password": PASSWORD})
    assert response.status_code == 302


def good_file():
    data = csv_bytes([
        person_row("DEPT-01-3", "9001", "9001", "ใหม่หนึ่ง", parent="DEPT-01", name="กลุ่มงานติดตามประเมินผล", role="หัวหน้า"),
        person_row("DEPT-01-3", "9002", "9002", "ใหม่สอง"),
    ])  # fmt: skip
    return SimpleUploadedFile("org.csv", data, content_type="text/csv")


def upload(client, file, scheme=""):
    return client.post(reverse("orgchart:import"), {"file": file, "scheme": scheme})


def stored_files(media: Path):
    return sorted((media / "imports").glob("*")) if (media / "imports").exists() else []


def test_hr_uploads_previews_and_confirms(client, org, media):
    login(client, "hr")
    page = client.get(reverse("orgchart:import"))
    assert page.status_code == 200 and 'enctype="multipart/form-data"' in page.content.decode()

    response = upload(client, good_file())
    assert response.status_code == 302 and response["Location"] == reverse(
        "orgchart:import_preview"
    )
    files = stored_files(media)
    assert len(files) == 1 and client.session["orgchart_import"]["token"] in files[0].name

    preview = client.get(reverse("orgchart:import_preview"))
    body = preview.content.decode()
    assert preview.status_code == 200
    assert "ยืนยันนำเข้า" in body and "DEPT-01-3" in body and 'id="import-errors"' not in body
    assert preview.context["counts"]["units"]["created"] == 1
    assert preview.context["counts"]["people"]["created"] == 2
    assert (
        OrgUnit.objects.filter(code="DEPT-01-3").count() == 0
    )  # nothing written before confirming

    confirm = client.post(
        reverse("orgchart:import_confirm"),
        {
            "token": preview.context["pending"]["token"],
            "signature": preview.context["plan"].signature,
        },
    )
    assert confirm.status_code == 302 and confirm["Location"] == reverse("orgchart:import_result")
    unit = OrgUnit.objects.get(code="DEPT-01-3")
    assert unit.parent == org.div1 and unit.head.staff_code == "9001"
    assert Person.objects.filter(staff_code__in=["9001", "9002"]).count() == 2
    assert AuditEvent.objects.get(kind="orgchart.import").actor == org.hr
    assert stored_files(media) == []

    result = client.get(reverse("orgchart:import_result"))
    assert result.status_code == 200 and "ผลการนำเข้า" in result.content.decode()
    assert result.context["result"]["counts"]["people"]["created"] == 2


def test_the_preview_lists_every_error_with_row_and_column_and_offers_no_confirm(client, org):
    login(client, "hr")
    data = csv_bytes([
        person_row("DEPT-01-3", "9001", "9001", "หนึ่ง", parent="NOPE", name="กลุ่มใหม่"),
        person_row("DEPT-01-1", "9002", "9002", "สอง", salary="สามหมื่น"),
    ])  # fmt: skip
    upload(client, SimpleUploadedFile("bad.csv", data))
    body = client.get(reverse("orgchart:import_preview")).content.decode()
    assert 'id="import-errors"' in body and "ยืนยันนำเข้า" not in body
    assert "<td>รหัสหน่วยงานต้นสังกัด</td><td>ไม่พบหน่วยงานต้นสังกัดรหัส &#x27;NOPE&#x27;" in body
    assert '<td class="text-nowrap">3</td><td>เงินเดือน</td>' in body
    assert "พบข้อผิดพลาด 2 รายการ" in body


def test_an_encoding_error_is_explained_on_the_preview(client, org):
    login(client, "hr")
    data = csv_bytes([person_row("DEPT-01-1", "9002", "9002", "สอง")], encoding="cp874")
    upload(client, SimpleUploadedFile("legacy.csv", data))
    body = client.get(reverse("orgchart:import_preview")).content.decode()
    assert "บันทึกไฟล์เป็น CSV UTF-8" in body and "TIS-620" in body


def test_hr_of_a_subtree_sees_scope_errors(client, org):
    login(client, "hr_div2")
    upload(client, good_file())
    body = client.get(reverse("orgchart:import_preview")).content.decode()
    assert "นอกขอบเขตงานบุคคลของท่าน" in body and "ยืนยันนำเข้า" not in body


def test_an_administrator_imports_the_example_workbook(client, org):
    login(client, "admin")
    upload(client, SimpleUploadedFile("import_example.xlsx", EXAMPLE_XLSX.read_bytes()))
    preview = client.get(reverse("orgchart:import_preview"))
    assert preview.context["plan"].ok
    client.post(
        reverse("orgchart:import_confirm"),
        {
            "token": preview.context["pending"]["token"],
            "signature": preview.context["plan"].signature,
        },
    )
    assert OrgUnit.objects.filter(code="00036").exists()


def test_a_confirm_with_another_token_writes_nothing(client, org, media):
    login(client, "hr")
    upload(client, good_file())
    preview = client.get(reverse("orgchart:import_preview"))
    response = client.post(
        reverse("orgchart:import_confirm"),
        {"token": "../../etc/passwd", "signature": preview.context["plan"].signature},
    )
    assert response.status_code == 302 and response["Location"] == reverse("orgchart:import")
    assert not OrgUnit.objects.filter(code="DEPT-01-3").exists()
    assert len(stored_files(media)) == 1  # still waiting for a real confirmation


def test_a_change_in_the_database_after_the_preview_asks_to_review_again(client, org):
    from orgchart import services

    login(client, "hr")
    upload(client, good_file())
    preview = client.get(reverse("orgchart:import_preview"))
    # Somebody else creates the same unit code before this user confirms.
    services.unit_create(code="DEPT-01-3", name="ชื่อที่คนอื่นตั้ง", parent=org.div1)
    response = client.post(
        reverse("orgchart:import_confirm"),
        {
            "token": preview.context["pending"]["token"],
            "signature": preview.context["plan"].signature,
        },
    )
    assert response.status_code == 200
    assert "ข้อมูลในระบบเปลี่ยนไป" in response.content.decode()
    assert OrgUnit.objects.get(code="DEPT-01-3").name == "ชื่อที่คนอื่นตั้ง"
    assert not Person.objects.filter(staff_code="9001").exists()


def test_another_user_cannot_confirm_an_upload_from_this_session(client, org, media):
    login(client, "hr")
    upload(client, good_file())
    token = client.session["orgchart_import"]["token"]
    client.post(reverse("logout"))
    login(client, "admin")
    response = client.post(reverse("orgchart:import_confirm"), {"token": token, "signature": "x"})
    assert response.status_code == 302
    assert not OrgUnit.objects.filter(code="DEPT-01-3").exists()


def test_cancel_removes_the_waiting_file(client, org, media):
    login(client, "hr")
    upload(client, good_file())
    assert len(stored_files(media)) == 1
    response = client.post(reverse("orgchart:import_cancel"))
    assert response.status_code == 302
    assert stored_files(media) == [] and "orgchart_import" not in client.session


def test_a_file_over_the_limit_is_refused_by_the_form(client, org, settings, media):
    settings.IMPORT_MAX_BYTES = 50
    login(client, "hr")
    response = upload(client, good_file())
    assert response.status_code == 200 and "ไฟล์ใหญ่เกินกำหนด" in response.content.decode()
    assert stored_files(media) == []


def test_a_file_of_another_kind_is_refused_by_the_form(client, org):
    login(client, "hr")
    response = upload(client, SimpleUploadedFile("org.pdf", b"%PDF-1.4"))
    assert response.status_code == 200 and "รับเฉพาะไฟล์ .xlsx หรือ .csv" in response.content.decode()


@pytest.mark.parametrize("name", IMPORT_URLS)
def test_staff_get_403_on_every_import_page(client, org, name):
    login(client, "s1")
    assert client.get(reverse(f"orgchart:{name}")).status_code == 403
    assert client.post(reverse(f"orgchart:{name}")).status_code == 403


@pytest.mark.parametrize("name", IMPORT_URLS)
def test_anonymous_users_are_sent_to_login(client, org, name):
    response = client.get(reverse(f"orgchart:{name}"))
    assert response.status_code == 302 and reverse("login") in response["Location"]


def test_confirm_and_cancel_accept_only_post(client, org):
    login(client, "hr")
    assert client.get(reverse("orgchart:import_confirm")).status_code == 405
    assert client.get(reverse("orgchart:import_cancel")).status_code == 405


def test_the_preview_without_an_upload_goes_back_to_the_upload_page(client, org):
    login(client, "hr")
    response = client.get(reverse("orgchart:import_preview"))
    assert response.status_code == 302 and response["Location"] == reverse("orgchart:import")
