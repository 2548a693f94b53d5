"""axe-core on the open search dialog, light and dark (every page: test_every_page.py).

The audit covers the dialog itself: the page behind it is the home page, which
test_every_page.py audits in both schemes.

No rule is disabled: the full default ruleset runs in the light scheme, best-practice rules
included; in the dark scheme (Material's `slate`, colours only) the rules that read colours
run. No violation of impact "serious" or "critical" is allowed.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from playwright.sync_api import expect

from tests.browser import axe, built_site, chromium

DIALOG = "[data-md-component='search'][role='dialog']"


# "screen", not "device": pytest-playwright's `device` fixture (--device) would take it
@pytest.mark.parametrize("screen", ["phone", "desktop"])
def test_open_search_dialog_passes_axe(
    new_context: chromium.NewContext, base_url: str, screen: str
) -> None:
    """The search dialog as a reader sees it: open, with results listed; audited in the light
    scheme, then in the dark one (the system preference switched on the open dialog)."""
    viewport = chromium.PHONE if screen == "phone" else chromium.DESKTOP
    context = new_context(viewport=viewport, color_scheme="light")
    traffic = chromium.guard(context)
    page = context.new_page()
    page.goto(base_url, wait_until="networkidle")
    page.keyboard.press("/")  # Material's shortcut: opens and focuses search
    box = page.locator("input.md-search__input")
    expect(box).to_be_focused()
    box.press_sequentially("sentry", delay=20)
    expect(page.locator(".md-search-result__item").first).to_be_visible()
    dialog = page.locator(DIALOG)
    assert dialog.get_attribute("aria-label") or dialog.get_attribute("aria-labelledby")
    audits = axe.audit_in_each_scheme(page, f"search open, {screen}", within=DIALOG)
    expect(box).to_be_focused()  # the dialog stayed open through both audits
    # the audit reached the dialog, its results and its colours
    assert {"aria-dialog-name", "color-contrast"} <= set(axe.rules_run(audits["light"]))
    failures = {
        scheme: found
        for scheme, results in audits.items()
        if (found := axe.blocking(results["violations"]))
    }
    context.close()
    assert failures == {}
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
