"""The runbooks table (`{{ runbooks_table() }}` on the Runbooks page): the pages an alert
e-mail links to come first, then the symptoms by title (issue 25, item 7).

Someone paged by an alert looks for that alert's page; the symptom pages are read when no
alert fired. Expected rows are written as a reader of the page reads them.
"""

from __future__ import annotations

import re
from pathlib import Path

from korrigo_sentry.oncall.runbooks import list_table

_LINK = re.compile(r"^\| \[[^\]]+\]\(([\w-]+)\.md\) \|")


def slugs(table: str) -> list[str]:
    return [m.group(1) for line in table.splitlines() if (m := _LINK.match(line))]


def test_the_site_lists_alert_runbooks_before_symptom_runbooks() -> None:
    assert slugs(list_table()) == [
        # the alerts, as korrigo_sentry/data/alerts.yaml lists them
        "critical-errors",
        "high-error-rate",
        "performance-degradation",
        "korrigo-down",
        # the symptoms, by title: "Celery task...", "Events missing...", "Performance data...",
        # "Sensitive data...", "Sentry is not...", "Too many errors..."
        "celery-failures-not-reported",
        "missing-release-or-environment",
        "performance-data-missing",
        "sensitive-data-in-event",
        "sentry-not-capturing-errors",
        "quota-exhausted",
    ]


def _page(directory: Path, name: str, subject: str, title: str) -> None:
    (directory / f"{name}.md").write_text(
        f"---\n{subject}\nseverity: high\nowner: backend on-call\nlast_reviewed: 2026-11-29\n"
        f"runs_in: backend\n---\n\n# {title}\n",
        encoding="utf-8",
    )


def test_an_alert_page_whose_name_sorts_last_is_still_listed_first(tmp_path: Path) -> None:
    _page(tmp_path, "a-symptom", "symptom: Zebras in the logs.", "Zebras in the logs")
    _page(tmp_path, "b-symptom", "symptom: Anything at all.", "Anything at all")
    _page(tmp_path, "zz-alert", "alert: zz-alert", "The alert")

    assert list_table(tmp_path).splitlines() == [
        "| Runbook | For | Severity | Owner |",
        "|---|---|---|---|",
        "| [The alert](zz-alert.md) | alert: zz-alert | high | backend on-call |",
        "| [Anything at all](b-symptom.md) | symptom: Anything at all. | high | backend on-call |",
        "| [Zebras in the logs](a-symptom.md) | symptom: Zebras in the logs. | high | "
        "backend on-call |",
    ]
