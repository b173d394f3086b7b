"""Per-person PDFs kept by content, in the private storage under reports/cache/.

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
from django.core.files.base import ContentFile
from django.core.files.storage import storages

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


CACHE_ROOT = "reports/cache"


def storage():
    """The private storage every app server and worker shares (settings.STORAGES)."""
    return storages["default"]


def cache_name(key: str) -> str:
    return f"{CACHE_ROOT}/{key[:2]}/{key}.pdf"


def read(name: str) -> bytes | None:
    """The stored file's bytes, marking it used (prune() keeps what is still printed); None
    when it is not there (never made, or pruned a moment ago)."""
    store = storage()
    try:
        with store.open(name, "rb") as handle:
            data = handle.read()
    except FileNotFoundError:
        return None
    try:
        os.utime(store.path(name))
    except (NotImplementedError, FileNotFoundError):
        # Object storage has no "touch": its lifecycle rule expires the cache (docs/deploy.md).
        pass
    return data


def store(name: str, data: bytes) -> str:
    """Keep `data` under `name` (whole or not at all, common.storage); the name it got."""
    return storage().save(name, ContentFile(data))


def fetch_or_render(key: str, render) -> tuple[bytes, bool]:
    """The cached PDF of this content key, rendered by `render()` and kept if it is new; and
    whether it was rendered now. Two servers rendering the same key at once both keep theirs
    (the second under a suffixed name that prune() removes later): no error, no half file."""
    name = cache_name(key)
    data = read(name)
    if data is not None:
        return data, False
    data = render()
    store(name, data)
    return data, True


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


def form_pdf(form, sheet: dict, kind: str = "summary") -> tuple[bytes, bool]:
    """The cached PDF of one form (rendered now if its content is new) and whether it was."""
    thai_digits = form.round.department.use_thai_digits
    key = content_key(sheet, kind=kind, thai_digits=thai_digits)
    return fetch_or_render(key, lambda: documents.form_pdf(form, kind, sheet))


def _names(store, root: str):
    directories, files = store.listdir(root)
    for file in files:
        yield f"{root}/{file}"
    for directory in directories:
        yield from _names(store, f"{root}/{directory}")


def prune(*, unused_days: int, now: float | None = None) -> tuple[int, int]:
    """Delete cached PDFs not printed for `unused_days` days (a form that changed leaves its old
    file behind, never used again) and temporary files left by a killed writer (older than an
    hour). Returns (files deleted, bytes freed). A file still in use is simply rendered again."""
    now = time.time() if now is None else now
    cutoff = now - unused_days * 86400
    deleted = freed = 0
    store = storage()
    try:
        names = list(_names(store, CACHE_ROOT))
    except FileNotFoundError:
        return 0, 0
    for name in names:
        try:
            modified = store.get_modified_time(name).timestamp()
            size = store.size(name)
        except FileNotFoundError:
            continue
        stale = name.endswith(".part") and modified < now - 3600
        if stale or (name.endswith(".pdf") and modified < cutoff):
            store.delete(name)
            deleted += 1
            freed += size
    return deleted, freed
