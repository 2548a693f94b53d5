"""The local evaluator: window edges, thresholds, first-seen grouping, P95, throttling.

Expected behaviour is Sentry's, as its sources state it (quoted in evaluate.py): a metric
monitor opens strictly above its line and resolves at or below its resolve line; an
alert's throttling holds back a run on the same issue until strictly more than
`frequency` minutes have passed, never a run on another issue.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
import sentry_sdk
from inline_snapshot import snapshot

from korrigo_sentry.alerts import get_rule
from korrigo_sentry.alerts.evaluate import (
    Evaluation,
    aggregate,
    duration_ms,
    evaluate,
    event_type,
    grouping_key,
    issue_notifications,
    metric_notifications,
    timestamp,
)
from korrigo_sentry.alerts.rules import AlertRule
from korrigo_sentry.testing import FakeTransport
from tests.alerts_support import variant

T0 = datetime(2026, 1, 5, 9, 0, tzinfo=UTC)
RATE = get_rule("high-error-rate")
NEW_ISSUE = get_rule("critical-errors")
SLOW = get_rule("performance-degradation")


def with_monitor(rule: AlertRule, **changes: Any) -> AlertRule:
    """`rule` whose monitor has `changes`, unchecked (values the YAML models refuse)."""
    copy = rule.model_copy()
    copy._monitors = (rule.monitor.model_copy(update=changes),)
    return copy


def _iso(moment: datetime) -> str:
    return moment.isoformat().replace("+00:00", "Z")


def error(seconds: float = 0, kind: str = "ValueError", function: str = "view") -> dict[str, Any]:
    """An error event shaped as the SDK sends it."""
    frame = {"module": "korrigo.views", "function": function, "in_app": True}
    return {
        "timestamp": _iso(T0 + timedelta(seconds=seconds)),
        "environment": "production",
        "level": "error",
        "exception": {"values": [{"type": kind, "stacktrace": {"frames": [frame]}}]},
    }


def transaction(ms: float, seconds: float = 0) -> dict[str, Any]:
    start = T0 + timedelta(seconds=seconds)
    return {
        "type": "transaction",
        "environment": "production",
        "start_timestamp": _iso(start),
        "timestamp": _iso(start + timedelta(milliseconds=ms)),
    }


def window() -> float:
    assert RATE.window_minutes is not None
    return RATE.window_minutes * 60.0


def threshold() -> int:
    assert RATE.threshold is not None
    return int(RATE.threshold)


# --- count() over a window ------------------------------------------------------------------


def test_empty_input_never_fires() -> None:
    for rule in (RATE, NEW_ISSUE, SLOW):
        result = evaluate(rule, [])
        assert not result.fired
        assert result.matched == 0


def test_one_more_than_the_threshold_within_the_window_fires() -> None:
    events = [error(i) for i in range(threshold() + 1)]
    result = evaluate(RATE, events)
    assert result.fired
    assert result.value == threshold() + 1


def test_reaching_the_threshold_exactly_does_not_fire() -> None:
    result = evaluate(RATE, [error(i) for i in range(threshold())])
    assert not result.fired
    assert result.value == RATE.threshold


def test_events_exactly_one_window_apart_are_in_different_windows() -> None:
    # threshold events at t0 (in one burst), and one more exactly a window later
    events = [error(0) for _ in range(threshold())] + [error(window())]
    assert not evaluate(RATE, events).fired


def test_events_just_inside_the_window_count_together() -> None:
    events = [error(0) for _ in range(threshold())] + [error(window() - 0.001)]
    assert evaluate(RATE, events).fired


def test_the_busiest_window_is_reported_wherever_it_is() -> None:
    spread = [error(i * window()) for i in range(5)]  # one per window
    burst = [error(10 * window() + i) for i in range(threshold() + 1)]
    result = evaluate(RATE, spread + burst)
    assert result.fired
    assert result.window_start == burst[0]["timestamp"]


def test_order_of_input_does_not_matter() -> None:
    events = [error(i) for i in range(threshold() + 1)]
    assert evaluate(RATE, list(reversed(events))).fired


def test_other_environments_and_messages_do_not_count() -> None:
    staging = [dict(error(i), environment="staging") for i in range(threshold() + 1)]
    assert not evaluate(RATE, staging).fired
    assert evaluate(RATE, staging, check_environment=False).fired
    messages = [
        {k: v for k, v in error(i).items() if k != "exception"} for i in range(threshold() + 1)
    ]
    assert event_type(messages[0]) == "default"
    assert not evaluate(RATE, messages).fired


def test_transactions_never_count_as_errors() -> None:
    assert not evaluate(RATE, [transaction(10, i) for i in range(threshold() + 1)]).fired


def test_an_unknown_query_is_refused_rather_than_ignored() -> None:
    rule = with_monitor(RATE, query="level:fatal")
    with pytest.raises(ValueError, match="level:fatal"):
        evaluate(rule, [error()])


# --- first seen -------------------------------------------------------------------------


def test_a_new_issue_fires_and_a_repeat_does_not() -> None:
    first, repeat = error(0), error(60)
    assert evaluate(NEW_ISSUE, [first]).new_issues == (grouping_key(first),)
    assert evaluate(NEW_ISSUE, [first])
    assert not evaluate(NEW_ISSUE, [repeat], history=[first])
    assert evaluate(NEW_ISSUE, [first, repeat]).new_issues == (grouping_key(first),)


def test_another_exception_type_or_place_is_another_issue() -> None:
    first = error(0)
    assert evaluate(NEW_ISSUE, [error(1, kind="KeyError")], history=[first])
    assert evaluate(NEW_ISSUE, [error(1, function="other_view")], history=[first])


def test_messages_group_by_template_and_fingerprints_win() -> None:
    one = {"timestamp": _iso(T0), "logentry": {"message": "OCR failed for %s", "params": ["1"]}}
    two = {"timestamp": _iso(T0), "logentry": {"message": "OCR failed for %s", "params": ["2"]}}
    assert grouping_key(one) == grouping_key(two)
    a, b = dict(error(), fingerprint=["ocr"]), dict(error(kind="KeyError"), fingerprint=["ocr"])
    assert grouping_key(a) == grouping_key(b)
    assert grouping_key(dict(error(), fingerprint=["{{ default }}"])) == grouping_key(error())


# --- p95 --------------------------------------------------------------------------------


def test_duration_is_computed_from_the_timestamps() -> None:
    assert duration_ms(transaction(1234.5)) == pytest.approx(1234.5, abs=0.01)
    assert timestamp(T0) == timestamp(_iso(T0)) == T0.timestamp()


def test_p95_above_the_threshold_fires_and_at_it_does_not() -> None:
    assert SLOW.threshold is not None
    limit = SLOW.threshold
    assert evaluate(SLOW, [transaction(limit + 1)]).fired
    assert not evaluate(SLOW, [transaction(limit)]).fired


def test_one_slow_request_in_twenty_does_not_move_the_p95_past_the_threshold() -> None:
    assert SLOW.threshold is not None
    fast = [transaction(SLOW.threshold / 20, i) for i in range(19)]
    one_slow = [*fast, transaction(SLOW.threshold * 2, 19)]
    assert not evaluate(SLOW, one_slow).fired
    two_slow = [*fast[1:], transaction(SLOW.threshold * 2, 18), transaction(SLOW.threshold * 2)]
    assert evaluate(SLOW, two_slow).fired


def test_p95_matches_the_inclusive_percentile_definition() -> None:
    # 0..100 ms: the 95th percentile of 101 evenly spaced values is 95 ms exactly
    values = [transaction(ms) for ms in range(101)]
    assert aggregate(SLOW, values) == pytest.approx(95.0, abs=0.01)


def test_slow_transactions_an_hour_apart_are_separate_windows() -> None:
    assert SLOW.threshold is not None
    assert SLOW.window_minutes is not None
    gap = SLOW.window_minutes * 60 + 19  # the window at the slow one starts after the last fast
    fast = [transaction(1, i) for i in range(19)]
    slow_later = transaction(SLOW.threshold * 3, gap)
    result = evaluate(SLOW, [*fast, slow_later])
    assert result.fired  # the later window holds only the slow one
    assert result.window_start == slow_later["timestamp"]


# --- with events captured by the SDK itself ---------------------------------------------------


def test_events_as_the_fake_transport_records_them(sentry: FakeTransport) -> None:
    for _ in range(threshold() + 1):
        try:
            {}["missing"]
        except KeyError as exc:
            sentry_sdk.capture_exception(exc)
    events = sentry.events
    assert len({grouping_key(e) for e in events}) == 1
    assert evaluate(RATE, events, check_environment=False).fired
    assert not evaluate(RATE, events).fired  # captured in `test`, the rule watches production


# --- grouping of chained exceptions and of whole stack traces -------------------------------


def _frames(*functions: str) -> list[dict[str, Any]]:
    return [{"module": "korrigo.views", "function": f, "in_app": True} for f in functions]


def chained(cause: str, raised: str = "GradingError", frames: tuple[str, ...] = ("grade",)) -> dict:
    """`raise GradingError from <cause>`: Sentry lists the cause first, the raised one last."""
    return {
        "timestamp": _iso(T0),
        "environment": "production",
        "exception": {
            "values": [
                {"type": cause, "stacktrace": {"frames": _frames("ocr")}},
                {"type": raised, "stacktrace": {"frames": _frames(*frames)}},
            ]
        },
    }


def test_the_same_error_with_another_cause_is_another_issue() -> None:
    assert grouping_key(chained("TimeoutError")) != grouping_key(chained("KeyError"))
    assert grouping_key(chained("KeyError")) == grouping_key(chained("KeyError"))
    assert evaluate(NEW_ISSUE, [chained("KeyError")], history=[chained("TimeoutError")])


def test_the_same_innermost_frame_reached_from_another_caller_is_another_issue() -> None:
    via_api = chained("KeyError", frames=("api_view", "grade"))
    via_admin = chained("KeyError", frames=("admin_view", "grade"))
    assert grouping_key(via_api) != grouping_key(via_admin)


def test_library_frames_do_not_split_an_issue() -> None:
    base = chained("KeyError")
    with_library = chained("KeyError")
    frames = with_library["exception"]["values"][-1]["stacktrace"]["frames"]
    frames.insert(0, {"module": "django.core.handlers", "function": "inner", "in_app": False})
    assert grouping_key(base) == grouping_key(with_library)


# --- notifications: when Sentry tells someone ------------------------------------------------


def burst(start: float, count: int) -> list[dict[str, Any]]:
    return [error(start + i) for i in range(count)]


def test_a_metric_alert_critical_for_several_windows_notifies_once_then_resolves() -> None:
    # one error every 10 s for four windows: every window holds far more than the threshold
    steady = [error(i * 10) for i in range(int(4 * window() / 10))]
    sent = metric_notifications(RATE, steady)
    assert [n.status for n in sent] == ["high", "resolved"]
    assert sent[0].value == threshold() + 1  # on the event that crossed it
    # it resolves when the window is back to the threshold: the (threshold+1)-th event from
    # the end leaves the window, not when the window is empty
    assert sent[1].at == timestamp(steady[-threshold() - 1]["timestamp"]) + window()
    assert sent[1].value == threshold()


def test_a_second_burst_after_the_resolve_fires_again() -> None:
    first = burst(0, threshold() + 1)
    second = burst(3 * window(), threshold() + 1)
    sent = metric_notifications(RATE, first + second)
    assert [n.status for n in sent] == ["high", "resolved", "high", "resolved"]


def test_a_burst_at_the_threshold_never_notifies() -> None:
    assert metric_notifications(RATE, burst(0, threshold())) == []


def test_a_lower_resolve_line_holds_the_issue_open_until_the_value_reaches_it() -> None:
    held = variant("high-error-rate", {"above": 10, "resolve_at_or_below": 2})
    # a burst, then a trickle of 3 events per window: under the line, above 2
    trickle = [error(window() + i * window() / 3) for i in range(9)]
    sent = metric_notifications(held, burst(0, 11) + trickle)
    assert [n.status for n in sent] == ["high", "resolved"]
    assert sent[1].value is not None
    assert sent[1].value <= 2
    level = variant("high-error-rate", {"above": 10, "resolve_at_or_below": 10})
    default = metric_notifications(level, burst(0, 11) + trickle)
    assert default[1].at < sent[1].at  # resolving at 10 comes first


def test_filters_decide_which_changes_of_the_issue_are_told() -> None:
    """Create-alerts docs: "Issue priority" (>= high, medium, low), "De-escalation"."""
    opened_only = variant("high-error-rate", filters=[{"priority_at_least": "high"}])
    assert [n.status for n in metric_notifications(opened_only, burst(0, 11))] == ["high"]
    resolved_only = variant("high-error-rate", filters=[{"deescalating_from": "high"}])
    assert [n.status for n in metric_notifications(resolved_only, burst(0, 11))] == ["resolved"]
    # a medium issue never reaches "at least high"
    too_high = variant("performance-degradation", filters=[{"priority_at_least": "high"}])
    slow = [transaction(3000, i) for i in range(3)]
    assert metric_notifications(too_high, slow) == []
    both_filters = [{"priority_at_least": "high"}, {"deescalating_from": "high"}]
    both = variant("high-error-rate", filter_match="all", filters=both_filters)
    assert metric_notifications(both, burst(0, 11)) == []  # never both at once


def test_a_new_issue_notifies_on_its_first_event_only() -> None:
    events = [error(0), error(30), error(600)]  # one issue, three events
    sent = issue_notifications(NEW_ISSUE, events)
    assert [(n.status, n.at) for n in sent] == [("new-issue", timestamp(events[0]["timestamp"]))]
    assert issue_notifications(NEW_ISSUE, events[1:], history=events[:1]) == []


def test_throttling_is_per_issue_not_per_alert() -> None:
    # two new issues a minute apart, well inside a 30-minute throttle: two e-mails
    throttled = variant("critical-errors", frequency_minutes=30)
    events = [error(0, kind="KeyError"), error(60, kind="ValueError")]
    sent = issue_notifications(throttled, events)
    assert [n.issue for n in sent] == [grouping_key(e) for e in events]


def test_throttling_holds_back_the_same_issue_until_strictly_after_it() -> None:
    """processors/action.py: `if (now - status.date_updated) > frequency`."""
    throttled = variant("high-error-rate", frequency_minutes=30)
    w, half_hour = window(), 30 * 60.0
    first = burst(0, 11)  # opens at 10 s, resolves within the next window: held back
    assert _since_t0(metric_notifications(throttled, first)) == [("high", 10)]
    # the monitor's issue comes back (a regression) exactly 30 minutes after the first
    # run: still held back; its resolve, 35 minutes after that run, is told
    exactly = burst(half_hour, 11)
    told = metric_notifications(throttled, first + exactly)
    assert _since_t0(told) == [("high", 10), ("resolved", half_hour + w)]
    # a second later, the comeback is told (and its resolve held back)
    later = burst(half_hour + 1, 11)
    told = metric_notifications(throttled, first + later)
    assert _since_t0(told) == [("high", 10), ("high", half_hour + 11)]
    assert w < half_hour  # the first resolve fell inside the throttle


def test_without_throttling_every_change_is_told() -> None:
    assert RATE.frequency_minutes == 0  # alerts.yaml: the resolve must not be held back
    sent = metric_notifications(RATE, burst(0, 11) + burst(3 * window(), 11))
    assert [n.status for n in sent] == ["high", "resolved", "high", "resolved"]


def test_each_kind_of_alert_refuses_the_other_notifier() -> None:
    with pytest.raises(ValueError, match="'critical-errors' does not act on a metric monitor"):
        metric_notifications(NEW_ISSUE, [])
    with pytest.raises(ValueError, match="'high-error-rate' does not act on the error monitor"):
        issue_notifications(RATE, [])
    with pytest.raises(ValueError, match="an uptime monitor checks a URL, not events"):
        evaluate(get_rule("korrigo-down"), [error(0)])


# --- edges of the notifiers (each written against a wrong variant of the code) ---------------


def test_a_first_seen_evaluation_names_its_rule() -> None:
    result = evaluate(NEW_ISSUE, [error(0)])
    assert (result.rule_id, result.fired, result.matched) == ("critical-errors", True, 1)


def _since_t0(sent: list[Any]) -> list[tuple[str, float]]:
    return [(n.status, n.at - T0.timestamp()) for n in sent]


def test_a_window_without_transactions_leaves_a_p95_alert_as_it_is() -> None:
    slow = variant("performance-degradation", {"above": 1000, "resolve_at_or_below": 1000})
    w = slow.monitor.window_seconds
    # a slow request; the window then empties (no data: no change); a fast one resolves
    sent = metric_notifications(slow, [transaction(3000, 0), transaction(100, 2 * w)])
    assert [n.status for n in sent] == ["medium", "resolved"]
    assert [n.at - T0.timestamp() for n in sent] == pytest.approx([3.0, 2 * w + 0.1])


def staging(event: dict[str, Any]) -> dict[str, Any]:
    return {**event, "environment": "staging"}


def test_notifiers_ignore_other_environments_unless_told() -> None:
    storm = [staging(e) for e in burst(0, threshold() + 1)]
    assert metric_notifications(RATE, storm) == []
    assert [n.status for n in metric_notifications(RATE, storm, check_environment=False)] == [
        "high",
        "resolved",
    ]
    assert issue_notifications(NEW_ISSUE, [staging(error(0))]) == []
    drill = issue_notifications(NEW_ISSUE, [staging(error(0))], check_environment=False)
    assert [n.status for n in drill] == ["new-issue"]


# --- the issue keys and the evaluation a drill prints ----------------------------------------


def test_grouping_keys_read_as_documented() -> None:
    # `module.Type@mod.outer>mod.inner`, the raised exception first, then its causes
    raised = {
        "type": "GradingError",
        "module": "korrigo.grading",
        "stacktrace": {
            "frames": [
                {"module": "korrigo.views", "function": "grade", "in_app": True},
                {"filename": "korrigo/ocr.py", "function": "read", "in_app": True},
            ]
        },
    }
    cause = {"type": "KeyError", "stacktrace": {"frames": _frames("ocr")}}
    event = {"exception": {"values": [cause, raised]}}
    assert grouping_key(event) == (
        "korrigo.grading.GradingError@korrigo.views.grade>korrigo/ocr.py.read"
        " <- KeyError@korrigo.views.ocr"
    )
    assert grouping_key({"fingerprint": ["ocr", 7]}) == "fingerprint:ocr|7"
    logged = {"logentry": {"message": "OCR failed for %s"}, "message": "OCR failed for 12"}
    assert grouping_key(logged) == "message:OCR failed for %s"
    assert grouping_key({"message": "OCR failed"}) == "message:OCR failed"
    assert grouping_key({}) == "message:"


def test_timestamps_are_read_from_every_form_the_sdk_uses() -> None:
    assert timestamp(1767603600) == 1767603600.0
    assert timestamp(1767603600.5) == 1767603600.5
    assert timestamp("2026-01-05T09:00:00Z") == T0.timestamp()
    assert timestamp(T0) == T0.timestamp()
    with pytest.raises(ValueError, match="not a timestamp") as caught:
        timestamp(True)  # a flag is not a moment
    assert str(caught.value) == "not a timestamp: True"


def test_refusals_name_the_rule_and_what_is_supported() -> None:
    rule = with_monitor(RATE, query="level:fatal")
    with pytest.raises(ValueError, match="does not understand") as caught:
        evaluate(rule, [error()])
    assert str(caught.value) == snapshot(
        "alert 'high-error-rate': the local evaluator does not understand query 'level:fatal' (supported: '', 'is_transaction:true')"
    )
    avg = with_monitor(RATE, aggregate="avg(x)")
    with pytest.raises(ValueError, match="no local evaluation") as caught:
        aggregate(avg, [])
    assert str(caught.value) == snapshot(
        "alert 'high-error-rate': no local evaluation for 'avg(x)'"
    )


def test_an_evaluation_reports_everything_a_drill_prints() -> None:
    events = [error(i) for i in range(11)]
    assert evaluate(RATE, events) == Evaluation(
        "high-error-rate", True, 11.0, 10, 11, "2026-01-05T09:00:00Z"
    )
    slow = variant("performance-degradation", {"above": 1000, "resolve_at_or_below": 1000})
    nothing = evaluate(slow, [])
    assert nothing == Evaluation("performance-degradation", False, None, 1000, 0)
    assert nothing.fired is False


def test_the_first_of_equally_busy_windows_is_reported() -> None:
    w = window()
    events = [error(0), error(1), error(3 * w), error(3 * w + 1)]
    result = evaluate(RATE, events)
    assert (result.value, result.window_start) == (2, "2026-01-05T09:00:00Z")


def test_the_busiest_window_wins_over_a_later_smaller_one() -> None:
    w = window()
    events = [error(0), *burst(3 * w, 4), error(6 * w), error(6 * w + 1)]
    result = evaluate(RATE, events)
    assert result.value == 4
    assert result.window_start == _iso(T0 + timedelta(seconds=3 * w))
