"""pms_site.warm: what the gunicorn master loads before forking its workers."""

from pathlib import Path

from django.conf import settings

from pms_site.warm import warm_up


def test_warm_up_compiles_every_template_of_the_project():
    root = Path(settings.BASE_DIR)
    ours = [
        p
        for p in root.rglob("templates/**/*.html")
        if ".venv" not in p.parts and not {"node_modules", ".bench"} & set(p.parts)
    ]
    assert ours
    # A template that does not compile is left out of the count: this also finds it.
    assert warm_up() == len(ours)
