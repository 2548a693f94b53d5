"""The python fences of a page, as the doc tests read them (site build only: macros.py).

Kept here rather than in macros.py because mkdocs-macros imports macros.py afresh on each
configuration load, that is on every live reload of `mkdocs serve`: a cache there lived
for one build only, and each reload parsed every page with payload panels again (about
20 ms). Here the parse is kept for the life of the process, keyed on the page's text, so
an edited page is parsed again and an unchanged one is not.
"""

from __future__ import annotations

import functools
from typing import NamedTuple

from korrigo_sentry.oncall.markdown import page_parser


class Block(NamedTuple):
    """One python fence of a page: its code and whether it continues the previous one."""

    code: str
    continuation: bool


def python_blocks(markdown: str) -> list[Block]:
    """The page's python fences, read with the parser the doc tests use (tabs included)."""
    return list(_python_blocks(markdown))


@functools.lru_cache(maxsize=64)  # a page with N panels is parsed once, not N times
def _python_blocks(markdown: str) -> tuple[Block, ...]:
    blocks: list[Block] = []
    for token in page_parser().parse(markdown):
        if token.type != "fence":
            continue
        info = token.info.strip().strip("{}").split()
        language = info[0].lstrip(".") if info else ""
        if language in ("python", "py", "python3") and "notest" not in info:
            blocks.append(Block(code=token.content, continuation="continuation" in info))
    return tuple(blocks)
