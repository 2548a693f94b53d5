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


def search_each(page: Page, base_url: str, queries: list[str]) -> dict[str, list[str]]:
    """Each query in turn in the search box of one loaded home page; query -> result URLs.

    The page (and Material's search index, built by its worker at each page load) is loaded
    once. Each query goes in whole, with one keyup (Material searches on keyup): the worker
    gets that one query, so the first results shown are its own (typed key by key, each
    prefix's results would show on the way). The box is emptied first, and the list with it.
    """
    page.goto(base_url, wait_until="load")
    box = page.locator("input.md-search__input")
    box.click()
    items = page.locator(".md-search-result__list > .md-search-result__item")
    links = page.locator(".md-search-result__list > .md-search-result__item > a")
    found = {}
    for query in queries:
        box.fill("")
        box.press("End")
        expect(items).to_have_count(0)
        box.fill(query)
        box.press("End")
        expect(items.first).to_be_visible()
        found[query] = links.evaluate_all("links => links.map(a => a.href)")
    return found


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
