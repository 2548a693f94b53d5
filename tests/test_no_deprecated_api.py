"""No code of the repo, and no example of the pages, uses sentry-sdk's deprecated API.

The doc tests already run with DeprecationWarning as an error; this also catches code that
no test happens to execute (an `except` branch, a page's first block).
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

from tests.doc_sources import ROOT, python_fences

DEPRECATED_NAMES = {"Hub", "configure_scope", "push_scope"}
DEPRECATED_KEYWORDS = {"send_default_pii"}


def deprecated_uses(tree: ast.AST) -> list[str]:
    """The deprecated names and keyword arguments used in `tree`, with their line."""
    found = []
    for node in ast.walk(tree):
        name = node.attr if isinstance(node, ast.Attribute) else getattr(node, "id", None)
        if isinstance(node, ast.alias):
            name = node.name.rsplit(".", 1)[-1]
        if name in DEPRECATED_NAMES:
            found.append(f"{name} (line {node.lineno})" if hasattr(node, "lineno") else name)
        if isinstance(node, ast.Call):
            found += [
                f"{k.arg}= (line {k.lineno})" for k in node.keywords if k.arg in DEPRECATED_KEYWORDS
            ]
    return found


def _python_files() -> list[Path]:
    files = [*(ROOT / "korrigo_sentry").rglob("*.py"), ROOT / "macros.py", ROOT / "conftest.py"]
    return sorted(
        files + [p for p in (ROOT / "tests").rglob("*.py") if p.name != Path(__file__).name]
    )


@pytest.mark.parametrize("path", _python_files(), ids=lambda p: str(p.relative_to(ROOT)))
def test_python_file_uses_no_deprecated_api(path: Path) -> None:
    assert deprecated_uses(ast.parse(path.read_text(encoding="utf-8"))) == []


def test_no_page_example_uses_deprecated_api() -> None:
    found = {
        f"{fence.path.relative_to(ROOT)}:{fence.line}": uses
        for fence in python_fences()
        if (uses := deprecated_uses(ast.parse(fence.body)))
    }
    assert found == {}


def test_the_checker_finds_each_deprecated_use() -> None:
    code = (
        "import sentry_sdk\nfrom sentry_sdk import Hub, push_scope\n"
        "sentry_sdk.Hub.current.client\nsentry_sdk.configure_scope()\n"
        "sentry_sdk.init(send_default_pii=False)\n"
    )
    uses = deprecated_uses(ast.parse(code))
    assert {u.split(" ")[0] for u in uses} == {
        "Hub",
        "push_scope",
        "configure_scope",
        "send_default_pii=",
    }
