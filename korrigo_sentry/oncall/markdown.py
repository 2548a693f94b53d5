"""The one Markdown parser that reads the handbook's pages as the site renders them.

Doc tests (root conftest), the runbook command (`runbooks.py`) and the build-time
payload panels (`macros.py`) all use `page_parser()`, so each sees the same code blocks:
front matter, admonitions (mdit-py-plugins) and pymdownx content tabs (the rule below).

The content-tab rule (`=== "Title"` + indented body) is written by hand: mdit-py-plugins
has admonitions but no content tabs, and without this rule a fence indented inside a tab
reads as an indented code block, so its Python would never run as a test. It is modelled
on mdit-py-plugins' `admon` rule.
"""

from __future__ import annotations

import functools
import re

from markdown_it import MarkdownIt
from markdown_it.rules_block import StateBlock
from mdit_py_plugins.admon import admon_plugin
from mdit_py_plugins.front_matter import front_matter_plugin

_OPENER = re.compile(r'^===[+!]{0,2}\s+"[^"]*"\s*$')
_INDENT = 4


def _tabbed(state: StateBlock, start_line: int, end_line: int, silent: bool) -> bool:
    if state.sCount[start_line] - state.blkIndent >= _INDENT:
        return False
    start = state.bMarks[start_line] + state.tShift[start_line]
    line = state.src[start : state.eMarks[start_line]]
    if not _OPENER.match(line):
        return False
    if silent:
        return True

    body_indent = state.blkIndent + _INDENT
    next_line = start_line + 1
    while next_line < end_line:
        empty = state.isEmpty(next_line)
        if not empty and state.sCount[next_line] < body_indent:
            break
        next_line += 1

    old_parent, old_max, old_indent = state.parentType, state.lineMax, state.blkIndent
    state.parentType = "tabbed"
    state.lineMax = next_line
    state.blkIndent = body_indent

    token = state.push("tabbed_open", "div", 1)
    token.block = True
    token.info = line
    token.map = [start_line, next_line]
    state.md.block.tokenize(state, start_line + 1, next_line)
    state.push("tabbed_close", "div", -1).block = True

    state.parentType, state.lineMax, state.blkIndent = old_parent, old_max, old_indent
    state.line = next_line
    return True


def tabbed_plugin(md: MarkdownIt) -> None:
    """Register the `=== "Title"` block rule before fences."""
    md.block.ruler.before(
        "fence", "tabbed", _tabbed, {"alt": ["paragraph", "reference", "blockquote", "list"]}
    )


@functools.cache
def page_parser() -> MarkdownIt:
    """CommonMark with front matter, admonitions and content tabs (shared, read-only use)."""
    return MarkdownIt("commonmark").use(front_matter_plugin).use(admon_plugin).use(tabbed_plugin)
