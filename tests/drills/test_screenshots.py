"""What you should see: Bugsink's UI showing a drill's issue, screenshotted in Chromium.

The screenshots go to artifacts/drills/ (CI uploads them); `make drill-screenshots` writes
them to docs/assets/drills/ for the Verify page. Needs /usr/bin/chromium: without it these
tests fail with the reason (the drills must not pass silently without their screenshots).
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Page, sync_playwright

from drills.bugsink import LOGIN
from drills.stack import Stack
from tests.browser import chromium

REPO = Path(__file__).resolve().parents[2]
OUT = REPO / os.environ.get("KORRIGO_DRILL_SCREENSHOTS", "artifacts/drills")


@pytest.fixture(scope="module")
def bugsink_page(stack: Stack) -> Iterator[Page]:
    """A Chromium page signed in to the stack's Bugsink."""
    if not chromium.chromium_available():
        pytest.fail("Debian's Chromium is missing: apt-get install chromium", pytrace=False)
    with sync_playwright() as driver:
        browser = chromium.launch(driver)
        page = browser.new_page(viewport=chromium.DESKTOP)
        outside: list[str] = []
        page.on("request", lambda r: None if chromium.is_loopback(r.url) else outside.append(r.url))
        page.goto(f"{stack.bugsink.url}/accounts/login/")
        page.fill("input[name=username]", LOGIN)
        page.fill("input[name=password]", stack.bugsink.password)
        with page.expect_navigation():
            page.press("input[name=password]", "Enter")
        assert "/accounts/login/" not in page.url, "Bugsink refused the drill login"
        yield page
        browser.close()
        assert outside == [], f"Bugsink's UI made requests off the machine: {outside}"


def issue_path(stack: Stack, project: str, exception_type: str) -> str:
    (issue,) = [i for i in stack.bugsink.issues(project) if i["type"] == exception_type]
    return f"/issues/issue/{uuid.UUID(issue['id'])}/event/last/"


def shoot(page: Page, name: str) -> Path:
    OUT.mkdir(parents=True, exist_ok=True)
    path = OUT / f"{name}.png"
    page.screenshot(path=str(path))
    return path


def test_celery_failure_issue(stack: Stack, run_drill, bugsink_page: Page) -> None:
    # After the Celery drill's mitigation: the OCR task's failure, reported by the worker.
    run_drill("celery-not-reported")
    bugsink_page.goto(
        stack.bugsink.url + issue_path(stack, "celery-not-reported", "OCREngineError")
    )
    body = bugsink_page.inner_text("body")
    assert "OCREngineError" in body
    assert "OCR engine unavailable for copy 7" in body
    assert shoot(bugsink_page, "celery-failure-issue").stat().st_size > 10_000


def test_scrubbed_login_failure(stack: Stack, run_drill, bugsink_page: Page) -> None:
    # After the sensitive-data drill: the login failure as stored, password filtered.
    planted = run_drill("sensitive-data").planted
    path = issue_path(stack, "sensitive-data", "LoginBackendError")
    bugsink_page.goto(stack.bugsink.url + path + "details/")
    body = bugsink_page.inner_text("body")
    assert "LoginBackendError" in body
    assert "query_string" in body  # the request's query string is shown...
    assert planted not in body  # ...without the token planted in it
    bugsink_page.get_by_text("query_string", exact=True).scroll_into_view_if_needed()
    assert shoot(bugsink_page, "scrubbed-login-failure").stat().st_size > 10_000
