"""`mkdocs build --strict` refuses a broken handbook: each test breaks one thing in a copy."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.test_site_support import build, copy_repo

pytestmark = pytest.mark.slow


def _append(path: Path, text: str) -> None:
    path.write_text(path.read_text(encoding="utf-8") + "\n" + text + "\n", encoding="utf-8")


@pytest.fixture
def project(tmp_path: Path) -> Path:
    return copy_repo(tmp_path / "handbook")


def test_a_broken_link_fails_the_build(project: Path) -> None:
    _append(project / "docs" / "index.md", "See [the missing page](no-such-page.md).")
    result = build(project)
    assert not result.ok
    assert "no-such-page.md" in result.output


def test_a_missing_anchor_fails_the_build(project: Path) -> None:
    _append(project / "docs" / "index.md", "See [privacy](reference/privacy.md#no-such-anchor).")
    result = build(project)
    assert not result.ok
    assert "no-such-anchor" in result.output


def test_a_page_left_out_of_the_nav_fails_the_build(project: Path) -> None:
    (project / "docs" / "orphan.md").write_text("# Orphan\n\nNot in the nav.\n", encoding="utf-8")
    result = build(project)
    assert not result.ok
    assert "orphan.md" in result.output


def test_an_undefined_macro_variable_fails_the_build(project: Path) -> None:
    _append(project / "docs" / "index.md", "The rate is {{ no_such_variable }}.")
    result = build(project)
    assert not result.ok
    assert "no_such_variable" in result.output
