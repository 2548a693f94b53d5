"""runbooks/high-error-rate.md."""

from __future__ import annotations

from tests.runbooks.conftest import Run, all_ok, first_failure

SLUG = "high-error-rate"


def test_a_healthy_server_passes(run_checks: Run, healthy: dict) -> None:
    results = run_checks(SLUG, healthy)

    assert all_ok(results)
    assert results[-1].verdict.found == "release korrigo@01c1541 in production"


def test_a_server_without_release_fails(run_checks: Run, healthy: dict) -> None:
    environ = {k: v for k, v in healthy.items() if k != "GIT_COMMIT_SHA"}

    results = run_checks(SLUG, environ, release=None)

    assert first_failure(results)[0] == "release"
