"""`make serve`, the README's first command, serves every page with live reload."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import time
import urllib.request
import xml.etree.ElementTree as ET
from collections.abc import Iterator
from urllib.parse import urlsplit

import pytest

from tests.doc_sources import ROOT

SITEMAP_NS = {"sm": "http://www.sitemaps.org/schemas/sitemap/0.9"}
START_TIMEOUT = 180  # seconds: the first build runs the pages' examples


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _get(url: str) -> tuple[int, str]:
    with urllib.request.urlopen(url, timeout=30) as response:  # loopback only
        return response.status, response.read().decode("utf-8")


@pytest.fixture(scope="module")
def served() -> Iterator[str]:
    """The base URL of a running `make serve` on a free loopback port."""
    address = f"127.0.0.1:{_free_port()}"
    server = subprocess.Popen(
        ["make", "--no-print-directory", "serve", f"SERVE_ADDR={address}"],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    base = f"http://{address}/korrigo-handbook/"
    try:
        deadline = time.monotonic() + START_TIMEOUT
        while True:
            try:
                _get(base)
                break
            except OSError:
                if server.poll() is not None or time.monotonic() > deadline:
                    output = server.stdout.read().decode() if server.stdout else ""
                    pytest.fail(f"make serve did not come up on {address}:\n{output[-3000:]}")
                time.sleep(0.5)
        yield base
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        server.wait(timeout=30)


def test_every_page_is_served(served: str) -> None:
    status, sitemap = _get(served + "sitemap.xml")
    assert status == 200
    locations = [
        loc.text or "" for loc in ET.fromstring(sitemap).iterfind("sm:url/sm:loc", SITEMAP_NS)
    ]
    assert len(locations) > 20
    for location in locations:
        path = urlsplit(location).path.removeprefix("/korrigo-handbook/")
        status, html = _get(served + path)
        assert status == 200, path
        assert "<article" in html, path


def test_pages_reload_live(served: str) -> None:
    _, html = _get(served)
    assert "livereload" in html
