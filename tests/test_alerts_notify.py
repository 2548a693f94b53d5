"""Which changes of an issue an alert tells, by its triggers (Sentry's workflow triggers).

Sentry's create-alerts documentation names the triggers "A new issue is created"
(`first_seen_event`) and "The issue changes state from resolved to unresolved"
(`regression_event`); an alert with triggers runs only on those changes. A metric
monitor keeps one issue: its first opening is a new issue, each later one a regression.
"""

from __future__ import annotations

from korrigo_sentry.alerts.evaluate import (
    grouping_key,
    issue_notifications,
    metric_notifications,
    timestamp,
)
from tests.alerts_support import variant
from tests.test_alerts_evaluate import burst, error, window


def _told(rule_triggers: list[str]) -> list[tuple[str, float, str | None]]:
    rule = variant("high-error-rate", triggers=rule_triggers, filters=[])
    first, second = burst(0, 11), burst(3 * window(), 11)
    t0 = timestamp(first[0]["timestamp"])
    return [(n.status, n.at - t0, n.issue) for n in metric_notifications(rule, first + second)]


def test_a_regression_trigger_tells_the_second_opening_only() -> None:
    rule = variant("high-error-rate", triggers=["regression_event"], filters=[])
    assert _told(["regression_event"]) == [("high", 3 * window() + 10, rule.monitor.id)]


def test_a_first_seen_trigger_tells_the_first_opening_only() -> None:
    rule = variant("high-error-rate", triggers=["first_seen_event"], filters=[])
    assert _told(["first_seen_event"]) == [("high", 10.0, rule.monitor.id)]


def test_each_new_issue_is_told_past_repeats_of_an_earlier_one() -> None:
    rule = variant("critical-errors")
    events = [error(0, kind="KeyError"), error(30, kind="KeyError"), error(60, kind="TypeError")]
    sent = issue_notifications(rule, events)
    assert [(n.status, n.issue) for n in sent] == [
        ("new-issue", grouping_key(events[0])),
        ("new-issue", grouping_key(events[2])),
    ]
