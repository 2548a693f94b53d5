"""Debian's Chromium driven by Playwright, with every request and console error recorded."""

from __future__ import annotations

import ipaddress
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from playwright.sync_api import (
    Browser,
    BrowserContext,
    Error,
    Page,
    Playwright,
    Request,
    Response,
)

CHROMIUM = Path("/usr/bin/chromium")
# Playwright's own browser download cannot work on a closed network: use the system Chromium,
# and keep it from phoning home (updates, sync, QUIC probes) so that every request is the site's.
CHROMIUM_ARGS = (
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
    # Every request but loopback (which Chromium never proxies) goes to a proxy that is not
    # there, so a request to another host, IP literals included, fails inside Chromium (and
    # `guard` records it). Blocking here rather than in a Playwright route keeps Chromium's
    # HTTP cache on (Playwright turns it off for routed contexts), as a reader's browser has it.
    "--proxy-server=http://127.0.0.1:9",
)
#: pytest-playwright's `new_context` fixture: a context (with `base_url`) closed after the test.
NewContext = Callable[..., BrowserContext]
PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1280, "height": 800}


#: Material's search fetches search/search_index.json on every full page load and posts it
#: to its worker (message type 0, SETUP), which builds a lunr index of every page: 0.2 CPU s
#: of each load here, for a search most tests never use. See `withhold_search_index`.
_WITHHOLD_INDEX = """
const post = Worker.prototype.postMessage;
Worker.prototype.postMessage = function (message, ...rest) {
  if (message && message.type === 0 && message.data && Array.isArray(message.data.docs)) {
    window.__korrigoIndexWithheld = message.data.docs.length;
    message = {...message, data: {...message.data, docs: []}};
  }
  return post.call(this, message, ...rest);
};
"""


def withhold_search_index(context: BrowserContext) -> None:
    """On the pages of `context`, the search index is still requested and parsed (a 404, a
    failed request or unparsable JSON is still reported), but its documents are withheld from
    Material's worker, which then builds no index: for tests that never search. The index
    built from that same file is searched in test_search.py, test_accessibility.py and
    test_runbook_layout.py. `window.__korrigoIndexWithheld` tells how many documents the
    page handed over."""
    context.add_init_script(_WITHHOLD_INDEX)


def chromium_available() -> bool:
    """True when Debian's Chromium is installed."""
    return CHROMIUM.is_file()


def launch_args() -> dict[str, Any]:
    """What Playwright launches: Debian's Chromium with the arguments above (pytest-playwright's
    `browser` gets these through `browser_type_launch_args`, tests/browser/conftest.py)."""
    return {"executable_path": str(CHROMIUM), "args": list(CHROMIUM_ARGS)}


def launch(playwright: Playwright) -> Browser:
    """Headless Chromium from /usr/bin/chromium, for the scripts and drills outside pytest."""
    return playwright.chromium.launch(**launch_args(), headless=True)


def is_loopback(url: str) -> bool:
    """True for URLs the site's own loopback server answers (and for inline data/blob URLs)."""
    parts = urlsplit(url)
    if parts.scheme in ("data", "blob", "about"):
        return True
    host = parts.hostname or ""
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


@dataclass
class Traffic:
    """What a browser context asked for and what went wrong, for one test."""

    requests: list[str] = field(default_factory=list)
    foreign: list[str] = field(default_factory=list)
    console_errors: list[str] = field(default_factory=list)
    failed: list[str] = field(default_factory=list)

    def problems(self) -> list[str]:
        """Every recorded problem, one line each (empty when the page is clean)."""
        return (
            [f"request to another host: {url}" for url in self.foreign]
            + [f"console error: {text}" for text in self.console_errors]
            + [f"failed request: {line}" for line in self.failed]
        )

    def clear(self) -> None:
        """Forget everything recorded so far (between pages)."""
        for bucket in (self.requests, self.foreign, self.console_errors, self.failed):
            bucket.clear()


def guard(context: BrowserContext, traffic: Traffic | None = None) -> Traffic:
    """Record every request of `context` (into `traffic`, else a new one); those to any
    non-loopback host are foreign (and fail: Chromium sends them to a dead proxy, see
    CHROMIUM_ARGS). Pages opened after this call are watched too."""
    traffic = Traffic() if traffic is None else traffic

    def on_request(request: Request) -> None:
        traffic.requests.append(request.url)
        if not is_loopback(request.url):
            traffic.foreign.append(request.url)

    context.on("request", on_request)
    context.on("page", lambda page: watch(page, traffic))
    return traffic


def watch(page: Page, traffic: Traffic) -> None:
    """Record console errors, uncaught exceptions and failed or 4xx/5xx responses of `page`."""

    def on_console(message) -> None:  # playwright.sync_api.ConsoleMessage
        if message.type == "error":
            traffic.console_errors.append(f"{message.text} ({message.location.get('url')})")

    def on_response(response: Response) -> None:
        if response.status >= 400:
            traffic.failed.append(f"HTTP {response.status} {response.url}")

    def on_failed(request: Request) -> None:
        # Foreign requests are aborted on purpose (reported above). `net::ERR_ABORTED` is
        # the browser cancelling a request itself, e.g. the favicon still loading when the
        # test moves to the next page: a race, not a fault of the site (a missing or broken
        # file answers 404/500, which `on_response` records).
        if is_loopback(request.url) and request.failure != "net::ERR_ABORTED":
            traffic.failed.append(f"{request.failure} {request.url}")

    page.on("console", on_console)
    page.on("pageerror", lambda error: traffic.console_errors.append(f"uncaught: {error}"))
    page.on("response", on_response)
    page.on("requestfailed", on_failed)


@dataclass(frozen=True)
class Asset:
    """One response the browser loaded for a page."""

    url: str
    kind: str  # Playwright's resource type: document, script, stylesheet, fetch, image...
    size: int  # bytes of the body as transferred (gzipped when the server compressed it)
    decoded: int  # bytes of the body once decompressed


def _size(response: Response) -> int:
    """Body bytes received: the network's count, else Content-Length (worker scripts report 0)."""
    measured = response.request.sizes()["responseBodySize"]
    if measured:
        return measured
    declared = response.headers.get("content-length")
    return int(declared) if declared else len(response.body())


def _decoded(response: Response) -> int:
    """Body bytes after decompression (worker scripts cannot be read back: their transfer size)."""
    try:
        return len(response.body())
    except Error:
        return _size(response)


def page_assets(browser: Browser, url: str, viewport: dict[str, int] = DESKTOP) -> list[Asset]:
    """Load `url` in a fresh context (cold cache) until the network is idle: every response."""
    context = browser.new_context(viewport=viewport)
    guard(context)
    page = context.new_page()
    responses: list[Response] = []
    page.on("response", lambda response: responses.append(response))
    page.goto(url, wait_until="networkidle")
    assets = [Asset(r.url, r.request.resource_type, _size(r), _decoded(r)) for r in responses]
    context.close()
    return assets
