"""A markdown-it rule for pymdownx.tabbed content tabs (`=== "Title"` + indented body).

Written by hand because mdit-py-plugins has admonitions but no content tabs, and without
this rule a fence indented inside a tab reads as an indented code block: its Python would
never run as a test. Modelled on mdit-py-plugins' `admon` rule.
"""

from __future__ import annotations

import re

from markdown_it import MarkdownIt
from markdown_it.rules_block import StateBlock

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
    state.parentType = "tabbed"  # type: ignore[assignment]
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
