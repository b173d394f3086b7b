"""Uploads checked by type and size, in Thai: what tests/orgchart/test_import_pages.py and
tests/appraisal/test_staff_pages.py do not already cover.

Covered there: an import file over IMPORT_MAX_BYTES and one with another extension; evidence of
another extension, with content not matching its extension, and empty. Here: evidence over the
real 10 MB limit, and an import whose extension lies about its content.
"""

from __future__ import annotations

import datetime as dt

from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from appraisal.models import JournalEntry
from appraisal.services import monitoring
from common import thai
from tests import test_url_access

MB = 1024 * 1024

world = test_url_access.world  # the table's fixture, used by name


def test_evidence_over_ten_megabytes_is_refused_in_thai_and_nothing_is_kept(
    client, world, settings
):
    o = world
    assert monitoring.EVIDENCE_MAX_BYTES == 10 * MB
    client.force_login(o.s1.user)
    entries = JournalEntry.objects.count()
    big = SimpleUploadedFile("ใหญ่.pdf", b"%PDF-1.4\n" + b"0" * (10 * MB), "application/pdf")
    response = client.post(
        reverse("appraisal:journal", args=[o.f1.pk]),
        {
            "kind": "work",
            "on": thai.format_date_input(dt.date.today()),
            "description": "ก",
            "evidence": big,
        },
    )
    assert response.status_code == 200
    assert "ไฟล์หลักฐานต้องมีขนาดไม่เกิน 10 MB" in response.content.decode()
    assert JournalEntry.objects.count() == entries
    stored = settings.MEDIA_ROOT / "evidence"
    assert not any(p.stat().st_size > 10 * MB for p in stored.rglob("*") if p.is_file())


def test_an_import_whose_content_is_not_a_workbook_is_explained_in_thai(client, org, settings):
    client.force_login(org.hr)
    fake = SimpleUploadedFile("org.xlsx", b"%PDF-1.4 not a workbook", "application/pdf")
    response = client.post(reverse("orgchart:import"), {"file": fake, "scheme": ""}, follow=True)
    body = response.content.decode()
    assert response.status_code == 200
    assert "ไฟล์นี้ไม่ใช่ไฟล์ Excel (.xlsx) ที่ถูกต้อง" in body
    assert "ยืนยันนำเข้า" not in body  # no confirm button for a file that could not be read


def test_a_binary_file_named_csv_is_explained_in_thai(client, org, settings):
    client.force_login(org.hr)
    fake = SimpleUploadedFile(
        "org.csv", b"\x7fELF\x02\x01\x01\x00" + bytes(range(1, 200)), "text/csv"
    )
    response = client.post(reverse("orgchart:import"), {"file": fake, "scheme": ""}, follow=True)
    body = response.content.decode()
    assert "ไฟล์นี้ไม่ใช่ไฟล์ข้อความ CSV" in body
    assert "ยืนยันนำเข้า" not in body
