"""runbooks/sentry-not-capturing-errors.md: its quick checks on a healthy and a broken server."""

from __future__ import annotations

import socket

from inline_snapshot import snapshot

from korrigo_sentry.testing import FakeTransport
from tests.relay_standin import Ingest
from tests.runbooks.conftest import Run, all_ok, first_failure
from tests.wording import placeholders

SLUG = "sentry-not-capturing-errors"


def test_a_healthy_server_passes_every_step(run_checks: Run, healthy: dict) -> None:
    results = run_checks(SLUG, healthy)

    assert all_ok(results), [(r.step.id, r.verdict) for r in results]
    assert [r.step.id for r in results] == ["dsn", "client", "sample-rate", "environment", "ingest"]


def test_no_dsn_fails_first_and_sends_to_no_dsn(run_checks: Run) -> None:
    results = run_checks(SLUG, {"SENTRY_ENVIRONMENT": "production"})

    assert first_failure(results)[0] == "dsn"
    assert first_failure(results)[1] == snapshot(
        "no DSN: SENTRY_DSN is unset or empty; nothing is sent"
    )
    assert "(#no-dsn)" in results[0].if_not
    assert all(r.verdict is None for r in results[1:])  # not run after the first failure


def test_errors_sampled_away_fail(run_checks: Run, healthy: dict) -> None:
    step, found = first_failure(run_checks(SLUG, {**healthy, "SENTRY_SAMPLE_RATE": "0"}))

    assert step == "sample-rate"
    assert found == snapshot("error sample rate: 0.0: every error event is dropped")


def test_an_unknown_environment_fails(run_checks: Run, healthy: dict) -> None:
    step, found = first_failure(run_checks(SLUG, {**healthy, "SENTRY_ENVIRONMENT": "prodd"}))

    assert step == "environment"
    assert found == snapshot(
        "SENTRY_ENVIRONMENT is 'prodd', not one of development, test, staging, production; Korrigo reports as 'production'"
    )


def test_the_ingest_down_fails_the_last_step(run_checks: Run, healthy: dict) -> None:
    with socket.socket() as closed:
        closed.bind(("127.0.0.1", 0))
        port = closed.getsockname()[1]
    dsn = f"http://a1b2c3d4e5f60718293a4b5c6d7e8f90@127.0.0.1:{port}/1"

    results = run_checks(SLUG, {**healthy, "SENTRY_DSN": dsn})

    step, found = first_failure(results)
    assert step == "ingest"
    assert placeholders(found) == snapshot(
        "The connection to 127.0.0.1:<port> was refused: nothing listens there, or a firewall rejects it."
    )
    assert "(sentry-not-capturing-errors.md#network-tls-or-proxy)" in results[-1].if_not


def test_a_wrong_key_fails_the_last_step_and_stores_nothing(
    run_checks: Run, healthy: dict, ingest: Ingest
) -> None:
    results = run_checks(SLUG, {**healthy, "SENTRY_DSN": ingest.dsn(key="f" * 32)})

    step, found = first_failure(results)
    assert step == "ingest"
    assert found == snapshot(
        'Sentry refused the event (HTTP 403: {"detail": "event submission rejected with_reason: ProjectId"}): the key is unknown, deleted or disabled, or the project does not accept events.'
    )
    assert "#sentry-answered-with-an-error" in results[-1].if_not
    assert ingest.received == []


# --- the page's CI-only proofs (issue 23: no visible block of assertions on a page) ---


def test_the_pages_ci_drill_1() -> None:
    """What the page says, proved (moved from sentry-not-capturing-errors.md, line 135)."""
    import sentry_sdk

    from korrigo_sentry.testing import TEST_DSN, sentry_capture

    with sentry_capture(environ={"SENTRY_DSN": TEST_DSN, "SENTRY_SAMPLE_RATE": "0"}) as muted:
        sentry_sdk.capture_message("this one is sampled away")
    assert muted.events == []


def test_the_pages_ci_drill_2(sentry: FakeTransport) -> None:
    """What the page says, proved (moved from sentry-not-capturing-errors.md, line 208)."""
    from sentry_sdk import capture_message

    capture_message("Sentry is configured correctly!", level="info")
    assert sentry.events[-1]["message"] == "Sentry is configured correctly!"
    assert sentry.events[-1]["level"] == "info"
