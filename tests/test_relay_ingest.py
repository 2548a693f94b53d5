"""FakeTransport judges every event as Sentry's ingest (Relay) would."""

from __future__ import annotations

import json
import sys
from typing import Any

import pytest
import sentry_sdk

from korrigo_sentry.testing import FakeTransport, sentry_capture
from korrigo_sentry.testing.relay import RelayViolation, check_item
from korrigo_sentry.testing.relay.checks import unreported_violations

pytest_plugins = ["pytester"]


def _break_level(event: dict[str, Any], hint: dict[str, Any]) -> dict[str, Any]:
    event["level"] = "catastrophic"  # not one of Sentry's levels
    return event


def test_an_event_relay_flags_fails_naming_the_field(monkeypatch: pytest.MonkeyPatch) -> None:
    # The scrubber is replaced: a command line holding e.g. "auth" (sent as extra sys.argv)
    # would be a second finding. Only the broken level may be found.
    monkeypatch.setattr(sys, "argv", ["pytest"])
    with sentry_capture(before_send=_break_level) as sentry:
        sentry_sdk.capture_message("grading failed")
    with pytest.raises(RelayViolation, match=r"level: invalid_data - invalid level") as raised:
        _ = sentry.events
    assert [v.kind for v in raised.value.violations] == ["ingest"]


def test_an_unknown_top_level_attribute_is_flagged() -> None:
    def add_attribute(event: dict[str, Any], hint: dict[str, Any]) -> dict[str, Any]:
        event["copy_grade"] = 12  # Sentry drops attributes its protocol does not know
        return event

    with sentry_capture(before_send=add_attribute) as sentry:
        sentry_sdk.capture_message("x")
    with pytest.raises(RelayViolation, match=r"copy_grade: invalid_attribute"):
        _ = sentry.events


def test_a_transaction_without_trace_context_is_refused() -> None:
    raw = json.dumps({"type": "transaction", "transaction": "/x/", "timestamp": 2.0,
                      "start_timestamp": 1.0}).encode()  # fmt: skip
    (violation,) = check_item(raw, "transaction", privacy_floor=False)
    assert "refused: invalid transaction event: missing valid trace context" in str(violation)


def test_what_the_sdk_sends_passes_untouched(sentry: FakeTransport) -> None:
    sentry_sdk.capture_message("fine")
    with (
        sentry_sdk.start_transaction(name="/exams/", op="http.server"),
        sentry_sdk.start_span(op="db", name="SELECT 1"),
    ):
        pass
    assert len(sentry.events) == 1
    assert len(sentry.transactions) == 1
    assert sentry.relay is not None
    assert sentry.relay.violations == []


def test_relay_off_is_the_plain_fake() -> None:
    with sentry_capture(transport=FakeTransport(relay=False), before_send=_break_level) as sent:
        sentry_sdk.capture_message("x")
    assert sent.events[0]["level"] == "catastrophic"
    assert unreported_violations() == []


@pytest.mark.slow  # make check leaves it to make test
def test_a_violation_nobody_reads_fails_the_test_at_teardown(
    pytester: pytest.Pytester, monkeypatch: pytest.MonkeyPatch
) -> None:
    pytester.makepyfile(
        """
        import sentry_sdk

        def test_sends_a_bad_level(sentry_init):
            def bad(event, hint):
                event["level"] = "catastrophic"
                return event

            sentry_init(before_send=bad)
            sentry_sdk.capture_message("x")  # never reads sentry.events
        """
    )
    # The plugin is opt-in, as a host project's suite would load it; it is the only plugin
    # loaded (this venv's others, Playwright's and Hypothesis' among them, took 2 CPU s to
    # import for a test that uses none of them).
    monkeypatch.setenv("PYTEST_DISABLE_PLUGIN_AUTOLOAD", "1")
    plugin = "korrigo_sentry.testing.pytest_plugin"
    result = pytester.runpytest_subprocess("-p", plugin)
    result.assert_outcomes(passed=1, errors=1)
    result.stdout.fnmatch_lines(["*RelayViolation*", "*level: invalid_data - invalid level*"])
