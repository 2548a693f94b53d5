"""A reader in a hurry types one word in the search box and finds the right runbook."""

from __future__ import annotations

from pathlib import Path
from urllib.parse import urlsplit

import pytest
from playwright.sync_api import Page, expect

from tests.browser import built_site
from tests.browser.chromium import Traffic

TOP = 5  # the runbook must be among the first results a reader sees


def search(page: Page, base_url: str, query: str) -> list[str]:
    """Type `query` into Material's search box on the home page; the result URLs, in order."""
    page.goto(base_url, wait_until="load")  # typing waits for the search index anyway
    box = page.locator("input.md-search__input")
    box.click()
    box.press_sequentially(query, delay=40)
    results = page.locator(".md-search-result__list > .md-search-result__item")
    expect(results.first).to_be_visible()
    links = page.locator(".md-search-result__list > .md-search-result__item > a")
    return links.evaluate_all("links => links.map(a => a.href)")


@pytest.mark.parametrize(
    ("query", "runbook"),
    [
        pytest.param("quota", "quota", id="quota"),
        pytest.param("slow", "performance-degradation", id="slow-p95"),
    ],
)
def test_search_finds_the_runbook(
    page: Page, traffic: Traffic, base_url: str, site_dir: Path, query: str, runbook: str
) -> None:
    target = built_site.find_page(site_dir, runbook)
    assert target, f"no runbook page about {runbook!r} in the built site"
    found = [urlsplit(url).path for url in search(page, base_url, query)]  # drop ?h=, #anchor
    assert urlsplit(base_url + target).path in found[:TOP], f"{query!r} found {found[:TOP]}"
    assert traffic.problems() == []
