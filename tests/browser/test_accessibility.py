"""axe-core on every page, light and dark, and on the open search dialog.

No rule is disabled: the full default ruleset runs, best-practice rules included, and no
violation of impact "serious" or "critical" is allowed. Every count (all impacts) is written
to artifacts/axe-report.md (one file per worker when the tests run in parallel).
"""

from __future__ import annotations

import os
from collections import Counter
from pathlib import Path

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import Browser, Page, expect

from tests.browser import built_site, chromium

BLOCKING = {"serious", "critical"}
# Under xdist each worker reports what it ran: axe-report-gw0.md, axe-report-gw1.md...
_WORKER = os.environ.get("PYTEST_XDIST_WORKER", "")
REPORT = built_site.ARTIFACTS / f"axe-report{'-' + _WORKER if _WORKER else ''}.md"
_findings: dict[str, dict[str, list[dict]]] = {}  # state -> page -> violations, for the report


def audit(page: Page) -> dict:
    """Run axe-core's default ruleset on the page as it is now; the raw axe results."""
    return Axe().run(page, options={"resultTypes": ["violations"]}).response


def rules_run(results: dict) -> dict[str, list[str]]:
    """Rule id -> tags, for every rule axe evaluated (whatever its outcome)."""
    kinds = ("violations", "passes", "incomplete", "inapplicable")
    return {rule["id"]: rule["tags"] for kind in kinds for rule in results[kind]}


def blocking(violations: list[dict]) -> list[str]:
    return [
        f"{v['id']} ({v['impact']}, {len(v['nodes'])} nodes): {v['help']}"
        for v in violations
        if v["impact"] in BLOCKING
    ]


def write_report() -> None:
    lines = [
        "# axe-core report",
        "",
        "| state | page | critical | serious | moderate | minor | rules |",
    ]
    lines.append("|---|---|---|---|---|---|---|")
    for state, by_page in sorted(_findings.items()):
        for path, violations in sorted(by_page.items()):
            impacts = Counter(v["impact"] for v in violations)
            rules = ", ".join(sorted(f"{v['id']} ({v['impact']})" for v in violations)) or "-"
            counts = " | ".join(
                str(impacts[i]) for i in ("critical", "serious", "moderate", "minor")
            )
            lines.append(f"| {state} | {path or '(home)'} | {counts} | {rules} |")
    totals = Counter(
        v["impact"] for pages in _findings.values() for vs in pages.values() for v in vs
    )
    lines += [
        "",
        "Totals: "
        + ", ".join(f"{k} {totals[k]}" for k in ("critical", "serious", "moderate", "minor")),
    ]
    REPORT.parent.mkdir(parents=True, exist_ok=True)
    REPORT.write_text("\n".join(lines) + "\n", encoding="utf-8")


@pytest.fixture(scope="module", autouse=True)
def _report() -> object:
    yield
    write_report()


# Every page, in four parts (every fourth page), so that parallel workers share the load
# (axe's own run is most of the time: a part is about as long as the other browser tests).
PARTS = 4
#: The scheme Material shows under each system preference (its palette's "automatic" mode).
SCHEMES = {"light": "default", "dark": "slate"}


@pytest.mark.parametrize("part", range(PARTS))
def test_every_page_passes_axe(
    browser: Browser, base_url: str, all_pages: list[str], part: int
) -> None:
    """Each page is loaded once and audited in both schemes: the system preference is
    switched on the loaded page (Material's automatic palette follows it), which costs no
    second load; the page's own scheme attribute proves which one axe saw."""
    context = browser.new_context(viewport=chromium.DESKTOP, color_scheme="light")
    traffic = chromium.guard(context)
    page = context.new_page()
    body = page.locator("body")
    failures: dict[str, list[str]] = {}
    ran: dict[str, list[str]] = {}
    audited: Counter[str] = Counter()
    for path in all_pages[part::PARTS]:
        page.emulate_media(color_scheme="light")
        page.goto(base_url + path, wait_until="networkidle")
        for color_scheme, material_scheme in SCHEMES.items():
            page.emulate_media(color_scheme=color_scheme)
            expect(body).to_have_attribute("data-md-color-scheme", material_scheme)
            # Material lifts its no-transition switch a frame later: audit the settled colours
            expect(body).not_to_have_attribute("data-md-color-switching", "")
            results = audit(page)
            ran.update(rules_run(results))
            audited[color_scheme] += 1
            _findings.setdefault(color_scheme, {})[path] = results["violations"]
            if found := blocking(results["violations"]):
                failures[f"{path or '(home)'} ({color_scheme})"] = found
    context.close()
    assert audited == {scheme: len(all_pages[part::PARTS]) for scheme in SCHEMES}
    best_practice = {rule for rule, tags in ran.items() if "best-practice" in tags}
    assert {"aria-dialog-name", "landmark-one-main", "region", "heading-order"} <= best_practice
    assert failures == {}
    assert traffic.problems() == []


@pytest.mark.parametrize("color_scheme", ["light", "dark"])
@pytest.mark.parametrize("device", ["phone", "desktop"])
def test_open_search_dialog_passes_axe(
    browser: Browser, base_url: str, device: str, color_scheme: str
) -> None:
    """The search dialog as a reader sees it: open, with results listed."""
    viewport = chromium.PHONE if device == "phone" else chromium.DESKTOP
    context = browser.new_context(viewport=viewport, color_scheme=color_scheme)
    traffic = chromium.guard(context)
    page = context.new_page()
    page.goto(base_url, wait_until="networkidle")
    page.keyboard.press("/")  # Material's shortcut: opens and focuses search
    box = page.locator("input.md-search__input")
    expect(box).to_be_focused()
    box.press_sequentially("sentry", delay=20)
    expect(page.locator(".md-search-result__item").first).to_be_visible()
    dialog = page.locator("[data-md-component='search'][role='dialog']")
    assert dialog.get_attribute("aria-label") or dialog.get_attribute("aria-labelledby")
    results = audit(page)
    _findings.setdefault(f"search open, {device}", {})[color_scheme] = results["violations"]
    context.close()
    assert blocking(results["violations"]) == []
    assert traffic.problems() == []


def test_search_override_is_materials_partial_plus_a_name() -> None:
    """overrides/partials/search.html differs from Material's own only by the dialog's name,
    so a Material upgrade that changes the partial is noticed here."""
    import material

    theirs = Path(material.__file__).parent / "templates" / "partials" / "search.html"
    ours = built_site.ROOT / "overrides" / "partials" / "search.html"

    def body(text: str) -> list[str]:
        unnamed = text.replace(
            'role="dialog" aria-label="{{ lang.t(\'search\') }}"', 'role="dialog"'
        )
        return unnamed.split("-#}\n", 1)[1].splitlines()

    assert 'role="dialog" aria-label=' in ours.read_text(encoding="utf-8")
    assert body(ours.read_text(encoding="utf-8")) == body(theirs.read_text(encoding="utf-8"))
