"""Scripts the browser tests evaluate in a page, shared by the tests that measure the same thing."""

from __future__ import annotations

# For each code block: does its <pre> hold a copy button targeting that very block?
# (`.no-copy` blocks are shown, never run: the discouraged `env | grep SENTRY`.)
COPY_BUTTONS = """() => [...document.querySelectorAll(
    ".md-content .highlight:not(.no-copy) pre > code")]
  .map(code => {
    const button = code.parentElement.querySelector("button[data-md-type='copy']");
    return !!button && document.querySelector(button.dataset.clipboardTarget) === code;
  })"""

# Each table and its scroll wrapper: content width against visible width.
TABLE_WIDTHS = """() => [...document.querySelectorAll(".md-content .md-typeset table")].map(t => {
  const wrap = t.closest(".md-typeset__scrollwrap") || t.parentElement;
  return {scroll: Math.max(t.scrollWidth, wrap.scrollWidth),
          client: Math.min(t.clientWidth, wrap.clientWidth) || wrap.clientWidth,
          wrapScroll: wrap.scrollWidth, wrapClient: wrap.clientWidth,
          head: t.rows[0].textContent.trim().slice(0, 40)};
})"""


def too_wide(tables: list[dict]) -> list[dict]:
    """The tables whose scroll wrapper scrolls sideways: wider than the content column."""
    return [table for table in tables if table["wrapScroll"] > table["wrapClient"]]
