"""Converted pages kept across the live reloads of `mkdocs serve` (site build only: macros.py).

Why: on every save, `mkdocs serve` converts the Markdown of every page to HTML again, though
a save changes one or two pages. For this handbook that conversion is the largest share of a
rebuild with the macros: the pages they write hold 400 KB of Markdown (the printable
runbooks page alone 120 KB), against 145 KB of source. MkDocs offers no way to skip a
conversion, and mkdocs.yml stays within what Zensical reads (no plugin, no hooks), so
macros.py's `on_post_page_macros` hands each page here (MkDocs' `Page` only; Zensical never
calls that hook), and `attach` wraps that one page's `render`.

A page's conversion is reused only when every input of it is the same as in the previous
build of this process, compared exactly (no hash):
- the page's final Markdown (after the macros: an edited value is an edited Markdown),
  its source path and URL;
- every file of the site with its URL and inclusion (relative links resolve against them);
- the configuration that shapes a conversion (`markdown_extensions`, `mdx_configs`,
  `use_directory_urls`, `validation`).

Never reused:
- a conversion that logged anything at INFO or above: a link warning is logged again on
  every build, so `--strict` still counts it;
- a page that includes another file (`--8<--`, pymdownx.snippets): that file is an input
  this module does not read.

MkDocs checks a page's anchor links (`#id` in another page) after every conversion is done,
from each page's `links_to_anchors` and the target pages' `present_anchor_ids`: both are
kept, so a removed heading still fails the page that links to it.

`KORRIGO_HANDBOOK_NO_RENDER_CACHE=1` turns it off (every page converted on every build).
(Hand-written: MkDocs' own `--dirty` skips pages by file time, so a page whose macros' values
changed would be served stale; no plugin keys a conversion on the final Markdown.)
"""

from __future__ import annotations

import copy
import logging
import os
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

from mkdocs.config.defaults import MkDocsConfig
from mkdocs.structure.files import Files
from mkdocs.structure.pages import Page
from mkdocs.structure.toc import TableOfContents

#: Set (to anything) to convert every page on every build, as MkDocs alone does.
OFF_VARIABLE = "KORRIGO_HANDBOOK_NO_RENDER_CACHE"
#: pymdownx.snippets' marker: the page reads another file, which is not among the inputs.
SNIPPET = "--8<--"


#: The attributes MkDocs 1.6's `Page.render` sets (tests/test_render_cache.py checks it).
SET_BY_RENDER = ("content", "toc", "_title_from_render", "present_anchor_ids", "links_to_anchors")


@dataclass(frozen=True)
class Converted:
    """What `Page.render` (mkdocs 1.6) sets on a page, and the inputs it was made from."""

    inputs: tuple[Any, ...]
    content: str
    toc: TableOfContents
    title: str | None
    present_anchor_ids: frozenset[str] | None
    links_to_anchors: dict[str, dict[str, str]] | None  # by the linked file's src_uri


#: The last conversion of each page (by source path), for the life of the process.
_kept: dict[str, Converted] = {}
#: The site's files as compared, computed once per build (`Files` is new on each build).
_files_seen: list[tuple[Files, tuple[Any, ...]]] = []


def clear() -> None:
    """Forget every kept conversion."""
    _kept.clear()
    _files_seen.clear()


def attach(page: Any) -> None:
    """Make this page's `render` reuse the previous conversion of the same inputs."""
    if not isinstance(page, Page) or "render" in vars(page) or os.environ.get(OFF_VARIABLE):
        return
    convert = page.render  # Page.render, bound to this page

    def render(config: MkDocsConfig, files: Files) -> None:
        assert page.markdown is not None  # Page.render raises first otherwise
        inputs = _inputs(page, config, files)
        kept = _kept.get(page.file.src_uri)
        if kept is not None and kept.inputs == inputs:
            _restore(page, kept, files)
            return
        _kept.pop(page.file.src_uri, None)
        with _logged() as records:
            convert(config, files)
        if not records and SNIPPET not in page.markdown:
            _kept[page.file.src_uri] = _capture(page, inputs)

    page.render = render  # type: ignore[method-assign]


def _inputs(page: Page, config: MkDocsConfig, files: Files) -> tuple[Any, ...]:
    shaping = repr(
        (
            config["markdown_extensions"],
            config["mdx_configs"],
            config["use_directory_urls"],
            config["validation"],
        )
    )
    return (page.markdown, page.file.src_uri, page.file.url, _site_files(files), shaping)


def _site_files(files: Files) -> tuple[Any, ...]:
    if not _files_seen or _files_seen[0][0] is not files:
        seen = tuple((f.src_uri, f.url, str(f.inclusion)) for f in files)
        _files_seen[:] = [(files, seen)]
    return _files_seen[0][1]


def _capture(page: Page, inputs: tuple[Any, ...]) -> Converted:
    assert page.content is not None
    assert page.toc is not None
    anchors = page.present_anchor_ids
    links = vars(page).get("links_to_anchors")  # set only above DEBUG (Page.render)
    return Converted(
        inputs=inputs,
        content=page.content,
        toc=copy.deepcopy(page.toc),
        title=page._title_from_render,
        present_anchor_ids=None if anchors is None else frozenset(anchors),
        links_to_anchors=None
        if links is None
        else {target.src_uri: dict(by_anchor) for target, by_anchor in links.items()},
    )


def _restore(page: Page, kept: Converted, files: Files) -> None:
    page.content = kept.content
    page.toc = copy.deepcopy(kept.toc)
    page._title_from_render = kept.title
    page.present_anchor_ids = (
        None if kept.present_anchor_ids is None else set(kept.present_anchor_ids)
    )
    if kept.links_to_anchors is not None:
        # The same files (compared in the inputs), as this build's File objects.
        page.links_to_anchors = {
            files.src_uris[uri]: dict(by_anchor) for uri, by_anchor in kept.links_to_anchors.items()
        }


class _Recorder(logging.Handler):
    def __init__(self) -> None:
        super().__init__(logging.INFO)
        self.records: list[logging.LogRecord] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.records.append(record)


@contextmanager
def _logged() -> Iterator[list[logging.LogRecord]]:
    """Records logged at INFO or above while the block runs: the root logger and `mkdocs`
    (whose handlers MkDocs' command line sets apart from the root's)."""
    recorder = _Recorder()
    loggers = [logging.getLogger(), logging.getLogger("mkdocs")]
    for logger in loggers:
        logger.addHandler(recorder)
    try:
        yield recorder.records
    finally:
        for logger in loggers:
            logger.removeHandler(recorder)
