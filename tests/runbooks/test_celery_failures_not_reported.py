"""runbooks/celery-failures-not-reported.md, in the worker's container."""

from __future__ import annotations

from korrigo_sentry.testing import FakeTransport
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


# --- the page's CI-only proofs (issue 23: no visible block of assertions on a page) ---


def test_the_pages_ci_drill_1(sentry: FakeTransport) -> None:
    """What the page says, proved (moved from celery-failures-not-reported.md, line 74)."""
    import demo

    response = demo.client().post("/copies/7/ocr/")
    assert response.status_code == 200  # the request itself succeeds
    (event,) = sentry.events
    error = event["exception"]["values"][-1]
    assert error["type"] == "OCREngineError"
    assert error["mechanism"] == {"type": "celery", "handled": False}
    assert event["transaction"] == "exams.tasks.process_single_document"


def test_the_pages_ci_drill_2(sentry: FakeTransport) -> None:
    """What the page says, proved (moved from celery-failures-not-reported.md, line 111)."""
    import demo

    result = demo.ocr_copy.delay(3)
    assert result.state == "FAILURE"
    assert [e["transaction"] for e in sentry.events] == ["exams.tasks.process_single_document"]
