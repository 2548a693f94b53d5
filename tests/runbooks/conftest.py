"""Each runbook's quick checks, run as the `check` command runs them: Sentry initialised
through `init_sentry` from an environment, then the steps of `korrigo_sentry.oncall.checks`.

A healthy server is a production one whose DSN points at `tests.relay_standin`, so the
step that asks Sentry's ingest about the key is answered as Relay would.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

import pytest
from pytest_httpserver import HTTPServer

from korrigo_sentry import init_sentry
from korrigo_sentry.oncall import checks
from korrigo_sentry.oncall.doctor import isolated_sdk
from tests.relay_standin import Ingest, standin

Run = Callable[..., list[checks.Result]]


@pytest.fixture
def ingest(httpserver: HTTPServer) -> Ingest:
    return standin(httpserver)


@pytest.fixture
def healthy(ingest: Ingest) -> dict[str, str]:
    return {
        "SENTRY_DSN": ingest.dsn(),
        "SENTRY_ENVIRONMENT": "production",
        "GIT_COMMIT_SHA": "01c1541",
    }


@pytest.fixture
def run_checks() -> Run:
    """`run_checks(slug, environ, **init_overrides)`: the results, in order."""

    def run(slug: str, environ: Mapping[str, str], **overrides: Any) -> list[checks.Result]:
        book = checks.get(slug)
        with isolated_sdk():
            init_sentry(environ=dict(environ), **overrides)
            return checks.run(book, checks.Here(dict(environ), timeout=5))

    return run


def first_failure(results: list[checks.Result]) -> tuple[str, str]:
    """(step id, what it found) of the first failed step."""
    failed = next(r for r in results if r.verdict is not None and not r.verdict.ok)
    assert failed.verdict is not None
    return failed.step.id, failed.verdict.found


def all_ok(results: list[checks.Result]) -> bool:
    return bool(results) and all(r.ok for r in results)
