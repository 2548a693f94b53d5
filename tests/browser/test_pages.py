"""Every page loads cleanly in a real browser, from the site's own host only."""

from __future__ import annotations

from pathlib import Path
from urllib.parse import urlsplit

from playwright.sync_api import Page

from tests.browser import built_site
from tests.browser.chromium import Traffic


def test_every_page_loads_without_errors_or_foreign_requests(
    page: Page, traffic: Traffic, base_url: str, all_pages: list[str]
) -> None:
    problems: dict[str, list[str]] = {}
    requested = 0
    for path in all_pages:
        traffic.clear()
        response = page.goto(base_url + path, wait_until="networkidle")
        assert response is not None
        found = traffic.problems()
        if not response.ok:
            found.append(f"page answered HTTP {response.status}")
        if found:
            problems[path or "(home)"] = found
        requested += len(traffic.requests)
    assert requested >= len(all_pages)  # the route handler did see the traffic
    assert problems == {}


def test_sitemap_lists_every_page(site_dir: Path, all_pages: list[str]) -> None:
    """The sitemap the search engines read and the pages on disk agree (404 page aside)."""
    home = built_site.site_url(site_dir)
    tree = built_site.ET.parse(site_dir / "sitemap.xml")
    listed = {
        urlsplit(loc.text or "").path.removeprefix(urlsplit(home).path)
        for loc in tree.getroot().iterfind("sm:url/sm:loc", built_site.SITEMAP_NS)
    }
    assert listed == set(all_pages) - {"404.html"}
