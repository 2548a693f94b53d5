"""The hooks of logs, metrics and streamed spans, called as the SDK calls them.

Each hook gets the item as sentry-sdk 2.7x builds it before batching (`Log`, `Metric`
and `SpanJSON` in `sentry_sdk/_types.py`: attribute values still plain Python values)
and an empty hint, and returns what the SDK will serialise. The envelope pass walks the
batches again on the wire (`test_unit_envelope_batches`); these tests read the hooks
alone, so a hook that stops scrubbing fails here even though the second pass would still
catch most of it. The skeletons are what leaves when a rule raises: the tag
`korrigo.scrubbing: failed` is what on-call searches for (the privacy page).
"""

from __future__ import annotations

from typing import Any

import pytest
import sentry_sdk

from korrigo_sentry import privacy
from korrigo_sentry.privacy import guard, telemetry
from korrigo_sentry.testing import sentry_capture

SECRET = "eleve.durand@lycee.example.fr"
F = "[Filtered]"
VISA = 4111111111111111  # the Visa test number every payment provider publishes
TRACE = "771a43a4192642f0b136d5159a501700"
SPAN = "b0e6f15b45c36b12"
FAILED = {"korrigo.scrubbing": "failed"}


def _raise(*args: Any, **kwargs: Any) -> None:
    raise ValueError("a rule met a value it did not expect")


def _log(**changes: Any) -> dict[str, Any]:
    log = {
        "severity_text": "info", "severity_number": 9, "time_unix_nano": 1765000000000000000,
        "trace_id": TRACE, "span_id": SPAN, "body": f"mailed {SECRET}",
        "attributes": {"sentry.message.template": "mailed {who}", "sentry.severity_number": 9},
    }  # fmt: skip
    log.update(changes)
    return log


# --- logs ------------------------------------------------------------------------------------


def test_a_log_s_body_and_attributes_are_scrubbed_its_sdk_attributes_kept() -> None:
    attributes = {
        "sentry.message.template": "mailed {who}",  # the SDK's own text: still read
        "sentry.message.parameter.who": SECRET,
        "sentry.severity_number": 9,
        "sentry.sdk.version": "2.76.0",
        "student_email": SECRET,  # a denied key, whatever its value
        "copies": 7,
        "cards": [VISA, 3],
        "status": f"sent to {SECRET}",  # an event's structural key, here user data
        7: f"to {SECRET}",  # a key that is not a string: named by its type
    }
    out = privacy.before_send_log(_log(attributes=attributes), {})
    assert out == {
        "severity_text": "info", "severity_number": 9, "time_unix_nano": 1765000000000000000,
        "trace_id": TRACE, "span_id": SPAN, "body": f"mailed {F}",
        "attributes": {
            "sentry.message.template": "mailed {who}",
            "sentry.message.parameter.who": F,
            "sentry.severity_number": 9,
            "sentry.sdk.version": "2.76.0",
            "student_email": F,
            "copies": 7,
            "cards": [F, 3],
            "status": f"sent to {F}",
            "int": f"to {F}",
        },
    }  # fmt: skip


def test_an_sdk_attribute_holding_text_is_read_like_any_other() -> None:
    # `sentry.*` numbers are the SDK's own state; a `sentry.*` string can quote Korrigo's
    # values (the log's parameters are `sentry.message.parameter.*`).
    out = privacy.before_send_log(_log(attributes={"sentry.origin": f"from {SECRET}"}), {})
    assert out["attributes"] == {"sentry.origin": f"from {F}"}


def test_a_log_without_body_or_attributes_keeps_that_shape() -> None:
    log = _log()
    del log["body"]
    log["attributes"] = None
    out = privacy.before_send_log(log, {})
    assert "body" not in out
    assert out["attributes"] == {}
    assert guard.FAILURES == {}


def test_a_log_body_that_is_a_mapping_keeps_no_denied_value() -> None:
    # The SDK sends `str()` of whatever the hook returns as the body: a mapping handed
    # over by another hook must not carry a password through it.
    out = privacy.before_send_log(_log(body={"password": "hunter2", "exam": "7"}), {})
    assert out["body"] == {"password": F, "exam": "7"}


def test_a_failing_log_rule_sends_its_level_time_and_ids_only(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(telemetry, "scrub_node", _raise)
    out = privacy.before_send_log(_log(), {})
    assert out == {
        "severity_text": "info", "severity_number": 9, "time_unix_nano": 1765000000000000000,
        "trace_id": TRACE, "span_id": SPAN, "body": "[korrigo.scrubbing failed]",
        "attributes": FAILED,
    }  # fmt: skip
    assert guard.FAILURES == {"before_send_log": 1}


def test_a_log_skeleton_copies_no_value_that_is_not_a_scalar() -> None:
    assert telemetry.log_skeleton({"severity_text": ["x"], "trace_id": None}) == {
        "body": "[korrigo.scrubbing failed]", "attributes": FAILED,
    }  # fmt: skip
    assert telemetry.log_skeleton(None) == {
        "body": "[korrigo.scrubbing failed]", "attributes": FAILED,
    }  # fmt: skip


# --- metrics ---------------------------------------------------------------------------------


def _metric(**changes: Any) -> dict[str, Any]:
    metric = {
        "timestamp": 1765000000.5, "trace_id": TRACE, "span_id": SPAN, "name": "copies.graded",
        "type": "counter", "value": 7, "unit": None, "attributes": {"exam": 7},
    }  # fmt: skip
    metric.update(changes)
    return metric


def test_a_metric_keeps_its_measurement_and_loses_what_its_attributes_quote() -> None:
    out = privacy.before_send_metric(
        _metric(name=f"mailed/{SECRET}", attributes={"student_email": SECRET, "exam": 7}), {}
    )
    assert out == {
        "timestamp": 1765000000.5, "trace_id": TRACE, "span_id": SPAN, "name": f"mailed/{F}",
        "type": "counter", "value": 7, "unit": None,
        "attributes": {"student_email": F, "exam": 7},
    }  # fmt: skip


@pytest.mark.parametrize("value", [VISA, float(VISA)])
def test_a_card_number_sent_as_a_value_is_zeroed_and_says_so(value: float) -> None:
    out = privacy.before_send_metric(_metric(type="gauge", value=value, attributes={}), {})
    assert out["value"] == 0
    assert out["attributes"] == {"korrigo.filtered": "value"}


@pytest.mark.parametrize("value", [4111111111111111.5, 2.5, 0, True])
def test_a_measurement_that_is_no_card_number_is_kept(value: float) -> None:
    # 4111111111111111.5 is not a whole number: no card is written with a fraction.
    out = privacy.before_send_metric(_metric(type="distribution", value=value), {})
    assert out["value"] == value
    assert out["attributes"] == {"exam": 7}


def test_a_metric_without_a_value_is_passed_on_unchanged() -> None:
    # The SDK always sets one; another hook may not have: no rule invents a value.
    out = privacy.before_send_metric(_metric(value=None), {})
    assert out["value"] is None
    assert guard.FAILURES == {}


def test_a_failing_metric_rule_keeps_the_measurement_not_the_attributes(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(telemetry, "scrub_node", _raise)
    out = privacy.before_send_metric(
        _metric(unit="second", attributes={"student_email": SECRET}), {}
    )
    assert out == {
        "timestamp": 1765000000.5, "trace_id": TRACE, "span_id": SPAN, "type": "counter",
        "value": 7, "unit": "second", "name": "korrigo.scrubbing_failed", "attributes": FAILED,
    }  # fmt: skip
    assert guard.FAILURES == {"before_send_metric": 1}


def test_a_metric_skeleton_is_a_valid_counter_even_from_nothing() -> None:
    # Relay refuses a metric without a type or a value: the skeleton has both.
    assert telemetry.metric_skeleton(None) == {
        "name": "korrigo.scrubbing_failed", "value": 0, "type": "counter", "attributes": FAILED,
    }  # fmt: skip
    assert telemetry.metric_skeleton({"type": "gauge", "value": 2.5}) == {
        "type": "gauge", "value": 2.5, "name": "korrigo.scrubbing_failed", "attributes": FAILED,
    }  # fmt: skip


# --- streamed spans --------------------------------------------------------------------------


def _span(**changes: Any) -> dict[str, Any]:
    span = {
        "trace_id": TRACE, "span_id": SPAN, "name": f"GET /students/{SECRET}/",
        "status": "ok", "is_segment": True, "start_timestamp": 1765000000.0,
        "end_timestamp": 1765000000.25,
        "attributes": {"sentry.op": "http.server", "http.query": f"email={SECRET}", "n": 2,
                       "sentry.segment.id": SPAN},  # the segment's id: links the spans
    }  # fmt: skip
    span.update(changes)
    return span


def test_a_streamed_span_s_name_and_attributes_are_scrubbed() -> None:
    out = privacy.before_send_span(_span(), {})
    assert out == {
        "trace_id": TRACE, "span_id": SPAN, "name": f"GET /students/{F}/",
        "status": "ok", "is_segment": True, "start_timestamp": 1765000000.0,
        "end_timestamp": 1765000000.25,
        "attributes": {"sentry.op": "http.server", "http.query": f"email={F}", "n": 2,
                       "sentry.segment.id": SPAN},
    }  # fmt: skip


def test_a_span_without_a_name_or_attributes_gets_none_invented() -> None:
    span = _span()
    del span["name"], span["attributes"]
    out = privacy.before_send_span(span, {})
    assert "name" not in out
    assert out["attributes"] == {}
    assert guard.FAILURES == {}


def test_a_failing_span_rule_sends_the_tagged_skeleton(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(telemetry, "scrub_node", _raise)
    out = privacy.before_send_span(_span(), {})
    assert out == {"name": "<korrigo.scrubbing failed>", "attributes": FAILED}
    assert guard.FAILURES == {"before_send_span": 1}


def test_the_span_hook_is_installed_only_when_spans_are_streamed() -> None:
    # sentry-sdk warns about `before_send_span` unless `trace_lifecycle="stream"`.
    with sentry_capture(trace_lifecycle="stream"):
        assert sentry_sdk.get_client().options["before_send_span"] is privacy.before_send_span
    with sentry_capture():
        assert sentry_sdk.get_client().options.get("before_send_span") is None


def test_a_span_name_that_is_a_mapping_keeps_no_denied_value() -> None:
    out = privacy.before_send_span(_span(name={"token": "s3cr3t", "route": "/exams/"}), {})
    assert out["name"] == {"token": F, "route": "/exams/"}
