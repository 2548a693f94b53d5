"""The words the pages are rendered with, against literal expected text.

Expected strings are written as a reader should read them, never read back from the
constants of `korrigo_sentry`: a filter that says "every 1 hour", a panel that shows a
trace id, a table that drops a rate, each fails here.
"""

from __future__ import annotations

import re

import pytest

import macros
from korrigo_sentry.alerts import get_monitor
from korrigo_sentry.alerts.rules import AlertRule
from tests.alerts_support import variant


@pytest.mark.parametrize(
    ("minutes", "text"),
    [
        (1, "every minute"),
        (5, "every 5 minutes"),
        (15, "every 15 minutes"),
        (60, "every hour"),
        (90, "every 90 minutes"),
        (120, "every 2 hours"),
        (1440, "every day"),
        (10080, "every 7 days"),
    ],
)
def test_every(minutes: int, text: str) -> None:
    assert macros.every(minutes) == text


@pytest.mark.parametrize(
    ("value", "text"),
    [
        (1, "1 minute"),
        (5, "5 minutes"),
        (10, "10 minutes"),
        (60, "1 hour"),
        (180, "3 hours"),
        (1440, "1 day"),
        (2880, "2 days"),
    ],
)
def test_minutes(value: int, text: str) -> None:
    assert macros.minutes(value) == text


@pytest.mark.parametrize(
    ("rate", "text"),
    [
        (0.0, "0%"),
        (0.001, "0.1%"),
        (0.07, "7%"),  # 0.07 * 100 is 7.000000000000001 in floating point
        (0.1, "10%"),
        (0.29, "29%"),  # 28.999999999999996
        (0.5, "50%"),
        (0.025, "2.5%"),
        (0.333, "33.3%"),
        (1.0, "100%"),
    ],
)
def test_percent(rate: float, text: str) -> None:
    assert macros.percent(rate) == text


@pytest.mark.parametrize(("number", "text"), [(5000, "5,000"), (50000000, "50,000,000"), (7, "7")])
def test_thousands(number: int, text: str) -> None:
    assert macros.thousands(number) == text


def test_the_rates_table() -> None:
    """The Sampling and cost page's table, as the handbook states Korrigo's rates."""
    assert macros.rates_table().splitlines() == [
        "| Environment | Transactions traced | `traces_sampler` returns |",
        "|---|---|---|",
        "| `development` (default) | 100% | `1.0` |",
        "| `test` | 100% | `1.0` |",
        "| `staging` | 50% | `0.5` |",
        "| `production` | 10% | `0.1` |",
    ]


#: The seed's alerts with their numbers set here, so the sentences below do not follow
#: alerts.yaml's values: a new-issue alert, a count, a 95th percentile, an uptime check.
NEW_ISSUE = variant("critical-errors", frequency_minutes=0)
COUNT = variant("high-error-rate", {"above": 10, "window_seconds": 300}, frequency_minutes=0)
P95 = variant(
    "performance-degradation",
    {"above": 2000, "resolve_at_or_below": 2000, "window_seconds": 3600, "priority": "medium"},
)
DOWN = variant(
    "korrigo-down",
    {"url": "https://example.test/api/health/live/", "interval_seconds": 300},
    frequency_minutes=30,
)


@pytest.mark.parametrize(
    ("rule", "text"),
    [
        (NEW_ISSUE, "a new issue is created (on its first event)"),
        (COUNT, "more than 10 errors in 5 minutes"),
        (
            variant("high-error-rate", {"above": 2.5, "resolve_at_or_below": 2}),
            "more than 2.5 errors in 5 minutes",
        ),
        (P95, "`p95(span.duration)` above 2000 ms over 1 hour"),
        (
            DOWN,
            "the check of `/api/health/live/` fails (a GET every 5 minutes, an outage issue opens)",
        ),
    ],
)
def test_alert_condition(rule: AlertRule, text: str) -> None:
    """What opens the issue, in the alert tables and runbooks."""
    assert macros.alert_condition(rule) == text


@pytest.mark.parametrize(
    ("rule", "notifies", "repeats"),
    [
        (
            NEW_ISSUE,
            "on the first event of each new issue; later events of that issue start "
            "nothing, and another new issue notifies on its own (no throttling)",
            "no throttling",
        ),
        (
            COUNT,
            "when the monitor opens its issue (priority high) and again when the issue "
            "resolves, never while it stays open (no throttling)",
            "no throttling",
        ),
        (
            variant("performance-degradation", frequency_minutes=60),
            "when the monitor opens its issue (priority medium) and again when the issue "
            "resolves, never while it stays open (at most every hour per issue)",
            "at most every hour per issue",
        ),
        (
            DOWN,
            "when an outage opens the monitor's issue, and when a later outage reopens it "
            "(at most every 30 minutes per issue)",
            "at most every 30 minutes per issue",
        ),
    ],
)
def test_alert_notifies_and_repeats(rule: AlertRule, notifies: str, repeats: str) -> None:
    """The runbook's "Who is told" sentence and the alerts table's Throttling column."""
    assert macros.alert_notifies(rule) == notifies
    assert macros.alert_repeats(rule) == repeats


@pytest.mark.parametrize(
    ("rule", "text"),
    [
        (COUNT, "[10|5 minutes|0 minutes]"),
        (DOWN, "[||30 minutes]"),  # an uptime alert has no threshold and no window
        (
            variant("high-error-rate", {"above": 0, "resolve_at_or_below": 0}),
            "[0|5 minutes|0 minutes]",
        ),
        (variant("performance-degradation", {"above": 2000.5}), "[2000.5|1 hour|0 minutes]"),
    ],
)
def test_alert_rationale_fills_each_placeholder(rule: AlertRule, text: str) -> None:
    rule = rule.model_copy(update={"rationale": "[{threshold}|{window}|{frequency}]"})
    assert macros.alert_rationale(rule) == text


@pytest.mark.parametrize(
    ("monitor_id", "text"),
    [
        ("errors", "an error event that matches no existing issue (Sentry's grouping)"),
        ("error-count", "errors over 5 minutes above 10 (priority high); resolves at or below 10"),
        (  # a duration: its limits in ms (alerts.yaml: window_seconds 3600, above 2000)
            "slow-requests",
            "`p95(span.duration)` over 1 hour above 2000 ms (priority medium); "
            "resolves at or below 2000 ms",
        ),
        (
            "korrigo-live",
            "a GET of `https://korrigo.labomaths.tn/api/health/live/` every minute fails "
            "(timeout 10 s)",
        ),
    ],
)
def test_monitor_opens(monitor_id: str, text: str) -> None:
    """The Monitors table's "Opens an issue when" column, on the shipped monitors."""
    assert macros.monitor_opens(get_monitor(monitor_id)) == text


EXAMPLE = """\
import logging
import sentry_sdk

def grade(copy_id, score):
    total = score / 0
    return total

with sentry_sdk.start_transaction(name="grade-copies", op="task"):
    with sentry_sdk.start_span(op="db", name="SELECT copy"):
        sentry_sdk.set_tag("exam", "maths-2026")
        logging.getLogger("korrigo.grading").warning("grading copy %s", 7)
        try:
            grade(7, 12)
        except ZeroDivisionError as error:
            sentry_sdk.capture_exception(error)
"""

#: What the panel of EXAMPLE shows: the event inside a transaction and a span, whose ids
#: (event, trace, span) and times are masked or left out; two frames, no line numbers.
PANEL = """\
??? example "What Sentry receives"

    Captured while this page was built: the example above ran with Korrigo's \
configuration and a fake transport, and this is the event it sent, trimmed to what \
matters: the last 2 stack frames, the last 3 breadcrumbs, no SDK metadata, module list \
or runtime contexts; ids and times masked.

    ```json
    {
      "event_id": "<event_id>",
      "timestamp": "<timestamp>",
      "level": "error",
      "exception": {
        "values": [
          {
            "mechanism": {
              "type": "generic",
              "handled": true
            },
            "type": "ZeroDivisionError",
            "value": "division by zero",
            "stacktrace": {
              "frames": [
                {
                  "function": "<module>",
                  "module": "__main__",
                  "context_line": "            grade(7, 12)"
                },
                {
                  "function": "grade",
                  "module": "__main__",
                  "context_line": "    total = score / 0",
                  "vars": {
                    "copy_id": "7",
                    "score": "12"
                  }
                }
              ]
            }
          }
        ]
      },
      "transaction": "grade-copies",
      "tags": {
        "exam": "maths-2026"
      },
      "breadcrumbs": {
        "values": [
          {
            "type": "log",
            "level": "warning",
            "category": "korrigo.grading",
            "message": "grading copy 7",
            "timestamp": "<timestamp>",
            "data": {}
          }
        ]
      },
      "environment": "test",
      "release": "korrigo@0123abc"
    }
    ```"""

HEX_ID = re.compile(r"\b[0-9a-f]{16}(?:[0-9a-f]{16})?\b")


def test_a_what_sentry_receives_panel() -> None:
    event = macros.capture_example(EXAMPLE)["event"][-1]
    assert HEX_ID.search(str(event["contexts"]["trace"]))  # the ids are there to be masked
    assert macros.receives_panel(event) == PANEL


def test_nested_ids_are_masked_wherever_they_are() -> None:
    event = {
        "event_id": "a" * 32,
        "level": "info",
        "message": "nested",
        "extra": {"job": {"trace_id": "b" * 32, "span_id": "c" * 16, "parent_span_id": "d" * 16}},
        "breadcrumbs": {"values": [{"message": "m", "data": {"span_id": "e" * 16}}]},
        "contexts": {"trace": {"trace_id": "f" * 32}, "celery": {"celery_task_id": "g1"}},
    }
    shown = macros.trim_event(event)
    assert shown == {
        "event_id": "<event_id>",
        "level": "info",
        "message": "nested",
        "contexts": {"celery": {"celery_task_id": "<celery_task_id>"}},
        "extra": {
            "job": {
                "trace_id": "<trace_id>",
                "span_id": "<span_id>",
                "parent_span_id": "<parent_span_id>",
            }
        },
        "breadcrumbs": {"values": [{"message": "m", "data": {"span_id": "<span_id>"}}]},
    }
