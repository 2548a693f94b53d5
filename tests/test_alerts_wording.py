"""How the pages word an alert rule: literal sentences, as a reader should read them."""

from __future__ import annotations

import dataclasses

import macros
from korrigo_sentry.alerts import get_rule

RATE = dataclasses.replace(get_rule("high-error-rate"), threshold=10, window_minutes=5)
SLOW = dataclasses.replace(get_rule("performance-degradation"), threshold=2000, window_minutes=60)
NEW = dataclasses.replace(get_rule("critical-errors"), frequency_minutes=5)


def test_a_count_rule_says_more_than_never_at_least() -> None:
    assert macros.alert_condition(RATE) == "more than 10 events in 5 minutes"
    below = dataclasses.replace(RATE, comparison="below")
    assert macros.alert_condition(below) == "fewer than 10 events in 5 minutes"


def test_a_percentile_rule_states_aggregate_threshold_and_window() -> None:
    assert macros.alert_condition(SLOW) == "`p95(transaction.duration)` above 2000 ms over 1 hour"


def test_a_first_seen_rule_fires_on_the_first_event_of_a_new_issue() -> None:
    assert macros.alert_condition(NEW) == "a new issue is created (on its first event)"


def test_an_issue_rule_repeats_per_issue() -> None:
    assert macros.alert_notifies(NEW) == (
        "on the first event of each new issue, then at most once every 5 minutes "
        "(Sentry's shortest) per issue: another issue notifies on its own"
    )
    assert macros.alert_repeats(NEW) == "per issue, at most every 5 minutes"


def test_a_metric_rule_notifies_on_a_change_of_state_with_no_interval() -> None:
    assert macros.alert_notifies(RATE) == (
        "when the rule turns critical and again when it resolves, never while it stays "
        "in one state (a metric alert has no action interval)"
    )
    warned = dataclasses.replace(RATE, warning_threshold=5)
    assert macros.alert_notifies(warned).startswith("when the rule turns critical or warning ")
    assert macros.alert_repeats(RATE) == "on a change of state"


def test_a_rationale_is_filled_from_its_rule() -> None:
    rule = dataclasses.replace(RATE, rationale="more than {threshold} inside {window}")
    assert macros.alert_rationale(rule) == "more than 10 inside 5 minutes"
