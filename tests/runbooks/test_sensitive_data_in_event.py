"""runbooks/sensitive-data-in-event.md: a scrubber that does nothing fails; no DSN does not
send the reader to "Scrubber bypassed"."""

from __future__ import annotations

import pytest
from inline_snapshot import snapshot

from korrigo_sentry.testing import FakeTransport
from tests.runbooks.conftest import Run, all_ok, first_failure

SLUG = "sensitive-data-in-event"


def test_a_healthy_server_passes(run_checks: Run, healthy: dict) -> None:
    results = run_checks(SLUG, healthy)

    assert all_ok(results), [(r.step.id, r.verdict) for r in results]
    assert results[-1].verdict.found == "4 planted values, none left after before_send"


def test_a_scrubber_that_does_nothing_fails(
    run_checks: Run, healthy: dict, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The issue's case: Korrigo's hooks are installed, but the scrubbing does nothing."""
    from korrigo_sentry import privacy

    monkeypatch.setattr(privacy, "scrub_event", lambda event: event)

    step, found = first_failure(run_checks(SLUG, healthy))

    assert step == "filters"
    assert found == snapshot(
        "4 of 4 planted values left after before_send: hunter2-pw, Bearer-abc123-token, Alice Martin, alice@korrigo.example"
    )


def test_a_hook_replaced_by_a_do_nothing_one_fails_first(run_checks: Run, healthy: dict) -> None:
    results = run_checks(SLUG, healthy, before_send=lambda event, hint: event)

    assert first_failure(results) == ("scrubber", "not Korrigo's: before_send")
    assert "(#scrubber-bypassed)" in results[0].if_not


def test_no_dsn_does_not_send_the_reader_to_scrubber_bypassed(run_checks: Run) -> None:
    results = run_checks(SLUG, {"SENTRY_ENVIRONMENT": "production"})

    assert first_failure(results)[0] == "scrubber"
    assert "#scrubber-bypassed" not in results[0].if_not
    assert "server_name" in results[0].if_not


# --- the page's CI-only proofs (issue 23: no visible block of assertions on a page) ---


def test_the_pages_ci_drill_1(sentry: FakeTransport) -> None:
    """What the page says, proved (moved from sensitive-data-in-event.md, line 123)."""
    import demo

    demo.client().post("/login/", data={"username": "teacher.demo", "password": "hunter2-pw"})
    (event,) = sentry.events
    assert event["exception"]["values"][-1]["type"] == "LoginBackendError"
    assert b"hunter2-pw" not in sentry.wire
    assert demo.user.email.encode() not in sentry.wire
