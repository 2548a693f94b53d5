"""How the pages word an alert: literal sentences, as a reader should read them."""

from __future__ import annotations

import macros
from tests.alerts_support import variant

RATE = variant("high-error-rate", {"above": 10, "window_seconds": 300})
SLOW = variant("performance-degradation", {"above": 2000, "window_seconds": 3600})
NEW = variant("critical-errors", frequency_minutes=0)


def test_a_count_monitor_says_more_than_never_at_least() -> None:
    assert macros.alert_condition(RATE) == "more than 10 errors in 5 minutes"


def test_a_percentile_monitor_states_aggregate_threshold_and_window() -> None:
    assert macros.alert_condition(SLOW) == "`p95(span.duration)` above 2000 ms over 1 hour"


def test_a_new_issue_alert_fires_on_the_first_event_of_a_new_issue() -> None:
    assert macros.alert_condition(NEW) == "a new issue is created (on its first event)"


def test_throttling_is_worded_per_issue() -> None:
    assert macros.alert_throttle(NEW) == "no throttling"
    assert macros.alert_throttle(variant("korrigo-down", frequency_minutes=1440)) == (
        "at most every day per issue"
    )
    assert macros.alert_throttle(variant("korrigo-down", frequency_minutes=5)) == (
        "at most every 5 minutes per issue"
    )


def test_a_rationale_is_filled_from_its_alert() -> None:
    rule = RATE.model_copy(update={"rationale": "more than {threshold} inside {window}"})
    assert macros.alert_rationale(rule) == "more than 10 inside 5 minutes"
