"""`make serve`, the README's first command, serves every page with live reload.

It serves a copy of the repository (with this checkout's virtualenv), so the tests can edit
a page or a runbook and watch the served site change.
"""

from __future__ import annotations

import os
import shutil
import signal
import socket
import subprocess
import time
import urllib.request
import xml.etree.ElementTree as ET
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlsplit

import pytest

from tests.doc_sources import ROOT
from tests.test_site_support import copy_repo

# Serves and rebuilds the whole site: make check leaves it to make test.
pytestmark = pytest.mark.slow

SITEMAP_NS = {"sm": "http://www.sitemaps.org/schemas/sitemap/0.9"}
START_TIMEOUT = 180  # seconds: the first build runs the pages' examples
RELOAD_TIMEOUT = 120  # seconds: a save triggers a rebuild of the whole site
VENV = ROOT / ".venv"


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _get(url: str) -> tuple[int, str]:
    with urllib.request.urlopen(url, timeout=30) as response:  # loopback only
        return response.status, response.read().decode("utf-8")


@pytest.fixture(scope="module")
def project(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A copy of the repository that `make serve` serves and the tests edit."""
    copy = copy_repo(tmp_path_factory.mktemp("serve") / "handbook")
    for name in ("Makefile", "pyproject.toml"):
        shutil.copy2(ROOT / name, copy / name)
    return copy


@pytest.fixture(scope="module")
def served(project: Path) -> Iterator[str]:
    """The base URL of a running `make serve` on a free loopback port."""
    address = f"127.0.0.1:{_free_port()}"
    env = {**os.environ, "PYTHONPATH": str(project)}  # the copy's code, not the checkout's
    env.pop("SENTRY_DSN", None)
    # -o: the virtualenv is this checkout's, already installed; never reinstall it.
    make = ["make", "--no-print-directory", "-o", str(VENV / ".installed"), f"VENV={VENV}"]
    server = subprocess.Popen(
        [*make, "serve", f"SERVE_ADDR={address}"],
        cwd=project,
        env=env,
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
                time.sleep(POLL)
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


#: Seconds between two looks at the served page: a loopback GET costs a few ms, and a
#: rebuild ends at any moment.
POLL = 0.2


def _served_after_edit(url: str, expected: str) -> str:
    """The page at `url` once it shows `expected` (the rebuild after a save takes a while)."""
    deadline = time.monotonic() + RELOAD_TIMEOUT
    while True:
        _, html = _get(url)
        if expected in html or time.monotonic() > deadline:
            return html
        time.sleep(POLL)


def test_an_edited_page_is_served_again(served: str, project: Path) -> None:
    _, html = _get(served)
    assert "livereload" in html  # the script that reloads the browser tab
    marker = "Edited while make serve was running."
    assert marker not in html
    page = project / "docs" / "index.md"
    page.write_text(page.read_text(encoding="utf-8") + f"\n{marker}\n", encoding="utf-8")
    assert marker in _served_after_edit(served, marker)


def test_a_runbook_edit_updates_the_command_line_transcript(served: str, project: Path) -> None:
    """The transcript is cached across builds: the cache must see the checks change."""
    from korrigo_sentry.oncall import checks

    slug = "sentry-not-capturing-errors"
    url = served + "runbooks/command-line/"
    title = checks.get(slug).steps[0].title.rstrip(".")
    _, before = _get(url)
    assert f"{title}." in before  # the transcript shows the first check's title
    edited = f"{title}, edited under serve"
    page = project / "korrigo_sentry" / "oncall" / "checks" / f"{slug.replace('-', '_')}.py"
    text = page.read_text(encoding="utf-8")
    assert title in text
    page.write_text(text.replace(title, edited, 1), encoding="utf-8")
    assert f"{edited}." in _served_after_edit(url, f"{edited}.")


def test_a_runbook_edit_reaches_the_printable_page(served: str, project: Path) -> None:
    """The printable page's own file does not change, only what its macro writes: the
    conversion kept from the previous build (handbook/render_cache.py) must not be served."""
    marker = "Edited in a runbook while make serve was running."
    url = served + "runbooks/print/"
    _, before = _get(url)
    assert marker not in before
    page = project / "runbooks" / "critical-errors.md"
    page.write_text(page.read_text(encoding="utf-8") + f"\n{marker}\n", encoding="utf-8")
    assert marker in _served_after_edit(url, marker)
