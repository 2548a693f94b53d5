"""FakeTransport and sentry_capture: what a test reads is what would be sent."""

from __future__ import annotations

import json

import sentry_sdk

from korrigo_sentry.testing import FakeTransport, sentry_capture


def test_events_are_parsed_from_the_serialized_bytes(sentry: FakeTransport) -> None:
    sentry_sdk.capture_message("hello")
    (raw,) = sentry.payloads
    _header, item_header, body = raw.split(b"\n", 2)
    assert json.loads(item_header)["type"] == "event"
    assert json.loads(body)["message"] == "hello"
    assert sentry.events == [json.loads(body)]
    assert sentry.wire == raw


def test_transactions_are_separate_from_events(sentry: FakeTransport) -> None:
    with (
        sentry_sdk.start_transaction(name="/exams/", op="http.server"),
        sentry_sdk.start_span(op="db", name="SELECT 1"),
    ):
        pass
    assert sentry.events == []
    (transaction,) = sentry.transactions
    assert transaction["transaction"] == "/exams/"
    assert [s["op"] for s in transaction["spans"]] == ["db"]


def test_clear_forgets_everything(sentry: FakeTransport) -> None:
    sentry_sdk.capture_message("one")
    assert [e["message"] for e in sentry.events] == ["one"]  # something to forget
    sentry.clear()
    assert (sentry.events, sentry.envelopes, sentry.payloads) == ([], [], [])


def test_scopes_do_not_leak_between_captures() -> None:
    with sentry_capture():
        sentry_sdk.set_tag("leaky", "yes")
        sentry_sdk.set_user({"id": 1})
        sentry_sdk.add_breadcrumb(message="old crumb")
        sentry_sdk.get_current_scope().set_transaction_name("old-name")
    with sentry_capture() as second:
        sentry_sdk.capture_message("fresh")
    (event,) = second.events
    assert "leaky" not in event.get("tags", {})
    assert "user" not in event
    assert event.get("breadcrumbs", {}).get("values", []) == []
    assert event.get("transaction") != "old-name"


def test_client_is_inactive_after_capture() -> None:
    with sentry_capture():
        assert sentry_sdk.get_client().is_active()
    assert not sentry_sdk.get_client().is_active()


def test_sentry_init_fixture_reinitialises(sentry_init) -> None:
    first = sentry_init()
    second = sentry_init(environment="staging")
    sentry_sdk.capture_message("x")
    assert first.events == []
    assert second.events[0]["environment"] == "staging"


def _tagging(name: str):
    def processor(event, _hint):
        event.setdefault("tags", {})[name] = "leaked"
        return event

    return processor


def test_event_and_error_processors_do_not_leak_between_captures() -> None:
    """What one test adds to the SDK's processing is gone for the next one."""
    with sentry_capture() as first:
        for scope in (
            sentry_sdk.get_global_scope(),
            sentry_sdk.get_isolation_scope(),
            sentry_sdk.get_current_scope(),
        ):
            scope.add_event_processor(_tagging("scope_processor"))
            scope.add_error_processor(
                lambda event, _exc_info: _tagging("error_processor")(event, {})
            )
        sentry_sdk.scope.add_global_event_processor(_tagging("global_processor"))
        sentry_sdk.capture_exception(ValueError("in the first test"))
    # The processors ran in the test that added them: they are real, and tag what they see.
    assert set(first.events[0]["tags"]) >= {
        "scope_processor",
        "error_processor",
        "global_processor",
    }
    with sentry_capture() as second:
        sentry_sdk.capture_exception(ValueError("in the next test"))
        sentry_sdk.capture_message("and a message")
    planted = {"scope_processor", "error_processor", "global_processor"}
    assert [planted & set(event.get("tags", {})) for event in second.events] == [set(), set()]
    # What the SDK's integrations add through their own global processors is still added.
    for event in second.events:
        assert "sentry-sdk" in event["modules"]  # ModulesIntegration
        assert event["contexts"]["runtime"]["name"] == "CPython"  # StdlibIntegration


def test_each_envelope_is_kept_as_sent_beside_its_bytes(sentry: FakeTransport) -> None:
    sentry_sdk.capture_message("kept")
    (envelope,) = sentry.envelopes
    assert envelope.serialize() == sentry.payloads[0]
    assert envelope.get_event()["message"] == "kept"
