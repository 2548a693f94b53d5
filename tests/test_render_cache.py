"""The render cache (handbook.render_cache): a live reload reuses a page's conversion only
when nothing it depends on changed, and MkDocs still checks every link.

Each test builds a small MkDocs project of its own several times in one process, as
`mkdocs serve` does, with the cache attached to every page by a hook (the handbook attaches
it from macros.py). tests/test_serve.py shows an edited runbook on the printable page under
`make serve`.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from mkdocs.commands.build import build
from mkdocs.config import load_config
from mkdocs.exceptions import Abort
from mkdocs.structure.files import File, Files
from mkdocs.structure.pages import Page

from handbook import render_cache

CONFIG = """\
site_name: cache
site_url: https://example.org/
theme:
  name: mkdocs
hooks:
  - attach.py
validation:
  links:
    anchors: warn
    not_found: warn
markdown_extensions:
  - toc:
      permalink: true
  - pymdownx.snippets:
      base_path: ["{docs}"]
      check_paths: true
"""
HOOK = """\
from handbook import render_cache


def on_page_markdown(markdown, page, **kwargs):
    render_cache.attach(page)
    return markdown
"""
PAGES = {
    "index.md": "# Home\n\nSee [the details](other.md#details).\n",
    "other.md": "# Other\n\n## Details\n\nThe first version.\n",
}


@pytest.fixture
def project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "0")  # the theme prints the build date
    (tmp_path / "mkdocs.yml").write_text(CONFIG.format(docs=tmp_path / "docs"), encoding="utf-8")
    (tmp_path / "attach.py").write_text(HOOK, encoding="utf-8")
    for name, text in PAGES.items():
        (tmp_path / "docs" / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / "docs" / name).write_text(text, encoding="utf-8")
    render_cache.clear()
    yield tmp_path
    render_cache.clear()


@pytest.fixture
def converted(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The pages converted from Markdown, in order (MkDocs' Page.render, counted)."""
    seen: list[str] = []
    render = Page.render

    def counting(self: Page, config: Any, files: Any) -> None:
        seen.append(self.file.src_uri)
        render(self, config, files)

    monkeypatch.setattr(Page, "render", counting)
    return seen


def _build(project: Path, strict: bool = True) -> dict[str, str]:
    """One build of `project` in this process; every page's HTML by its source path."""
    site = project / "site"
    config = load_config(str(project / "mkdocs.yml"), site_dir=str(site), strict=strict)
    build(config)
    return {name: (site / _url(name)).read_text(encoding="utf-8") for name in _pages(project)}


def _pages(project: Path) -> list[str]:
    return sorted(str(p.relative_to(project / "docs")) for p in (project / "docs").glob("*.md"))


def _url(name: str) -> str:
    stem = name.removesuffix(".md")
    return "index.html" if stem == "index" else f"{stem}/index.html"


def _edit(path: Path, change: Callable[[str], str]) -> None:
    path.write_text(change(path.read_text(encoding="utf-8")), encoding="utf-8")


def test_an_unchanged_page_is_not_converted_again_and_reads_the_same(
    project: Path, converted: list[str]
) -> None:
    first = _build(project)
    assert sorted(converted) == ["index.md", "other.md"]
    converted.clear()
    assert _build(project) == first
    assert converted == []


def test_an_edited_page_is_converted_again_and_shows_the_edit(
    project: Path, converted: list[str]
) -> None:
    _build(project)
    converted.clear()
    _edit(project / "docs" / "other.md", lambda text: text.replace("first", "second"))
    pages = _build(project)
    assert converted == ["other.md"]
    assert "The second version." in pages["other.md"]
    assert "The first version." not in pages["other.md"]


def test_a_heading_removed_still_fails_the_page_that_links_to_it(
    project: Path, converted: list[str]
) -> None:
    """index.md is not converted again, yet its link to the removed anchor is refused."""
    _build(project)
    converted.clear()
    _edit(project / "docs" / "other.md", lambda text: text.replace("## Details\n", ""))
    with pytest.raises(Abort, match="warnings in strict mode"):
        _build(project)
    assert converted == ["other.md"]


def test_a_page_removed_fails_the_page_that_links_to_it(project: Path) -> None:
    _build(project)
    (project / "docs" / "other.md").unlink()
    with pytest.raises(Abort, match="warnings in strict mode"):
        _build(project)


def test_a_conversion_that_warned_is_done_again_so_strict_counts_it_again(
    project: Path, converted: list[str]
) -> None:
    (project / "docs" / "broken.md").write_text("# Broken\n\n[gone](gone.md)\n", encoding="utf-8")
    _build(project, strict=False)
    converted.clear()
    _build(project, strict=False)
    assert converted == ["broken.md"]
    with pytest.raises(Abort, match="warnings in strict mode"):
        _build(project)


def test_a_page_that_includes_a_file_is_converted_again(
    project: Path, converted: list[str]
) -> None:
    """pymdownx.snippets reads another file: an input the cache does not compare."""
    (project / "docs" / "part.txt").write_text("Included, first.\n", encoding="utf-8")
    (project / "docs" / "whole.md").write_text('# Whole\n\n--8<-- "part.txt"\n', encoding="utf-8")
    _build(project)
    converted.clear()
    (project / "docs" / "part.txt").write_text("Included, second.\n", encoding="utf-8")
    assert "Included, second." in _build(project)["whole.md"]
    assert converted == ["whole.md"]


def test_the_variable_turns_the_cache_off(
    project: Path, converted: list[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv(render_cache.OFF_VARIABLE, "1")
    _build(project)
    converted.clear()
    _build(project)
    assert sorted(converted) == ["index.md", "other.md"]


def test_the_cache_restores_what_page_render_sets(project: Path) -> None:
    """What MkDocs' Page.render sets on a page is what the cache keeps: a MkDocs that sets
    more would fail here, not serve a page missing it."""
    config = load_config(str(project / "mkdocs.yml"), site_dir=str(project / "site"))
    source = File("index.md", str(project / "docs"), str(project / "site"), False)
    files = Files([source, File("other.md", str(project / "docs"), str(project / "site"), False)])
    page = Page(None, source, config)
    page.read_source(config)
    before = dict(vars(page))
    Page.render(page, config, files)
    changed = {name for name, value in vars(page).items() if before.get(name, object()) != value}
    assert changed == set(render_cache.SET_BY_RENDER)
