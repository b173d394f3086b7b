"""The unit book as one document: its pages numbered 1…N across the report and every form,
each font embedded once however many people it holds, the forms not yet scored left out on
request, the attached achievement and competency forms on request, and a large unit's report
built in the background with the book's progress page."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse
from pypdf import PdfReader

from reports import book
from reports.models import JobStatus, ReportJob
from tests.reports.conftest import pdftotext_available
from tests.reports.pdfcheck import pages_of, squeeze, text_of

pytestmark = pytest.mark.skipif(not pdftotext_available(), reason="needs poppler-utils")


def _font_files(path) -> set[int]:
    files = set()
    for page in PdfReader(str(path)).pages:
        for font in page["/Resources"].get("/Font", {}).values():
            descendant = font.get_object()["/DescendantFonts"][0].get_object()
            descriptor = descendant["/FontDescriptor"].get_object()
            files.add(descriptor["/FontFile2"].indirect_reference.idnum)
    return files


def test_book_numbers_its_pages_across_parts_and_embeds_each_font_once(released, tmp_path):
    o = released
    target = tmp_path / "book.pdf"
    stats = book.build_unit_book(o.round, o.grp1, target, attachments=True)
    data = target.read_bytes()
    assert stats.people == 3 and stats.pages == pages_of(data)
    numbers = [int(n) for n, total in re.findall(r"หน้า(\d+)/(\d+)", squeeze(text_of(data)))]
    assert numbers == list(range(1, stats.pages + 1))
    assert squeeze(f"หน้า 1 / {stats.pages}") in squeeze(text_of(data))
    # Regular and bold (the faces the forms use): once each, for 3 people × 3 forms + report.
    assert len(_font_files(target)) <= 2
    # The attached forms are in the book: the achievement and competency forms of each person.
    flat = squeeze(text_of(data))
    assert flat.count(squeeze("ข้อตกลงและแบบประเมินผลสัมฤทธิ์ของงาน")) >= 3


def test_book_size_grows_with_pages_not_with_people(released, tmp_path):
    o = released
    one, three = tmp_path / "one.pdf", tmp_path / "three.pdf"
    small = book.build_unit_book(o.round, o.grp1, one, scored_only=True)
    large = book.build_unit_book(o.round, o.grp1, three)
    per_page = (three.stat().st_size - one.stat().st_size) / (large.pages - small.pages)
    # A page of a summary form costs its drawing, not a copy of the fonts (~80 kB a face).
    assert per_page < 30_000, per_page


def test_book_leaves_out_forms_not_yet_scored_on_request(released, tmp_path):
    o = released
    stats = book.build_unit_book(o.round, o.grp1, tmp_path / "b.pdf", scored_only=True)
    assert stats.people == 1  # only สมชาย's form is scored (and released)
    assert book.unit_form_count(o.round, o.grp1, scored_only=True) == 1


def test_book_options_come_from_the_round_page(
    client, released, django_capture_on_commit_callbacks
):
    o = released
    client.force_login(o.hr)
    url = reverse("reports:job_create", kwargs={"pk": o.round.pk, "unit_pk": o.grp1.pk})
    with django_capture_on_commit_callbacks(execute=True):
        client.post(url, {"scored_only": "1", "attachments": "1"})
    job = ReportJob.objects.get()
    assert (job.scored_only, job.attachments, job.status) == (True, True, JobStatus.DONE)
    assert (job.done, job.total) == (1, 1)


def test_a_large_units_report_is_built_in_the_background(
    client, released, settings, django_capture_on_commit_callbacks
):
    o = released
    settings.REPORTS_SYNC_MAX_PEOPLE = 2
    client.force_login(o.hr)
    url = reverse("reports:unit_report", kwargs={"pk": o.round.pk, "unit_pk": o.grp1.pk})
    with django_capture_on_commit_callbacks(execute=True):
        response = client.get(url)
    job = ReportJob.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse(
        "reports:job", kwargs={"pk": job.pk}
    )
    assert (job.with_people, job.status) == (False, JobStatus.DONE)
    page = client.get(response["Location"]).content.decode()
    assert "รายงานของหน่วยงาน" in page and 'id="job-download"' in page
    settings.REPORTS_SYNC_MAX_PEOPLE = 3  # at or below the size: straight to the PDF
    assert client.get(url)["Content-Type"] == "application/pdf"
