"""Web defences checked across the URL × role table: leaks, CSRF, headers, throttling, uploads.

The helpers here run one request of the table (tests/test_url_access.py) as one role, rolled
back so that a permitted POST cannot change what the next role sees, and read any answer
(HTML, PDF, workbook, file download) back as text.
"""

from __future__ import annotations

import io
import re
import subprocess
from urllib.parse import unquote

from django.db import transaction
from django.test import Client
from django.urls import reverse

from tests.url_roles import login_as


def request_as(org, role, name, method, kwargs, *, client=None, data=None, **extra):
    """The response of one URL case for one role; the database change is rolled back."""
    client = client or Client()
    login_as(client, org, role)
    url = reverse(name, kwargs=kwargs(org))
    with transaction.atomic():
        response = getattr(client, method)(url, data or {}, **extra)
        if response.streaming:
            # Read the file inside the transaction: the stream may still need the database.
            response.body = b"".join(response.streaming_content)
        else:
            response.body = response.content
        transaction.set_rollback(True)
    return response


def _pdf_text(data: bytes) -> str:
    from tests.reports.pdfcheck import text_of

    try:
        return text_of(data)
    except subprocess.CalledProcessError:
        # A stand-in file (test jobs, evidence) is not a real PDF: read its bytes. Without
        # pdftotext itself the test fails: a real PDF read as bytes would show no secret at all.
        return data.decode("latin-1")


def _xlsx_text(data: bytes) -> str:
    from openpyxl import load_workbook

    book = load_workbook(io.BytesIO(data), read_only=True)
    return "\n".join(
        str(cell)
        for sheet in book.worksheets
        for row in sheet.iter_rows(values_only=True)
        for cell in row
        if cell is not None
    )


def text_of_response(response) -> str:
    """Everything a user gets: the body read as its type shows it, plus the file name header.

    Whitespace is removed, because pdftotext breaks Thai lines where the layout does."""
    data = response.body
    ctype = response.get("Content-Type", "")
    if ctype.startswith("application/pdf"):
        body = _pdf_text(data)
    elif "spreadsheetml" in ctype and data.startswith(b"PK"):
        body = _xlsx_text(data)
    else:
        body = data.decode("utf-8", errors="replace")
    return squeeze(unquote(response.get("Content-Disposition", "")) + body)


def squeeze(text: str) -> str:
    return re.sub(r"\s+", "", text)
