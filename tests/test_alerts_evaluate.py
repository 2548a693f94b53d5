"""The local evaluator: window edges, thresholds, first-seen grouping, P95."""

from __future__ import annotations

import dataclasses
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
import sentry_sdk

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
from korrigo_sentry.testing import FakeTransport

T0 = datetime(2026, 1, 5, 9, 0, tzinfo=UTC)
RATE = get_rule("high-error-rate")
NEW_ISSUE = get_rule("critical-errors")
SLOW = get_rule("performance-degradation")


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
    rule = dataclasses.replace(RATE, query="level:fatal")
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


# --- "below" ------------------------------------------------------------------------------


def test_a_below_rule_fires_strictly_under_its_threshold() -> None:
    # a floor on the number of events: a window holding fewer than the threshold fires
    floor = dataclasses.replace(RATE, comparison="below", threshold=2)
    result = evaluate(floor, [error(0), error(1)])
    assert result.fired  # the window at the first event holds 1, fewer than 2
    assert result.value == 1
    at_the_floor = dataclasses.replace(RATE, comparison="below", threshold=1)
    assert not evaluate(at_the_floor, [error(0), error(1)]).fired  # 1 is not below 1


def test_below_reports_the_emptiest_window() -> None:
    floor = dataclasses.replace(RATE, comparison="below", threshold=2)
    assert window() == 300  # high-error-rate's 5 minutes, which the times below are cut for
    # Events at 0, 200 and 400 s, a gap, then 1000 and 1100 s: the 5-minute windows ending
    # at each event hold 1, 2, 2, 1 and 2 events. The first window holds one only because
    # nothing before it was seen; the gap is the window opened by the event at 1000 s.
    events = [error(seconds) for seconds in (0, 200, 400, 1000, 1100)]

    result = evaluate(floor, events)

    assert (result.fired, result.value) == (True, 1)
    assert result.window_start == "2026-01-05T09:16:40Z"  # T0 + 1000 s
    busy = [error(i) for i in range(threshold() + 1)]
    at_least_one = dataclasses.replace(floor, threshold=1)
    assert not evaluate(at_least_one, busy).fired  # every window holds at least one event


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
    assert [n.status for n in sent] == ["critical", "resolved"]
    assert sent[0].value == threshold() + 1  # on the event that crossed it
    # it resolves when the window is back to the threshold: the (threshold+1)-th event from
    # the end leaves the window, not when the window is empty
    assert sent[1].at == timestamp(steady[-threshold() - 1]["timestamp"]) + window()
    assert sent[1].value == threshold()


def test_a_second_burst_after_the_resolve_fires_again() -> None:
    first = burst(0, threshold() + 1)
    second = burst(3 * window(), threshold() + 1)
    sent = metric_notifications(RATE, first + second)
    assert [n.status for n in sent] == ["critical", "resolved", "critical", "resolved"]


def test_a_burst_at_the_threshold_never_notifies() -> None:
    assert metric_notifications(RATE, burst(0, threshold())) == []


def test_a_resolve_threshold_holds_the_alert_open_until_the_value_falls_under_it() -> None:
    held = dataclasses.replace(RATE, resolve_threshold=2)
    # a burst, then a trickle of 3 events per window: under critical, not under 2
    trickle = [error(window() + i * window() / 3) for i in range(9)]
    sent = metric_notifications(held, burst(0, threshold() + 1) + trickle)
    assert [n.status for n in sent] == ["critical", "resolved"]
    assert sent[1].value is not None
    assert sent[1].value < 2
    default = metric_notifications(RATE, burst(0, threshold() + 1) + trickle)
    assert default[1].at < sent[1].at  # the default resolves as soon as it is under 10


def test_a_warning_threshold_notifies_on_each_change_of_severity() -> None:
    warned = dataclasses.replace(RATE, warning_threshold=threshold() // 2)
    sent = metric_notifications(warned, burst(0, threshold() + 1))
    assert [n.status for n in sent] == ["warning", "critical", "warning", "resolved"]


def test_a_new_issue_notifies_on_its_first_event_only() -> None:
    events = [error(0), error(30), error(600)]  # one issue, three events
    sent = issue_notifications(NEW_ISSUE, events)
    assert [(n.status, n.at) for n in sent] == [("new-issue", timestamp(events[0]["timestamp"]))]
    assert issue_notifications(NEW_ISSUE, events[1:], history=events[:1]) == []


def test_the_action_interval_is_per_issue_not_per_rule() -> None:
    # two new issues a minute apart, well inside the rule's action interval: two e-mails
    assert NEW_ISSUE.frequency_minutes is not None
    assert NEW_ISSUE.frequency_minutes * 60 > 60
    events = [error(0, kind="KeyError"), error(60, kind="ValueError")]
    sent = issue_notifications(NEW_ISSUE, events)
    assert [n.issue for n in sent] == [grouping_key(e) for e in events]


def test_a_frequency_issue_rule_repeats_per_issue_after_its_interval() -> None:
    rule = dataclasses.replace(
        RATE, kind="issue", condition="event_frequency", frequency_minutes=5, threshold=1
    )
    assert rule.frequency_minutes is not None
    interval = rule.frequency_minutes * 60
    events = [error(0), error(1), error(2), error(interval + 1), error(interval + 2)]
    sent = issue_notifications(rule, events)
    # at interval + 1 the window still holds the event at 2 s: two events, more than one
    assert [n.at - timestamp(events[0]["timestamp"]) for n in sent] == [1, interval + 1]


def test_each_kind_of_rule_refuses_the_other_notifier() -> None:
    with pytest.raises(ValueError, match="not a metric rule"):
        metric_notifications(NEW_ISSUE, [])
    with pytest.raises(ValueError, match="not an issue rule"):
        issue_notifications(RATE, [])


# --- edges of the notifiers (each written against a wrong variant of the code) ---------------


def test_a_first_seen_evaluation_names_its_rule() -> None:
    result = evaluate(NEW_ISSUE, [error(0)])
    assert (result.rule_id, result.fired, result.matched) == ("critical-errors", True, 1)


def _since_t0(sent: list[Any]) -> list[tuple[str, float]]:
    return [(n.status, n.at - T0.timestamp()) for n in sent]


def test_a_below_metric_rule_notifies_strictly_under_its_threshold() -> None:
    # "fewer than 1 error in the window": the window must be empty to notify
    floor = dataclasses.replace(RATE, comparison="below", threshold=1)
    w = window()
    sent = metric_notifications(floor, [error(0), error(1)])
    # at 0 and 1 the window holds 1 and 2 (not below 1); at w it still holds the event at 1;
    # at w + 1 it is empty: 0 is below 1
    assert _since_t0(sent) == [("critical", w + 1)]


def test_a_below_metric_rule_resolves_strictly_above_its_resolve_line() -> None:
    floor = dataclasses.replace(RATE, comparison="below", threshold=1, resolve_threshold=2)
    w = window()
    events = [error(0), error(w + 10), error(w + 20), error(w + 30)]
    sent = metric_notifications(floor, events)
    # empty at w: critical; 1 then 2 events are not above the resolve line 2; 3 are
    assert _since_t0(sent) == [("critical", w), ("resolved", w + 30), ("critical", 2 * w + 30)]


def test_a_window_without_transactions_leaves_a_p95_alert_as_it_is() -> None:
    slow = dataclasses.replace(SLOW, threshold=1000)
    assert SLOW.window_minutes is not None
    w = SLOW.window_minutes * 60.0
    # a slow request; the window then empties (no data: no change); a fast one resolves
    sent = metric_notifications(slow, [transaction(3000, 0), transaction(100, 2 * w)])
    assert [n.status for n in sent] == ["critical", "resolved"]
    assert [n.at - T0.timestamp() for n in sent] == pytest.approx([3.0, 2 * w + 0.1])


def staging(event: dict[str, Any]) -> dict[str, Any]:
    return {**event, "environment": "staging"}


def test_notifiers_ignore_other_environments_unless_told() -> None:
    storm = [staging(e) for e in burst(0, threshold() + 1)]
    assert metric_notifications(RATE, storm) == []
    assert [n.status for n in metric_notifications(RATE, storm, check_environment=False)] == [
        "critical",
        "resolved",
    ]
    assert issue_notifications(NEW_ISSUE, [staging(error(0))]) == []
    drill = issue_notifications(NEW_ISSUE, [staging(error(0))], check_environment=False)
    assert [n.status for n in drill] == ["new-issue"]


def test_a_rule_of_the_other_kind_is_refused_whatever_its_fields() -> None:
    # an issue rule with a window, a metric rule with an action interval: still refused
    frequency = dataclasses.replace(
        RATE, kind="issue", condition="event_frequency", frequency_minutes=5, threshold=1
    )
    with pytest.raises(ValueError, match="'high-error-rate' is not a metric rule"):
        metric_notifications(frequency, [])
    with pytest.raises(ValueError, match="'high-error-rate' is not an issue rule"):
        issue_notifications(dataclasses.replace(RATE, frequency_minutes=5), [])


def test_a_frequency_issue_rule_counts_over_its_window_only() -> None:
    rule = dataclasses.replace(
        RATE, kind="issue", condition="event_frequency", frequency_minutes=5, threshold=1
    )
    w = window()
    # two events exactly one window apart never share a window: "more than 1" is not reached
    assert issue_notifications(rule, [error(0), error(w)]) == []
    sent = issue_notifications(rule, [error(0), error(w - 1)])
    assert _since_t0(sent) == [("frequency", w - 1)]


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
    rule = dataclasses.replace(RATE, query="level:fatal")
    with pytest.raises(ValueError, match="does not understand") as caught:
        evaluate(rule, [error()])
    assert str(caught.value) == (
        "alert rule 'high-error-rate': the local evaluator does not understand query "
        "'level:fatal' (supported: '', 'event.type:error', 'event.type:default', "
        "'event.type:transaction')"
    )
    avg = dataclasses.replace(RATE, aggregate="avg(x)")
    with pytest.raises(ValueError, match="no local evaluation") as caught:
        aggregate(avg, [])
    assert str(caught.value) == "alert rule 'high-error-rate': no local evaluation for 'avg(x)'"


def test_an_evaluation_reports_everything_a_drill_prints() -> None:
    events = [error(i) for i in range(11)]
    assert evaluate(RATE, events) == Evaluation(
        "high-error-rate", True, 11.0, 10, 11, "2026-01-05T09:00:00Z"
    )
    slow = dataclasses.replace(SLOW, threshold=1000)
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
