"""runbooks/celery-failures-not-reported.md, in the worker's container."""

from __future__ import annotations

from tests.runbooks.conftest import Run, all_ok, first_failure

SLUG = "celery-failures-not-reported"


def test_a_healthy_worker_passes(run_checks: Run, healthy: dict) -> None:
    assert all_ok(run_checks(SLUG, healthy))


def test_a_worker_without_dsn_fails(run_checks: Run) -> None:
    assert first_failure(run_checks(SLUG, {}))[0] == "dsn"


def test_a_worker_without_the_celery_integration_fails(run_checks: Run, healthy: dict) -> None:
    step, found = first_failure(
        run_checks(SLUG, healthy, integrations=[], default_integrations=False)
    )

    assert step == "celery"
    assert found.startswith("no celery integration")
