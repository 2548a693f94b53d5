"""The site's own host only: the request guard every browser test relies on, and the sitemap.

(Every page's own load is checked in test_every_page.py.)"""

from __future__ import annotations

from pathlib import Path
from urllib.parse import urlsplit

from playwright.sync_api import Page

from tests.browser import built_site
from tests.browser.chromium import Traffic


def test_a_request_to_another_host_is_recorded_and_never_answered(
    page: Page, traffic: Traffic, base_url: str
) -> None:
    """The guard every browser test relies on: a third-party image and fetch (a name and an IP
    literal) are recorded as foreign, and neither gets an answer."""
    page.goto(base_url, wait_until="load")
    page.set_content('<img src="https://cdn.example.org/font.png">')
    fetched = page.evaluate(
        "fetch('http://192.0.2.7/collect').then(() => 'answered', () => 'refused')"
    )
    page.wait_for_load_state("load")

    assert fetched == "refused"
    assert "https://cdn.example.org/font.png" in traffic.foreign
    assert "http://192.0.2.7/collect" in traffic.foreign
    assert "request to another host: http://192.0.2.7/collect" in traffic.problems()


def test_sitemap_lists_every_page(site_dir: Path, all_pages: list[str]) -> None:
    """The sitemap the search engines read and the pages on disk agree (404 page aside)."""
    home = built_site.site_url(site_dir)
    tree = built_site.ET.parse(site_dir / "sitemap.xml")
    listed = {
        urlsplit(loc.text or "").path.removeprefix(urlsplit(home).path)
        for loc in tree.getroot().iterfind("sm:url/sm:loc", built_site.SITEMAP_NS)
    }
    assert listed == set(all_pages) - {"404.html"}
