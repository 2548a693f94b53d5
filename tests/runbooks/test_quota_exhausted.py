"""runbooks/quota-exhausted.md: SENTRY_ENVIRONMENT=prodd fails the environment step."""

from __future__ import annotations

import pytest
from inline_snapshot import snapshot

from korrigo_sentry.testing import FakeTransport
from tests.runbooks.conftest import Run, all_ok, first_failure

SLUG = "quota-exhausted"


def test_a_healthy_server_passes(run_checks: Run, healthy: dict) -> None:
    assert all_ok(run_checks(SLUG, healthy))


def test_a_misspelt_environment_fails(run_checks: Run, healthy: dict) -> None:
    step, found = first_failure(run_checks(SLUG, {**healthy, "SENTRY_ENVIRONMENT": "prodd"}))

    assert step == "environment"
    assert found == snapshot(
        "SENTRY_ENVIRONMENT is 'prodd', not one of development, test, staging, production; Korrigo reports as 'production'"
    )


def test_a_traces_override_above_the_environment_rate_fails(run_checks: Run, healthy: dict) -> None:
    step, found = first_failure(run_checks(SLUG, {**healthy, "SENTRY_TRACES_SAMPLE_RATE": "1"}))

    assert step == "traces"
    assert found == snapshot("production: 100% of transactions traced, above production's 10%")


def test_traced_health_checks_fail(
    run_checks: Run, healthy: dict, monkeypatch: pytest.MonkeyPatch
) -> None:
    from korrigo_sentry import sdk_init

    monkeypatch.setattr(sdk_init, "make_traces_sampler", lambda *a: lambda context: 0.01)

    step, found = first_failure(run_checks(SLUG, healthy))

    assert step == "health-checks"
    assert found.startswith("traced: ")


# --- the page's CI-only proofs (issue 23: no visible block of assertions on a page) ---


def test_the_pages_ci_drill_1() -> None:
    """What the page says, proved (moved from quota-exhausted.md, line 89)."""
    import sentry_sdk

    from korrigo_sentry import privacy
    from korrigo_sentry.testing import TEST_DSN, sentry_capture

    class PrinterOffline(Exception):
        """A known, harmless failure (example)."""

    def drop_printer_offline(event, hint):
        exc_info = hint.get("exc_info")
        if exc_info and isinstance(exc_info[1], PrinterOffline):
            return None
        return privacy.before_send(event, hint)  # keep Korrigo's scrubber

    with sentry_capture(environ={"SENTRY_DSN": TEST_DSN}, before_send=drop_printer_offline) as t:
        for error in (PrinterOffline("tray 2"), ValueError("real bug")):
            try:
                raise error
            except Exception as exc:
                sentry_sdk.capture_exception(exc)
    kept = [e["exception"]["values"][-1]["type"] for e in t.events]
    assert kept == ["ValueError"]


def test_the_pages_ci_drill_2(sentry: FakeTransport) -> None:
    """What the page says, proved (moved from quota-exhausted.md, line 148)."""
    import demo

    app = demo.client()
    app.get(demo.HEALTH_PATH)
    assert sentry.transactions == []
    app.get("/boom/")
    assert [t["transaction"] for t in sentry.transactions] == ["/boom/"]
