"""How a runbook page meets a paged engineer: its header, the home page's "Paged?" table.

The header is what a reader must see without scrolling, at 1280x800 and 390x844 (measured
by tests/browser/test_runbook_layout.py): severity, owner, last review (flagged when older
than the review period of oncall.yaml), where the quick checks run, the first command to
type, and the phrases people search for (so that Material's search index holds them).
Everything comes from the page's front matter and `oncall.yaml`; pages call one macro line,
`{{ runbook_header() }}`.
"""

from __future__ import annotations

import datetime as dt
import posixpath
from typing import Any

from handbook import oncall_markdown
from korrigo_sentry.oncall.front_matter import FrontMatter
from korrigo_sentry.oncall.where import OnCall, oncall

#: The compose-free form of the first command: the runbook command of the package.
FIRST_COMMAND = "python -m korrigo_sentry runbook {slug}"
# The `tags` of the front matter are the phrases people search for: Material's search
# indexes page.meta.tags (boost 1e6), and the header shows them.


def first_command(slug: str, front: FrontMatter, where: OnCall | None = None) -> str:
    """The one line a paged engineer types first: every quick check, in the right container."""
    where = where or oncall()
    return where.exec_in(front.runs_in, FIRST_COMMAND.format(slug=slug))


def review_note(reviewed: dt.date, today: dt.date, where: OnCall | None = None) -> str:
    """The date, and a visible flag when the review is overdue."""
    where = where or oncall()
    if not where.review_overdue(reviewed, today):
        return f"{reviewed.isoformat()}"
    return (
        f'{reviewed.isoformat()} <strong class="korrigo-review-overdue">review overdue '
        f"(older than {where.review_period_days} days)</strong>"
    )


def header(
    slug: str, front: FrontMatter, today: dt.date | None = None, where: OnCall | None = None
) -> str:
    """The header's Markdown (md_in_html), for the page `runbooks/<slug>.md`."""
    where = where or oncall()
    today = today or dt.date.today()
    place = where.place(front.runs_in)
    shell = where.exec_in(place.id, place.open) if place.open else ""
    phrases = ", ".join(front.tags)
    lines = [
        '<div class="korrigo-runbook-header" markdown>',
        "",
        f"**Severity** {front.severity} · **Owner** {front.owner} · "
        f"**Last reviewed** {review_note(front.last_reviewed, today, where)}",
        "",
        f"**First command**, in a terminal on the host: every quick check below, run in the "
        f"`{place.service}` container.",
        "",
        # Host, directory and container, whole (issue 23): the compose file's path only
        # resolves from the Korrigo checkout.
        oncall_markdown.where_to_run(place.id),
        "",
        "```bash",
        first_command(slug, front, where),
        "```",
        "",
    ]
    if shell:
        lines += [f"Quick checks run in a **{place.label}**: `{shell}`", ""]
    if phrases:
        # attr_list: the print style hides it (search phrases are no use on paper).
        lines += [f"*Also known as:* {phrases}", "{: .korrigo-aka }", ""]
    return "\n".join([*lines, "</div>"])


def paged_block(here: str, rules: list[Any], books: list[Any]) -> str:
    """The home page's "Paged? Start here": alert -> runbook, then the symptom runbooks.

    `here` is the page's path below docs/; `books` are korrigo_sentry.oncall.runbooks.Runbook.
    """
    base = posixpath.dirname(here) or "."
    titles = {book.slug: book.title for book in books}
    rows = ["| Alert that paged you | Severity | Runbook |", "|---|---|---|"]
    for rule in rules:
        if not rule.runbook:  # an alert without a page yet: say so rather than hide it
            alerts = posixpath.relpath("reference/alerts.md", base)
            rows.append(f"| {rule.name} | {rule.severity} | none yet: [Alerts]({alerts}) |")
            continue
        link = posixpath.relpath(rule.runbook, base)
        rows.append(f"| {rule.name} | {rule.severity} | [{titles[rule.slug]}]({link}) |")
    symptoms = [
        f"[{book.title}]({posixpath.relpath(f'runbooks/{book.slug}.md', base)})"
        for book in books
        if not book.front.alert
    ]
    return "\n".join(rows) + "\n\nNo alert, but something is wrong: " + " · ".join(symptoms) + "."
