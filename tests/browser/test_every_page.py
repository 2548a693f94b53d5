"""Every page, loaded once at desktop size, and what each load must show.

A page load costs Chromium most of a second (Material's bundle, the search worker building
its index), so each page is visited once and everything these tests check is read during
that visit: the responses and console, the copy buttons, the tables' widths, and axe-core
in the light scheme (full default ruleset) and the dark one (the colour rules: Material's
`slate` changes colours only). The pages are split into parts that xdist workers share;
each part is one test that reports every failed check, by check and page.
"""

from __future__ import annotations

import contextlib
from dataclasses import dataclass
from pathlib import Path

import pytest
from playwright.sync_api import Browser
from playwright.sync_api import TimeoutError as PlaywrightTimeoutError

from tests.browser import axe, chromium
from tests.browser.page_scripts import COPY_BUTTONS, TABLE_WIDTHS, too_wide

PARTS = 4


@dataclass(frozen=True)
class Visit:
    """What one page showed while it was loaded and audited."""

    path: str
    status: int
    requests: int
    problems: list[str]
    copy_buttons: list[bool]
    tables: list[dict]
    has_table: bool  # the built HTML has a <table>: the visit must have measured one
    axe: dict[str, dict]  # "light" / "dark" -> axe's raw results


def _visit_part(browser: Browser, base_url: str, site_dir: Path, paths: list[str]) -> list[Visit]:
    context = browser.new_context(viewport=chromium.DESKTOP, color_scheme="light")
    traffic = chromium.guard(context)
    page = context.new_page()
    visits = []
    for path in paths:
        traffic.clear()
        page.emulate_media(color_scheme="light")
        response = page.goto(base_url + path, wait_until="networkidle")
        assert response is not None
        # Material adds the copy buttons once its script has run: wait (up to 10 s) for them.
        with contextlib.suppress(PlaywrightTimeoutError):
            page.wait_for_function(f"({COPY_BUTTONS})().every(Boolean)", timeout=10_000)
        copy_buttons = page.evaluate(COPY_BUTTONS)
        tables = page.evaluate(TABLE_WIDTHS)
        audits = axe.audit_in_each_scheme(page, path)
        html = site_dir / (path if path.endswith(".html") else path + "index.html")
        visits.append(
            Visit(
                path=path or "(home)",
                status=response.status,
                requests=len(traffic.requests),
                problems=traffic.problems(),
                copy_buttons=copy_buttons,
                tables=tables,
                has_table="<table" in html.read_text(encoding="utf-8"),
                axe=audits,
            )
        )
    context.close()
    return visits


def _load_problems(v: Visit) -> list[str]:
    return [*v.problems, *([f"page answered HTTP {v.status}"] if v.status >= 400 else [])]


def _copy_problems(v: Visit) -> list[str]:
    if all(v.copy_buttons):
        return []
    return [f"{sum(v.copy_buttons)} of {len(v.copy_buttons)} code blocks have a copy button"]


def _table_problems(v: Visit) -> list[str]:
    if v.has_table and not v.tables:
        return ["the page has a table, none was measured"]
    return [
        f"{t['head']!r}: {t['wrapScroll']} px in {t['wrapClient']} px" for t in too_wide(v.tables)
    ]


def _axe_problems(v: Visit) -> list[str]:
    found = [
        f"{scheme}: {line}" for scheme, r in v.axe.items() for line in axe.blocking(r["violations"])
    ]
    # in the dark scheme, exactly the colour rules ran
    if sorted(axe.rules_run(v.axe["dark"])) != axe.COLOUR_RULES:
        found.append(f"dark: axe ran {sorted(axe.rules_run(v.axe['dark']))}")
    return found


CHECKS = {
    "loads without errors or foreign requests": _load_problems,
    "every code block has a copy button": _copy_problems,
    "every table fits the content column (desktop)": _table_problems,
    "no serious or critical axe-core violation, light and dark": _axe_problems,
}


@pytest.mark.parametrize("part", range(PARTS), ids=lambda n: f"part{n}")
def test_every_page(
    browser: Browser, base_url: str, site_dir: Path, all_pages: list[str], part: int
) -> None:
    visits = _visit_part(browser, base_url, site_dir, all_pages[part::PARTS])
    assert visits
    assert all(v.requests >= 1 for v in visits)  # the request listener did see the traffic
    ran = {rule: tags for v in visits for rule, tags in axe.rules_run(v.axe["light"]).items()}
    best_practice = {rule for rule, tags in ran.items() if "best-practice" in tags}
    assert {"aria-dialog-name", "landmark-one-main", "region", "heading-order"} <= best_practice
    failed = {
        check: problems
        for check, find in CHECKS.items()
        if (problems := {v.path: found for v in visits if (found := find(v))})
    }
    assert failed == {}
