"""runbooks/quota-exhausted.md: SENTRY_ENVIRONMENT=prodd fails the environment step."""

from __future__ import annotations

import pytest

from tests.runbooks.conftest import Run, all_ok, first_failure

SLUG = "quota-exhausted"


def test_a_healthy_server_passes(run_checks: Run, healthy: dict) -> None:
    assert all_ok(run_checks(SLUG, healthy))


def test_a_misspelt_environment_fails(run_checks: Run, healthy: dict) -> None:
    step, found = first_failure(run_checks(SLUG, {**healthy, "SENTRY_ENVIRONMENT": "prodd"}))

    assert step == "environment"
    assert found == (
        "SENTRY_ENVIRONMENT is 'prodd', not one of development, test, staging, production; "
        "Korrigo reports as 'production'"
    )


def test_a_traces_override_above_the_environment_rate_fails(run_checks: Run, healthy: dict) -> None:
    step, found = first_failure(run_checks(SLUG, {**healthy, "SENTRY_TRACES_SAMPLE_RATE": "1"}))

    assert step == "traces"
    assert found.startswith("production: 100% of transactions traced, above production's ")


def test_traced_health_checks_fail(
    run_checks: Run, healthy: dict, monkeypatch: pytest.MonkeyPatch
) -> None:
    from korrigo_sentry import sdk_init

    monkeypatch.setattr(sdk_init, "make_traces_sampler", lambda *a: lambda context: 0.01)

    step, found = first_failure(run_checks(SLUG, healthy))

    assert step == "health-checks"
    assert found.startswith("traced: ")
