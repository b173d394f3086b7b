"""Per-person PDFs kept by content, in private MEDIA_ROOT/reports/cache.

A form's PDF is named by the hash of what its page shows (the sheet of reports/sheets.py), the
form kind, the digits setting and the version of the PDF templates, so it is rendered again
exactly when one of them changes and never served stale. Files are written to a temporary name
and renamed, so a reader never sees half a file.
"""

from __future__ import annotations

import hashlib
import json
import os
import tempfile
import time
from functools import lru_cache
from pathlib import Path

from django.conf import settings

from reports import documents
from reports.pdf import STYLESHEET

# Bump when the renderer's own code changes what a page looks like (templates are hashed).
RENDERER_VERSION = 2  # 2: Thai marks keep their origin inside their letter (reports.fonts)
TEMPLATE_DIR = Path(settings.BASE_DIR) / "templates" / "reports" / "pdf"


@lru_cache(maxsize=1)
def template_version() -> str:
    """Digest of the PDF templates and the print stylesheet, read once per process."""
    digest = hashlib.sha256(f"renderer {RENDERER_VERSION}".encode())
    for path in sorted([*TEMPLATE_DIR.glob("*.html"), STYLESHEET]):
        digest.update(path.name.encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()[:16]


def cache_dir() -> Path:
    return Path(settings.MEDIA_ROOT) / "reports" / "cache"


def content_key(sheet: dict, *, kind: str, thai_digits: bool) -> str:
    payload = json.dumps(
        {"sheet": sheet, "kind": kind, "thai_digits": thai_digits, "templates": template_version()},
        sort_keys=True,
        default=str,
        ensure_ascii=False,
    )
    return hashlib.sha256(payload.encode()).hexdigest()


def write_atomic(path: Path, data: bytes) -> None:
    """Write to a temporary file beside `path`, flush it to disk, then rename over `path`."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".part")
    try:
        with os.fdopen(fd, "wb") as f:
            f.write(data)
            f.flush()
            os.fsync(f.fileno())
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def form_pdf_path(form, sheet: dict, kind: str = "summary") -> tuple[Path, bool]:
    """The cached PDF of one form (rendered now if its content is new) and whether it was."""
    thai_digits = form.round.department.use_thai_digits
    key = content_key(sheet, kind=kind, thai_digits=thai_digits)
    path = cache_dir() / key[:2] / f"{key}.pdf"
    if path.exists():
        try:
            os.utime(path)  # marks it used: prune() keeps what is still printed
        except FileNotFoundError:  # pruned between the two calls: render it again
            pass
        else:
            return path, False
    write_atomic(path, documents.form_pdf(form, kind, sheet))
    return path, True


def prune(*, unused_days: int, now: float | None = None) -> tuple[int, int]:
    """Delete cached PDFs not printed for `unused_days` days (a form that changed leaves its old
    file behind, never used again) and temporary files left by a killed writer (older than an
    hour). Returns (files deleted, bytes freed). A file still in use is simply rendered again."""
    now = time.time() if now is None else now
    cutoff = now - unused_days * 86400
    deleted = freed = 0
    root = cache_dir()
    if not root.exists():
        return 0, 0
    for path in root.glob("*/*"):
        try:
            stat = path.stat()
        except FileNotFoundError:
            continue
        stale = path.suffix == ".part" and stat.st_mtime < now - 3600
        if stale or (path.suffix == ".pdf" and stat.st_mtime < cutoff):
            path.unlink(missing_ok=True)
            deleted += 1
            freed += stat.st_size
    return deleted, freed
