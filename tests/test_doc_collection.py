"""Every Python block of the handbook is collected as a test: none is silently skipped.

pytest-markdown-docs' default parser sees neither fences indented in content tabs nor those
in admonitions; the root conftest's parser does. These tests count the fences with a plain
line scanner and compare with what pytest collects, file by file.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
from collections import Counter

import pytest
from markdown_it import MarkdownIt

from conftest import pytest_markdown_docs_markdown_it
from tests.doc_sources import ROOT, fences, markdown_files, python_fences

_COLLECTED = re.compile(r"^(?P<path>[^\s:]+\.md)::\[CodeFence#\d+\]", re.MULTILINE)


@pytest.fixture(scope="module")
def collected() -> Counter[str]:
    """Doc tests per file, as `pytest --collect-only` lists them.

    Only the plugins that take part load: pytest-markdown-docs, which collects the blocks,
    and pytest-socket, for pyproject's `--allow-hosts` (the root conftest's parser hook
    loads with the rootdir). The venv's others (Playwright, Hypothesis, inline-snapshot...)
    collect no Markdown and took half of the 3.2 CPU s.
    """
    result = subprocess.run(
        [
            sys.executable, "-m", "pytest", "--collect-only", "-q", "--markdown-docs",
            "--markdown-docs-syntax=superfences", "-o", "testpaths=",
            "-p", "pytest_markdown_docs.plugin", "-p", "pytest_socket",
            "docs", "runbooks", "--ignore=docs/runbooks",
        ],
        cwd=ROOT, capture_output=True, text=True, check=False, timeout=300,
        env={**os.environ, "PYTEST_DISABLE_PLUGIN_AUTOLOAD": "1"},
    )  # fmt: skip
    assert result.returncode == 0, result.stdout[-2000:] + result.stderr[-2000:]
    return Counter(m["path"] for m in _COLLECTED.finditer(result.stdout))


def test_handbook_has_python_blocks() -> None:
    assert len(python_fences()) >= 20


@pytest.mark.slow  # make check leaves it to make test
def test_every_python_fence_is_collected(collected: Counter[str]) -> None:
    expected = Counter(str(f.path.relative_to(ROOT)) for f in python_fences())
    assert collected == expected


def test_indented_fences_exist_and_need_the_parser_hook() -> None:
    """The count above includes fences in tabs and admonitions, which plain parsing misses."""
    indented = [f for f in python_fences() if f.indent > 0]
    assert indented, "no Python block in a tab or admonition: the hook would be untested"
    plain, ours = MarkdownIt("commonmark"), pytest_markdown_docs_markdown_it()

    def python_tokens(parser: MarkdownIt, text: str) -> int:
        return sum(
            t.type == "fence" and t.info.strip("{} .").split(" ")[0] in {"python", "py"}
            for t in parser.parse(text)
        )

    sources = [p.read_text(encoding="utf-8") for p in markdown_files()]
    assert sum(python_tokens(ours, s) for s in sources) == len(python_fences())
    assert sum(python_tokens(plain, s) for s in sources) < len(python_fences())


def test_no_python_fence_opts_out() -> None:
    opted_out = [f"{f.path.name}:{f.line}" for f in python_fences() if "notest" in f.options]
    assert opted_out == []


def test_fence_scanner_finds_tabs_and_admonitions(tmp_path) -> None:
    page = tmp_path / "page.md"
    page.write_text(
        '=== "Local"\n\n    ```python\n    x = 1\n    ```\n\n'
        '??? note "More"\n    ```{.python continuation}\n    y = x\n    ```\n'
        "```bash\npython -m korrigo_sentry doctor\n```\n"
    )
    found = list(fences(page))
    assert [(f.lang, f.indent, f.body) for f in found] == [
        ("python", 4, "x = 1"),
        ("python", 4, "y = x"),
        ("bash", 0, "python -m korrigo_sentry doctor"),
    ]
    assert found[1].options == "continuation"
