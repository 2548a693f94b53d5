"""The home page stays light: what the browser loads for it fits the budget."""

from __future__ import annotations

from playwright.sync_api import Browser

from tests.browser.weight import HOME_BUDGET, weigh


def test_home_page_within_budget(browser: Browser, base_url: str) -> None:
    (home,) = weigh(browser, base_url, [""])
    assert any(a.kind == "document" for a in home.assets)
    assert any("search_index.json" in a.url for a in home.assets)  # the search index counts too
    heavy = sorted(((a.size, a.url) for a in home.assets), reverse=True)[:3]
    assert home.total <= HOME_BUDGET, f"{home.total:,} bytes; heaviest: {heavy}"
