"""A paged engineer's search and print: what search finds for a symptom and what the printed
runbooks look like.

What the first screen shows, whether tables fit, on a phone whether commands wrap and copy
buttons are big enough to tap, and that the discouraged command has no copy button are read
while test_every_page.py visits each page on a desktop and a phone. The figures (search ranks,
printed pages) go to artifacts/runbook-layout/ for the CI artifact.
"""

from __future__ import annotations

import re
from pathlib import Path
from urllib.parse import urlsplit

from playwright.sync_api import Page

from korrigo_sentry.oncall import runbooks
from tests.browser import built_site, chromium
from tests.browser.test_search import search_each
from tools import runbooks_pdf

SLUGS = [book.slug for book in runbooks.load_runbooks()]
# One file per test: the tests may run in different xdist workers.
REPORT_DIR = built_site.ARTIFACTS / "runbook-layout"
# Measured 23 with the contents, link targets and the actions' commands (issue 23); it was
# 20 before them. A limit, so that the printed runbooks cannot grow unnoticed.
MAX_PRINTED_PAGES = 25
SITE_URL = "https://korrigo.github.io/korrigo-handbook/"  # mkdocs.yml site_url

# What an engineer types when something is wrong, and the runbook that must come up.
QUERIES = {
    "stopped": "sentry-not-capturing-errors",
    "no events": "sentry-not-capturing-errors",
    "nothing in sentry": "sentry-not-capturing-errors",
    "after deploy": "sentry-not-capturing-errors",
    "rate limit": "quota-exhausted",
    "429": "quota-exhausted",
    "quota": "quota-exhausted",
    "slow": "performance-degradation",
    "celery": "celery-failures-not-reported",
    "password in event": "sensitive-data-in-event",
    "no release": "missing-release-or-environment",
    "retry storm": "high-error-rate",
    "no transactions": "performance-data-missing",
    # Issue 23: the words people use, written from what a paged engineer types.
    "email": "sensitive-data-in-event",
    "email address": "sensitive-data-in-event",
    "customer email": "sensitive-data-in-event",
    "GDPR": "sensitive-data-in-event",
    "personal data": "sensitive-data-in-event",
    "data breach": "sensitive-data-in-event",
    "sentry down": "sentry-not-capturing-errors",
    "not reporting": "sentry-not-capturing-errors",
    "quota exceeded": "quota-exhausted",
    "billing": "quota-exhausted",
    "dropped events": "quota-exhausted",
    "500 errors": "high-error-rate",
    "error spike": "high-error-rate",
    "outage": "high-error-rate",
    "crash": "critical-errors",
    "new error": "critical-errors",
    "timeout": "performance-degradation",
    "response time": "performance-degradation",
    "no traces": "performance-data-missing",
    "tracing": "performance-data-missing",
    "wrong environment": "missing-release-or-environment",
    "staging in production": "missing-release-or-environment",
    "background job": "celery-failures-not-reported",
    "task failed": "celery-failures-not-reported",
    "grading stuck": "celery-failures-not-reported",
    "site down": "korrigo-down",
    "unreachable": "korrigo-down",
    "downtime": "korrigo-down",
}
TOP = 3


def report(name: str, title: str, lines: list[str]) -> None:
    """Write the figures a test measured to artifacts/runbook-layout/<name>.md."""
    REPORT_DIR.mkdir(parents=True, exist_ok=True)
    text = "\n".join([f"## {title}", "", *lines, ""])
    (REPORT_DIR / f"{name}.md").write_text(text, encoding="utf-8")


def test_symptom_searches_find_the_runbook_in_the_first_three(page: Page, base_url: str) -> None:
    ranks = {}
    found = search_each(page, base_url, list(QUERIES))
    for query, slug in QUERIES.items():
        pages = []
        for url in found[query]:  # a page's sections follow it: keep its first
            path = urlsplit(url).path
            if path not in pages:
                pages.append(path)
        wanted = urlsplit(f"{base_url}runbooks/{slug}/").path
        ranks[query] = pages.index(wanted) + 1 if wanted in pages else None
    report(
        "search",
        "Search: rank of the runbook",
        [f"- `{query}` -> {QUERIES[query]}: {rank}" for query, rank in ranks.items()],
    )
    missed = {q: r for q, r in ranks.items() if r is None or r > TOP}
    assert missed == {}


def test_the_printable_page_is_not_in_the_search_index(site_dir: Path) -> None:
    index = (site_dir / "search" / "search_index.json").read_text(encoding="utf-8")
    assert '"location":"runbooks/print/' not in index.replace(" ", "")
    assert '"location":"runbooks/quota-exhausted/' in index.replace(" ", "")


def test_printed_runbooks_keep_tab_labels_drop_ci_checks_and_fit_in_the_page_limit(
    new_context: chromium.NewContext, base_url: str
) -> None:
    context = new_context()
    chromium.withhold_search_index(context)  # no search here
    traffic = chromium.guard(context)
    page = context.new_page()
    page.goto(f"{base_url}runbooks/print/", wait_until="networkidle")
    page.emulate_media(media="print")
    labels = page.locator(".korrigo-print .tabbed-labels > label")
    assert labels.count() > 10
    assert all(labels.nth(i).is_visible() for i in range(labels.count()))
    text = page.locator(".korrigo-print").inner_text()
    assert "How CI checks this" not in text
    assert not re.search(r"^\s*assert ", text, re.MULTILINE), "an assertion in print"
    commands = page.locator(".korrigo-print pre").all_inner_texts()
    pdf, starts = runbooks_pdf.print_runbooks(page)
    context.close()
    sheets = runbooks_pdf.page_texts(pdf)
    pages = runbooks_pdf.page_count(pdf)
    printed = " ".join(sheets)
    for slug in SLUGS:
        assert runbooks.get_runbook(slug).title in printed, f"{slug} is not in the PDF"
    # Nothing missing: every line of every code block on the page is in the PDF (compared
    # without whitespace: a long command wraps on paper).
    bare = "".join(printed.split())
    missing = [line for block in commands for line in block.splitlines()
               if line.strip() and "".join(line.split()) not in bare]  # fmt: skip
    assert missing == []
    assert "```" not in printed, "a stray fence"
    # The CI proofs left the pages for tests/runbooks/ (issue 23): nothing is removed for
    # print, so no "on the site only" note stands where a block used to be.
    assert "On the site only" not in printed
    # Page numbers on every sheet, and the contents point at the sheet each runbook starts on.
    for number, sheet in enumerate(sheets, 1):
        assert sheet.endswith(f"page {number} of {pages}"), f"sheet {number}: no page number"
    for slug in SLUGS:
        title = runbooks.get_runbook(slug).title
        listed = re.search(re.escape(title) + r" \u2026 p\. (\d+)", sheets[0])
        assert listed, f"{title} is not in the contents"
        assert f"{title} Severity" in sheets[int(listed.group(1)) - 1], f"{title}: wrong page"
    assert len(starts) == len(SLUGS)
    # Link targets printed: the Related links name the public pages.
    assert f"<{SITE_URL}reference/alerts/>" in printed
    assert f"<{SITE_URL}runbooks/quota-exhausted/>" in printed
    report("print", "Printable runbooks", [
        f"- {pages} A4 pages (limit {MAX_PRINTED_PAGES}), contents on page 1",
        "- runbooks start on pages " + ", ".join(str(n) for n in starts.values()),
        f"- {bare.count(''.join(SITE_URL.split()))} printed link targets to the site",
    ])  # fmt: skip
    assert pages <= MAX_PRINTED_PAGES
    assert traffic.problems() == []


def test_a_missing_file_is_still_a_problem_when_cancellations_are_not(
    page: Page, traffic: chromium.Traffic, base_url: str
) -> None:
    """Ignoring `net::ERR_ABORTED` (a cancelled request) leaves real faults reported."""
    page.goto(f"{base_url}assets/no-such-file.png")
    assert any("HTTP 404" in line for line in traffic.problems())
