"""runbooks/critical-errors.md."""

from __future__ import annotations

import pytest
from inline_snapshot import snapshot

from tests.runbooks.conftest import Run, all_ok, first_failure

SLUG = "critical-errors"


def test_a_healthy_server_passes(run_checks: Run, healthy: dict) -> None:
    results = run_checks(SLUG, healthy)

    assert all_ok(results)
    assert results[0].verdict.found.startswith("first_seen_event on monitor ")
    assert results[0].verdict.found.endswith(" (error) in production")


def test_a_changed_rule_fails(
    run_checks: Run, healthy: dict, monkeypatch: pytest.MonkeyPatch
) -> None:
    from korrigo_sentry import alerts

    real = alerts.get_rule("critical-errors")
    changed = real.model_copy(update={"triggers": ("regression_event",)})
    monkeypatch.setattr(alerts, "get_rule", lambda rule_id: changed)

    assert first_failure(run_checks(SLUG, healthy))[0] == "rule"


def test_sampled_errors_fail(run_checks: Run, healthy: dict) -> None:
    step, found = first_failure(run_checks(SLUG, {**healthy, "SENTRY_SAMPLE_RATE": "0.5"}))

    assert step == "sample-rate"
    assert found == snapshot(
        "error sample rate: 0.5, below Korrigo's 1.0: a new issue may go unseen"
    )


# --- the page's CI-only proofs (issue 23: no visible block of assertions on a page) ---


def test_the_pages_ci_drill_1() -> None:
    """What the page says, proved (moved from critical-errors.md, line 91)."""
    import demo
    from korrigo_sentry.alerts import get_rule
    from korrigo_sentry.alerts.evaluate import evaluate, issue_notifications
    from korrigo_sentry.testing import TEST_DSN, sentry_capture

    rule = get_rule("critical-errors")
    production = {"SENTRY_DSN": TEST_DSN, "SENTRY_ENVIRONMENT": rule.environment}

    with sentry_capture(environ=production) as captured:
        app = demo.client()
        app.get("/boom/")
        app.get("/boom/")
        app.get("/db-error/")
        first, repeat, other = captured.events

    assert evaluate(rule, [first]).fired
    assert not evaluate(rule, [repeat], history=[first]).fired
    assert evaluate(rule, [other], history=[first, repeat]).fired
    told = issue_notifications(rule, [first, repeat, other])
    assert [n.status for n in told] == ["new-issue", "new-issue"]
