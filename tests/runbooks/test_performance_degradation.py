"""runbooks/performance-degradation.md."""

from __future__ import annotations

from inline_snapshot import snapshot

from tests.runbooks.conftest import Run, all_ok, first_failure

SLUG = "performance-degradation"


def test_a_healthy_server_passes(run_checks: Run, healthy: dict) -> None:
    results = run_checks(SLUG, healthy)

    assert all_ok(results)
    assert results[0].verdict.found.startswith("p95(span.duration) above ")


def test_no_dsn_fails_the_traces_step(run_checks: Run) -> None:
    step, found = first_failure(run_checks(SLUG, {"SENTRY_ENVIRONMENT": "production"}))

    assert step == "traces"
    assert found == snapshot("no DSN: no transaction is sent")


# --- the page's CI-only proofs (issue 23: no visible block of assertions on a page) ---


def test_the_pages_ci_drill_1() -> None:
    """What the page says, proved (moved from performance-degradation.md, line 95)."""
    from datetime import UTC, datetime, timedelta

    import sentry_sdk

    import demo
    from korrigo_sentry.alerts import get_rule
    from korrigo_sentry.alerts.evaluate import evaluate, metric_notifications
    from korrigo_sentry.testing import TEST_DSN, sentry_capture

    rule = get_rule("performance-degradation")
    production = {
        "SENTRY_DSN": TEST_DSN,
        "SENTRY_ENVIRONMENT": rule.environment,
        "SENTRY_TRACES_SAMPLE_RATE": "1",  # the drill needs every transaction
    }

    def slow_request(milliseconds):
        start = datetime.now(UTC)
        transaction = sentry_sdk.start_transaction(
            name="/exams/{exam_id}/grade/", op="http.server", start_timestamp=start
        )
        transaction.finish(end_timestamp=start + timedelta(milliseconds=milliseconds))

    with sentry_capture(environ=production) as captured:
        exam = demo.make_exam()
        app = demo.client()
        for _ in range(19):
            app.get(f"/exams/{exam.id}/")
        normal = list(captured.transactions)
        assert not evaluate(rule, normal).fired
        slow_request(rule.threshold * 2)
        assert not evaluate(rule, captured.transactions).fired  # 1 in 20 is not the P95
        slow_request(rule.threshold * 2)
        result = evaluate(rule, captured.transactions)

    assert result.fired
    assert result.value > rule.threshold
    told = metric_notifications(rule, captured.transactions)
    assert [n.status for n in told][:1] == [rule.monitor.priority]
