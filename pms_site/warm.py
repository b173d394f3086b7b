"""What a worker would otherwise load on its first requests, loaded once in the gunicorn master
before the workers are forked from it (gunicorn.conf.py, GUNICORN_PRELOAD): the URLconf with
every view module it imports (0.9 s on this machine, openpyxl and WeasyPrint among them) and
the project's own templates compiled into the cached loader (0.2 s). A worker replaced after
GUNICORN_MAX_REQUESTS starts with them instead of loading them again."""

from __future__ import annotations

from pathlib import Path


def warm_up() -> int:
    """Import the URLconf and compile the project's templates; the number of templates."""
    from django.conf import settings
    from django.template import TemplateSyntaxError, engines
    from django.urls import get_resolver

    get_resolver().url_patterns  # noqa: B018 (the import is what is wanted)
    root = Path(settings.BASE_DIR).resolve()
    compiled = 0
    for engine in engines.all():
        for folder in engine.template_dirs:
            folder = Path(folder).resolve()
            if root not in folder.parents or ".venv" in folder.parts:
                continue
            for path in sorted(folder.rglob("*.html")):
                try:
                    engine.get_template(path.relative_to(folder).as_posix())
                except TemplateSyntaxError:
                    continue  # shown as the error it is when a page asks for it
                compiled += 1
    return compiled
