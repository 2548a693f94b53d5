"""The words the pages are rendered with, against literal expected text.

Expected strings are written as a reader should read them, never read back from the
constants of `korrigo_sentry`: a filter that says "every 1 hour", a panel that shows a
trace id, a table that drops a rate, each fails here.
"""

from __future__ import annotations

import dataclasses
import re

import pytest

import macros
from korrigo_sentry.alerts import get_rule
from korrigo_sentry.alerts.rules import AlertRule


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
    [(1, "1 minute"), (10, "10 minutes"), (60, "1 hour"), (180, "3 hours"), (2880, "2 days")],
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


#: The three seed rules with their numbers set here, so the sentences below do not follow
#: alerts.yaml's values: an issue rule on new issues, a count, and a 95th percentile.
NEW_ISSUE = dataclasses.replace(get_rule("critical-errors"), frequency_minutes=5)
COUNT = dataclasses.replace(get_rule("high-error-rate"), threshold=10, window_minutes=5)
P95 = dataclasses.replace(get_rule("performance-degradation"), threshold=2000, window_minutes=60)
#: critical-errors as Sentry's "an issue is seen more than 100 times in 1h" condition.
BURST = dataclasses.replace(
    NEW_ISSUE,
    condition="event_frequency",
    aggregate="count()",
    threshold=100,
    unit="events",
    comparison="above",
    window_minutes=60,
)


@pytest.mark.parametrize(
    ("rule", "text"),
    [
        (NEW_ISSUE, "a new issue is created (on its first event)"),
        (COUNT, "more than 10 events in 5 minutes"),
        (dataclasses.replace(COUNT, comparison="below"), "fewer than 10 events in 5 minutes"),
        (dataclasses.replace(COUNT, threshold=2.5), "more than 2.5 events in 5 minutes"),
        (BURST, "more than 100 events in 1 hour"),
        (P95, "`p95(transaction.duration)` above 2000 ms over 1 hour"),
        (
            dataclasses.replace(P95, comparison="below", threshold=300, window_minutes=15),
            "`p95(transaction.duration)` below 300 ms over 15 minutes",
        ),
    ],
)
def test_alert_condition(rule: AlertRule, text: str) -> None:
    """The trigger sentence of the alert tables and runbooks."""
    assert macros.alert_condition(rule) == text


#: How an issue rule repeats: per issue, after its action interval; another issue on its own.
PER_ISSUE = "per issue: another issue notifies on its own"
#: How a metric rule repeats: on a change of state only.
ON_CHANGE = (
    "and again when it resolves, never while it stays in one state "
    "(a metric alert has no action interval)"
)


@pytest.mark.parametrize(
    ("rule", "notifies", "repeats"),
    [
        (
            NEW_ISSUE,
            "on the first event of each new issue, then at most once every 5 minutes "
            f"(Sentry's shortest) {PER_ISSUE}",
            "per issue, at most every 5 minutes",
        ),
        (
            dataclasses.replace(BURST, frequency_minutes=60),
            f"on each issue that meets the condition, then at most once every hour {PER_ISSUE}",
            "per issue, at most every hour",
        ),
        (COUNT, f"when the rule turns critical {ON_CHANGE}", "on a change of state"),
        (
            dataclasses.replace(COUNT, warning_threshold=5),
            f"when the rule turns critical or warning {ON_CHANGE}",
            "on a change of state",
        ),
    ],
)
def test_alert_notifies_and_repeats(rule: AlertRule, notifies: str, repeats: str) -> None:
    """The runbook's "Who is told" sentence and the alerts table's Repeats column."""
    assert macros.alert_notifies(rule) == notifies
    assert macros.alert_repeats(rule) == repeats


@pytest.mark.parametrize(
    ("rule", "text"),
    [
        (COUNT, "[10|5 minutes|]"),  # a metric rule has no action interval
        (NEW_ISSUE, "[||5 minutes]"),  # a first-seen rule has no threshold and no window
        (dataclasses.replace(COUNT, threshold=0), "[0|5 minutes|]"),  # 0 is a threshold
        (dataclasses.replace(P95, threshold=2000.5), "[2000.5|1 hour|]"),
    ],
)
def test_alert_rationale_fills_each_placeholder(rule: AlertRule, text: str) -> None:
    rule = dataclasses.replace(rule, rationale="[{threshold}|{window}|{frequency}]")
    assert macros.alert_rationale(rule) == text


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
