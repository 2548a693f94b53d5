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


# A runbook's header (null on other pages): its text, and where its first command sits,
# in px from the top of the document (read right after the load, before any scroll).
RUNBOOK_HEADER = """() => {
  const header = document.querySelector(".korrigo-runbook-header");
  if (!header) return null;
  const code = header.querySelector("pre code");
  const box = code && code.getBoundingClientRect();
  return {text: header.innerText, command: code ? code.innerText : "",
          top: box ? box.top + scrollY : null, bottom: box ? box.bottom + scrollY : null};
}"""

# The home page's first section: its heading, the links of its table, where the table ends.
START_HERE = """() => {
  const heading = document.querySelector(".md-content h2");
  const table = document.querySelector(".md-content table");
  if (!heading || !table) return null;
  return {heading: heading.innerText.replace("\\u00b6", "").trim(),
          hrefs: [...table.querySelectorAll("a")].map(a => a.getAttribute("href") || ""),
          bottom: table.getBoundingClientRect().bottom + scrollY};
}"""

# How far the page scrolls sideways: 0 when nothing is wider than the screen.
SIDEWAYS = "() => document.documentElement.scrollWidth - document.documentElement.clientWidth"

# On a phone: the code blocks that scroll sideways, and the copy buttons' sizes (issue 23).
PHONE_CODE = """() => {
  const blocks = [...document.querySelectorAll('.md-content pre > code')]
    .filter(code => code.offsetParent !== null);  // shown (not in a closed block or tab)
  return {
    blocks: blocks.length,
    sideways: blocks.filter(code => code.scrollWidth > code.clientWidth + 1)
      .map(code => code.textContent.split('\\n')[0].slice(0, 60)),
    buttons: [...document.querySelectorAll(".md-content button[data-md-type='copy']")]
      .filter(b => b.offsetParent !== null)
      .map(b => { const r = b.getBoundingClientRect(); return [r.width, r.height]; }),
  };
}"""

# Blocks shown but never to be run (`.no-copy`): their text and whether a copy button sits in
# them; and how many copyable blocks have their button.
NO_COPY = """() => ({
  shown: [...document.querySelectorAll(".md-content .no-copy pre")].map(pre => ({
    text: pre.innerText,
    buttons: pre.querySelectorAll("button[data-md-type='copy']").length,
  })),
  copyable: document.querySelectorAll(
    ".md-content .highlight:not(.no-copy) pre button[data-md-type='copy']").length,
})"""
