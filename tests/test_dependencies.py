"""The wheel declares what the code imports, no more and no less (pyproject.toml).

An undeclared import is a traceback on a server that installed the wheel; a declared
package nothing imports is weight in every image.
"""

from __future__ import annotations

import ast
import re
import sys
import tomllib
from importlib.metadata import packages_distributions
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PROJECT = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
#: Parts of the package that need an extra, and which.
EXTRA_OF = {
    "korrigo_sentry/testing/relay/": "testing",
    "korrigo_sentry/testing/__init__.py": "testing",
    "korrigo_sentry/testing/pytest_plugin.py": "testing",
    "demo/": "demo",
}
#: Imports that stay out of the core on purpose, each with its reason.
OPTIONAL = {
    ("korrigo_sentry/oncall/runbooks.py", "Jinja2"): "site",  # Zensical's fallback renderer only
}
#: Brought by sentry-sdk's extras, which the core declares (`sentry-sdk[django,celery]`):
#: the privacy rules resolve URLs through Django when Korrigo's URLconf is loaded.
VIA_SDK_EXTRAS = {"django", "celery"}
#: Declared without an import of ours, each with its reason.
NOT_IMPORTED = {
    "redis": "settings.INTEGRATIONS enables sentry-sdk's redis integration, which imports it",
}


def distribution(requirement: str) -> str:
    return re.split(r"[\[<>=!~ ;]", requirement, maxsplit=1)[0].lower()


def imported() -> dict[str, set[str]]:
    """{part of the package (core or an extra): distributions its modules import}."""
    names = packages_distributions()
    found: dict[str, set[str]] = {}
    for path in sorted((ROOT / "korrigo_sentry").rglob("*.py")):
        rel = path.relative_to(ROOT).as_posix()
        part = next((extra for prefix, extra in EXTRA_OF.items() if rel.startswith(prefix)), "")
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Import):
                modules = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                modules = [node.module]
            else:
                continue
            for module in modules:
                top = module.split(".")[0]
                if top in sys.stdlib_module_names or top == "korrigo_sentry":
                    continue
                (dist,) = names[top][:1]
                where = OPTIONAL.get((rel, dist), part)
                found.setdefault(where, set()).add(dist.lower())
    return found


def test_core_dependencies_are_what_the_core_imports() -> None:
    declared = {distribution(r) for r in PROJECT["dependencies"]}
    assert (imported()[""] - VIA_SDK_EXTRAS) | set(NOT_IMPORTED) == declared


def test_each_extra_covers_what_its_part_imports() -> None:
    core = {distribution(r) for r in PROJECT["dependencies"]} | VIA_SDK_EXTRAS
    extras = PROJECT["optional-dependencies"]
    for part, dists in imported().items():
        if part:
            declared = {distribution(r) for r in extras[part]}
            assert dists - core <= declared, part
            assert declared <= dists, f"{part}: declared but not imported"
