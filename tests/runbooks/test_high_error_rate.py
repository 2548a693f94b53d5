"""runbooks/high-error-rate.md."""

from __future__ import annotations

from korrigo_sentry.testing import FakeTransport
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


# --- the page's CI-only proofs (issue 23: no visible block of assertions on a page) ---


def test_the_pages_ci_drill_1(sentry: FakeTransport) -> None:
    """What the page says, proved (moved from high-error-rate.md, line 75)."""
    import demo

    demo.ocr_copy.delay(7)  # the demo's OCR task always fails, as when the engine is down
    event = sentry.events[-1]
    assert event["transaction"] == "exams.tasks.process_single_document"
    assert event["tags"]["celery_task_id"]
    assert event["extra"]["celery-job"]["task_name"] == "exams.tasks.process_single_document"
    assert event["exception"]["values"][-1]["mechanism"]["type"] == "celery"


def test_the_pages_ci_drill_2() -> None:
    """What the page says, proved (moved from high-error-rate.md, line 214)."""
    import demo
    from korrigo_sentry.alerts import get_rule
    from korrigo_sentry.alerts.evaluate import evaluate, metric_notifications
    from korrigo_sentry.testing import TEST_DSN, sentry_capture

    rule = get_rule("high-error-rate")
    production = {"SENTRY_DSN": TEST_DSN, "SENTRY_ENVIRONMENT": rule.environment}
    burst = int(rule.threshold) + 1

    with sentry_capture(environ=production) as captured:
        app = demo.client()
        for _ in range(burst):
            assert app.get("/boom/").status_code == 500
        errors = captured.events

    assert len(errors) == burst
    assert evaluate(rule, errors).fired
    assert not evaluate(rule, errors[1:]).fired
    assert [n.status for n in metric_notifications(rule, errors)] == ["high", "resolved"]
