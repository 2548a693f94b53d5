"""Logs, metrics and streamed spans: the attribute-based items, before they are batched.

sentry-sdk 2.75 sends Sentry logs (`enable_logs`), metrics (`enable_metrics`, on by
default) and, with `trace_lifecycle="stream"`, spans one by one. None of them goes
through `before_send`: each has its own hook (`before_send_log`, `before_send_metric`,
`before_send_span`), called with the item as a dict. Their free text (a log's body, a
span's name) goes through the text detectors, their attributes through the key rules
and detectors like an event's `extra`.
"""

from __future__ import annotations

from typing import Any

from korrigo_sentry.privacy.event import scrub_node
from korrigo_sentry.privacy.guard import FAILED_TAG, FAILED_VALUE, pick
from korrigo_sentry.privacy.keys import is_denied
from korrigo_sentry.privacy.rule import FILTERED, Rule
from korrigo_sentry.privacy.text import scrub_text

#: Attributes the SDK itself sets from its own state (SDK name and version, release,
#: environment, trace ids, the logger's template): code and configuration, not data.
_SDK_ATTRIBUTE_PREFIX = "sentry."


def _attributes(attributes: object) -> dict[str, Any]:
    if not isinstance(attributes, dict):
        return {}
    out: dict[str, Any] = {}
    for key, value in attributes.items():
        name = str.__str__(key) if isinstance(key, str) else str(type(key).__name__)
        if is_denied(name):
            out[name] = FILTERED
        elif name.startswith(_SDK_ATTRIBUTE_PREFIX) and type(value) is not str:
            out[name] = value
        else:
            out[name] = scrub_node(value, name, True)
    return out


def scrub_log(log: dict[str, Any]) -> dict[str, Any]:
    """A Sentry log record: its body through the detectors, its attributes like `extra`."""
    body = log.get("body")
    if body is not None:
        log["body"] = scrub_node(
            body,
            "body",  # pragma: no mutate (in neither _STRUCTURAL nor _IDS, as None is not)
            True,
        )
    log["attributes"] = _attributes(log.get("attributes"))
    return log


def scrub_metric(metric: dict[str, Any]) -> dict[str, Any]:
    """A metric: its name is code (kept, detectors applied), attributes like `extra`.

    The value is a measurement; a card number sent as a gauge is filtered to 0 (the type
    must stay a number) and the attribute `korrigo.filtered` says so.
    """
    name = metric.get("name")
    if isinstance(name, str):
        metric["name"] = scrub_text(str.__str__(name))
    metric["attributes"] = _attributes(metric.get("attributes"))
    value = metric.get("value")
    whole = isinstance(value, int | float) and not isinstance(value, bool)
    if whole and float(value).is_integer() and scrub_node(int(value)) == FILTERED:  # type: ignore[arg-type]
        metric["value"] = 0
        metric["attributes"]["korrigo.filtered"] = "value"
    return metric


def scrub_span(span: dict[str, Any]) -> dict[str, Any]:
    """A streamed span (`trace_lifecycle="stream"`): its name and attributes."""
    name = span.get("name")
    if name is not None:
        span["name"] = scrub_node(
            name,
            "name",  # pragma: no mutate (in neither _STRUCTURAL nor _IDS, as None is not)
            True,
        )
    span["attributes"] = _attributes(span.get("attributes"))
    return span


def log_skeleton(log: object) -> dict[str, Any]:
    """A log whose scrubbing failed: its level, time and trace ids, no text."""
    out = pick(log, ("severity_text", "severity_number", "time_unix_nano", "trace_id",
                      "span_id"))  # fmt: skip
    out["body"] = f"[{FAILED_TAG} {FAILED_VALUE}]"
    out["attributes"] = {FAILED_TAG: FAILED_VALUE}
    return out


def metric_skeleton(metric: object) -> dict[str, Any]:
    """A metric whose scrubbing failed: name, type, value, unit and time, no attributes."""
    out = pick(metric, ("timestamp", "trace_id", "span_id", "type", "value", "unit"))
    out["name"] = "korrigo.scrubbing_failed"
    out.setdefault("value", 0)
    out.setdefault("type", "counter")
    out["attributes"] = {FAILED_TAG: FAILED_VALUE}
    return out


def span_skeleton(span: object) -> dict[str, Any]:
    """A streamed span whose scrubbing failed: the SDK keeps only name and attributes."""
    return {"name": f"<{FAILED_TAG} {FAILED_VALUE}>", "attributes": {FAILED_TAG: FAILED_VALUE}}


RULES: list[Rule] = [
    Rule("log_records", "place", "Sentry logs (`before_send_log`): the body through the "
         "text detectors, attributes through the key rules and detectors",
         "a log line is free text written by Korrigo's code, with its parameters"),
    Rule("metrics", "place", "metrics (`before_send_metric`, on by default in sentry-sdk "
         "2.75): attributes as above; a value shaped like a card number is zeroed",
         "attributes are free key-value pairs: a tag named `student` is one"),
    Rule("streamed_spans", "place", "spans sent one by one (`before_send_span`): name "
         "and attributes as above", "a span's name can quote a route or a query"),
]  # fmt: skip
