"""runbooks/performance-degradation.md."""

from __future__ import annotations

from tests.runbooks.conftest import Run, all_ok, first_failure

SLUG = "performance-degradation"


def test_a_healthy_server_passes(run_checks: Run, healthy: dict) -> None:
    results = run_checks(SLUG, healthy)

    assert all_ok(results)
    assert results[0].verdict.found.startswith("p95(span.duration) above ")


def test_no_dsn_fails_the_traces_step(run_checks: Run) -> None:
    step, found = first_failure(run_checks(SLUG, {"SENTRY_ENVIRONMENT": "production"}))

    assert (step, found) == ("traces", "no DSN: no transaction is sent")
