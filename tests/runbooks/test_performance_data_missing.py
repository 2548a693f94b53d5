"""runbooks/performance-data-missing.md."""

from __future__ import annotations

from tests.runbooks.conftest import Run, all_ok, first_failure

SLUG = "performance-data-missing"


def test_a_healthy_server_passes(run_checks: Run, healthy: dict) -> None:
    assert all_ok(run_checks(SLUG, healthy))


def test_tracing_off_fails(run_checks: Run, healthy: dict) -> None:
    step, found = first_failure(run_checks(SLUG, {**healthy, "SENTRY_TRACES_SAMPLE_RATE": "0"}))

    assert (step, found) == ("traces", "production: 0% of transactions traced: tracing is off")


def test_no_django_integration_fails(run_checks: Run, healthy: dict) -> None:
    results = run_checks(SLUG, healthy, integrations=[], default_integrations=False)

    assert first_failure(results)[0] == "django"
