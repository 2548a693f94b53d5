"""Fixtures shared by the command tests (the doc blocks' fixtures are in the root conftest)."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest
import sentry_sdk
from hypothesis import settings

from korrigo_sentry.testing import reset_scopes
from tests import loopback

# No per-example deadline for the property tests: Hypothesis' default (200 ms) is a timed
# assertion, and `make test` runs its stages side by side on two cores, where a slow example
# is the machine, not the code. Speed is measured in `make bench`.
settings.register_profile("korrigo", deadline=None)
settings.load_profile("korrigo")


@pytest.fixture
def clean_sentry_env(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Iterator[Path]:
    """No SENTRY_* variable or GIT_COMMIT_SHA from the outside, no .env (the working
    directory is an empty temporary one), and the SDK left as it was found."""
    for name in list(os.environ):
        if name.startswith("SENTRY_") or name == "GIT_COMMIT_SHA":
            monkeypatch.delenv(name)
    monkeypatch.chdir(tmp_path)
    yield tmp_path
    sentry_sdk.get_client().close(timeout=0)
    reset_scopes()


@pytest.fixture(scope="session")
def make_httpserver() -> Iterator[loopback.LoopbackServer]:
    """pytest-httpserver's one server per worker, on 127.0.0.1 (see tests/loopback.py)."""
    server = loopback.LoopbackServer()
    server.start()
    yield server
    server.stop()


@pytest.fixture
def httpserver(make_httpserver: loopback.LoopbackServer) -> Iterator[loopback.LoopbackServer]:
    """The worker's loopback HTTP server, emptied for this test (expectations, log).

    After the test: a request that no expectation matched, or a handler that raised, fails
    it (pytest-httpserver answers those with a 500 the code under test might take in stride).
    """
    make_httpserver.clear()
    yield make_httpserver
    make_httpserver.check()
