"""The shape of the code, checked: the apps depend one way, private names stay home.

The layer contract is import-linter's, configured in pyproject.toml ([tool.importlinter]), so
`lint-imports` on the command line and `make test` check the same thing.
"""

from __future__ import annotations

import ast
import shutil
import subprocess
import sys
import tomllib
from pathlib import Path

from django.apps import apps
from django.conf import settings

ROOT = Path(settings.BASE_DIR)
CONFIG = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["tool"][
    "importlinter"
]
# The apps, and pms_site above them (which may import any of them).
PACKAGES = [*CONFIG["root_packages"], "pms_site"]


def _layers() -> list[str]:
    (contract,) = [c for c in CONFIG["contracts"] if c["type"] == "layers"]
    return [layer.strip("()") for layer in contract["layers"]]


def test_the_apps_depend_one_way():
    lint_imports = shutil.which("lint-imports", path=str(Path(sys.executable).parent))
    assert lint_imports, "import-linter is not installed (pip install -e '.[dev]')"
    done = subprocess.run(
        [lint_imports, "--no-cache", "--no-logo"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert done.returncode == 0, done.stdout + done.stderr


def test_every_app_of_the_project_is_a_layer_of_the_contract():
    """An app left out of root_packages is not checked at all: its imports look external."""
    ours = {
        config.name.split(".")[0]
        for config in apps.get_app_configs()
        if Path(config.path).resolve().is_relative_to(ROOT)
        and ".venv" not in Path(config.path).parts
    }
    assert ours - set(CONFIG["root_packages"]) == set(), "add them to [tool.importlinter]"
    assert set(CONFIG["root_packages"]) <= set(_layers())


def _module_name(path: Path) -> str:
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def _is_module(dotted: str) -> bool:
    base = ROOT.joinpath(*dotted.split("."))
    return base.with_suffix(".py").is_file() or (base / "__init__.py").is_file()


def _private(name: str) -> bool:
    return name.startswith("_") and not name.startswith("__")


def _sources():
    for package in PACKAGES:
        for path in sorted((ROOT / package).rglob("*.py")):
            if "migrations" not in path.parts:
                yield path


def _absolute(node: ast.ImportFrom, module: str, is_package: bool) -> str:
    if not node.level:
        return node.module or ""
    base = module.split(".")
    base = base if is_package else base[:-1]
    base = base[: len(base) - (node.level - 1)]
    return ".".join([*base, *([node.module] if node.module else [])])


def private_uses(source: str, module: str, *, is_package: bool = False) -> list[str]:
    """`from x import _y` and `x._y` where x is another module of ours or not (never a class
    or an object: `Model._meta` is fine), as "line: what"."""
    tree = ast.parse(source)
    found = []
    modules = {}  # local name -> the module it is bound to
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                if alias.asname:
                    modules[alias.asname] = alias.name
                else:
                    top = alias.name.split(".")[0]
                    modules[top] = top
        elif isinstance(node, ast.ImportFrom):
            origin = _absolute(node, module, is_package)
            for alias in node.names:
                if _is_module(f"{origin}.{alias.name}"):
                    # A private module (`from pkg import _forms`) is import-linter's to check.
                    modules[alias.asname or alias.name] = f"{origin}.{alias.name}"
                elif _private(alias.name):
                    found.append(f"{node.lineno}: from {origin} import {alias.name}")
    for node in ast.walk(tree):
        if isinstance(node, ast.Attribute) and _private(node.attr):
            dotted, value = [], node.value
            while isinstance(value, ast.Attribute):
                dotted.insert(0, value.attr)
                value = value.value
            if isinstance(value, ast.Name) and value.id in modules:
                target = ".".join([modules[value.id], *dotted])
                if target != module and _is_module(target):
                    found.append(f"{node.lineno}: {target}.{node.attr}")
    return sorted(found, key=lambda f: int(f.split(":")[0]))


def test_no_private_name_is_imported_from_another_module():
    found = [
        f"{path.relative_to(ROOT)}:{use}"
        for path in _sources()
        for use in private_uses(
            path.read_text(encoding="utf-8"),
            _module_name(path),
            is_package=path.name == "__init__.py",
        )
    ]
    assert found == [], "make the name public in the module that owns it:\n" + "\n".join(found)


def test_the_private_name_scan_sees_both_spellings():
    """The scan itself: a `from` import and an attribute of an imported module both count; an
    attribute of a class does not, nor a module's own private names."""
    source = (
        "from kpi import services\n"
        "from kpi.services import _thai\n"
        "from kpi.models import Kpi\n"
        "import orgchart.selectors\n"
        "services._thai\n"
        "Kpi._meta\n"
        "orgchart.selectors._ancestors_of\n"
        "from . import _own\n"
    )
    assert private_uses(source, "reports.probe") == [
        "2: from kpi.services import _thai",
        "5: kpi.services._thai",
        "7: orgchart.selectors._ancestors_of",
        "8: from reports import _own",
    ]
