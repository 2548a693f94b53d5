"""Fixtures for the browser tests: the site built once, served on loopback, Chromium launched.

Every test here that drives Chromium is marked `browser`; without /usr/bin/chromium those are
skipped with a message saying so (and `make browser` says it without running them).
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Browser, BrowserContext, Page, Playwright, sync_playwright

from tests.browser import axe, built_site, chromium

SKIP_REASON = "Debian's Chromium is missing: apt-get install chromium (CI installs it)"


BROWSER_FIXTURES = {"playwright", "browser", "context", "page", "base_url"}


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Mark the tests of this folder that drive Chromium `browser`; skip them when it is missing."""
    here = Path(__file__).parent
    for item in items:
        if here not in item.path.parents:
            continue
        if BROWSER_FIXTURES & set(getattr(item, "fixturenames", ())):
            item.add_marker(pytest.mark.browser)
            if not chromium.chromium_available():
                item.add_marker(pytest.mark.skip(reason=SKIP_REASON))


@pytest.fixture(scope="session")
def site_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The handbook built once per session with `mkdocs build --strict` into a temp dir.

    KORRIGO_SITE_DIR=path reuses a site built beforehand (to iterate on a test quickly).
    """
    if prebuilt := os.environ.get("KORRIGO_SITE_DIR"):
        return Path(prebuilt)
    return built_site.build_site(tmp_path_factory.mktemp("site"))


@pytest.fixture(scope="session")
def base_url(site_dir: Path) -> Iterator[str]:
    """The built site served on 127.0.0.1 under its published path; ends with `/`."""
    with built_site.serve(site_dir) as url:
        yield url


@pytest.fixture(scope="session")
def playwright() -> Iterator[Playwright]:
    """One Playwright driver for the session."""
    with sync_playwright() as driver:
        yield driver


@pytest.fixture(scope="session")
def browser(playwright: Playwright) -> Iterator[Browser]:
    """Debian's Chromium, headless."""
    launched = chromium.launch(playwright)
    yield launched
    launched.close()


@pytest.fixture
def context(browser: Browser) -> Iterator[BrowserContext]:
    """A fresh browser context (own storage and cache) at desktop size."""
    ctx = browser.new_context(viewport=chromium.DESKTOP)
    yield ctx
    ctx.close()


@pytest.fixture
def traffic(context: BrowserContext) -> chromium.Traffic:
    """Every request of the context is recorded; requests to other hosts are aborted."""
    return chromium.guard(context)


@pytest.fixture
def page(context: BrowserContext, traffic: chromium.Traffic) -> Page:
    """A page whose console errors and failed requests land in `traffic`."""
    return context.new_page()


@pytest.fixture(scope="session")
def all_pages(site_dir: Path) -> list[str]:
    """URL paths (relative to the base URL) of every built page."""
    return built_site.pages(site_dir)


@pytest.fixture(scope="session")
def screenshots_dir() -> Path:
    """artifacts/screenshots/, uploaded by the CI workflow."""
    path = built_site.ARTIFACTS / "screenshots"
    path.mkdir(parents=True, exist_ok=True)
    return path


@pytest.fixture(scope="session", autouse=True)
def _axe_report() -> Iterator[None]:
    """artifacts/axe-report*.md once this worker's tests are done."""
    yield
    axe.write_report()
