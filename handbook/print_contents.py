"""The printable runbooks' table of contents (issue 23): one line per runbook, linked to
its heading on the printable page, with an empty slot for its page number that the PDF
tool (`tools/runbooks_pdf.py`, `make pdf`) fills after a first print.
"""

from __future__ import annotations

from markdown.extensions.toc import slugify

from korrigo_sentry.oncall.runbooks import load_runbooks

#: The class of the page-number slot; tools/runbooks_pdf.py fills it.
PAGE_SLOT = "korrigo-toc-page"


def anchor(title: str) -> str:
    """The id Python-Markdown's toc extension gives a heading (mkdocs' default slugify)."""
    return slugify(title, "-")


def contents() -> str:
    """A Markdown list: each runbook's title, linked to its heading, and a page slot."""
    lines = ['<nav class="korrigo-toc" markdown>', "", "**Contents**", ""]
    for book in load_runbooks():
        slot = f'<span class="{PAGE_SLOT}" data-anchor="{anchor(book.title)}"></span>'
        lines.append(f"1. [{book.title}](#{anchor(book.title)}) {slot}")
    return "\n".join([*lines, "", "</nav>"])
