"""Fixtures for the browser tests: the site built once, served on loopback, Chromium launched.

`playwright`, `browser`, `new_context`, `context` and `page` are pytest-playwright's; this file
points them at Debian's Chromium and the served site, and guards every `context`.

Every test here that drives Chromium is marked `browser`; without /usr/bin/chromium those are
skipped with a message saying so (and `make browser` says it without running them).
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import BrowserContext

from tests.browser import axe, built_site, chromium

SKIP_REASON = "Debian's Chromium is missing: apt-get install chromium (CI installs it)"


#: pytest-playwright's fixtures (and the served site): a test using one drives Chromium.
BROWSER_FIXTURES = {"playwright", "browser", "new_context", "context", "page", "base_url"}


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
    """The built site served on 127.0.0.1 under its published path; ends with `/`.

    Overrides pytest-playwright's `base_url` (which reads --base-url): every context it
    makes resolves `page.goto("runbooks/")` against this site.
    """
    with built_site.serve(site_dir) as url:
        yield url


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args: dict[str, Any]) -> dict[str, Any]:
    """pytest-playwright launches Debian's Chromium: Playwright's own browser download cannot
    work on a closed network (`--headed` and `--slowmo` still apply)."""
    return {**browser_type_launch_args, **chromium.launch_args()}


@pytest.fixture
def traffic() -> chromium.Traffic:
    """Every request of the test's `context`, and what went wrong on its pages."""
    return chromium.Traffic()


@pytest.fixture
def context(
    new_context: Callable[..., BrowserContext], traffic: chromium.Traffic
) -> BrowserContext:
    """A context from pytest-playwright's `new_context` (closed after the test) at desktop
    size, guarded before any page opens: requests to other hosts are recorded in `traffic`
    and aborted; console errors and failed requests land there."""
    made = new_context(viewport=chromium.DESKTOP)
    chromium.guard(made, traffic)
    return made


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
