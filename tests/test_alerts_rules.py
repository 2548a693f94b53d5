"""alerts.yaml's models: the shipped monitors and alerts, and how a bad file is refused.

Expected values come from outside the models: Korrigo's own code (its health URL in
backend/core/urls.py @ cyranoaladin/Korrigo 45872b49ce95878f8150be898733afa37335c919:
`path('api/health/live/', liveness_check, name='liveness')`), the seed guide's alerts,
and Sentry's limits as its validators state them (quoted in korrigo_sentry/alerts).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from inline_snapshot import snapshot

from korrigo_sentry import settings
from korrigo_sentry.alerts import AlertRuleError, get_monitor, get_rule, load_monitors, load_rules
from korrigo_sentry.alerts.rules import load_file, load_policy
from tests.alerts_support import shipped, write
from tests.wording import placeholders


def test_the_shipped_monitors_are_the_ones_the_issue_asks_for() -> None:
    kinds = [(m.id, m.type) for m in load_monitors()]
    assert kinds == [
        ("errors", "error"),  # the project's default Error monitor, looked up
        ("error-count", "metric"),  # a metric monitor on errors
        ("slow-requests", "metric"),  # a metric monitor on spans
        ("korrigo-live", "uptime"),  # an uptime monitor on Korrigo's real health path
    ]
    assert get_monitor("error-count").dataset == "errors"
    assert get_monitor("slow-requests").dataset == "spans"


def test_the_uptime_monitor_checks_korrigos_real_liveness_path() -> None:
    live = get_monitor("korrigo-live")
    assert live.path == "/api/health/live/"  # backend/core/urls.py, not the seed's /health/
    assert live.url.startswith("https://")
    assert live.method == "GET"


def test_cron_monitors_are_declined_and_the_sdk_agrees() -> None:
    decision = load_file().cron_monitors
    assert decision.adopted is False
    assert "monitor_beat_tasks" in decision.reason
    # The reason holds only while the runtime sends no check-in.
    assert settings.INTEGRATIONS["celery"]["monitor_beat_tasks"] is False


def test_the_seed_alerts_keep_their_numbers_in_seconds_now() -> None:
    """Seed guide: ">10 errors in 5 minutes", "P95 response time >2 seconds"."""
    rate, slow = get_rule("high-error-rate"), get_rule("performance-degradation")
    assert (rate.monitor.above, rate.monitor.window_seconds) == (10, 300)
    assert (slow.monitor.above, slow.monitor.aggregate) == (2000, "p95(span.duration)")
    assert get_rule("critical-errors").triggers == ("first_seen_event",)
    assert get_rule("critical-errors").monitors == ("errors",)


def test_each_alert_is_resolved_against_its_monitor() -> None:
    for rule in load_rules():
        assert rule.monitor.id == rule.monitors[0]
    assert get_rule("korrigo-down").kind == "uptime"
    assert get_rule("critical-errors").kind == "issue"


def test_unknown_ids_list_the_known_ones() -> None:
    with pytest.raises(KeyError, match="known: critical-errors, high-error-rate"):
        get_rule("nope")
    with pytest.raises(KeyError, match="known: errors, error-count"):
        get_monitor("nope")


def test_the_policy_gives_the_on_call_response_times() -> None:
    assert load_policy() == {
        "triage_minutes": 15,
        "escalate_minutes": 30,
        "stuck_tasks_minutes": 60,
    }


# --- a bad file: one sentence with file, line, item and field --------------------------------


def _alert(data: dict[str, Any], alert_id: str) -> dict[str, Any]:
    return next(a for a in data["alerts"] if a["id"] == alert_id)


def _monitor(data: dict[str, Any], monitor_id: str) -> dict[str, Any]:
    return next(m for m in data["monitors"] if m["id"] == monitor_id)


def _refused(tmp_path: Path, data: dict[str, Any] | str) -> AlertRuleError:
    path = write(tmp_path, data)
    with pytest.raises(AlertRuleError) as caught:
        load_file(path)
    assert str(caught.value).startswith(f"{path}:")
    return caught.value


def _line_of(path: Path, needle: str) -> int:
    lines = path.read_text(encoding="utf-8").splitlines()
    return next(n for n, line in enumerate(lines, 1) if needle in line)


def test_a_bad_throttle_names_file_line_alert_and_field(tmp_path: Path) -> None:
    data = shipped()
    _alert(data, "high-error-rate")["frequency_minutes"] = -5
    error = _refused(tmp_path, data)
    path = tmp_path / "alerts.yaml"
    assert error.where == f"{path}:{_line_of(path, 'frequency_minutes: -5')}"
    assert placeholders(str(error), where=error.where) == snapshot(
        "<where>: alerts[1] 'high-error-rate', field 'frequency_minutes': Input should be greater than or equal to 0; the fields are described at the top of the package's alerts.yaml"
    )


def test_a_throttle_of_zero_is_every_trigger_and_allowed(tmp_path: Path) -> None:
    """Workflow.config_schema: "minimum": 0 — the legacy 5-minute floor is gone."""
    data = shipped()
    _alert(data, "korrigo-down")["frequency_minutes"] = 0
    assert load_file(write(tmp_path, data)).alerts[3].frequency_minutes == 0


@pytest.mark.parametrize(
    ("monitor_id", "field", "value", "problem"),
    [
        ("error-count", "window_seconds", 5, "Input should be 60, 300, 600"),  # minutes given
        ("error-count", "above", -1, "greater than or equal to 0"),
        # YAML's .inf was exported as `Infinity` (not JSON); .nan was "not >= 0"
        ("error-count", "above", float("inf"), "Input should be a finite number"),
        ("error-count", "above", "1e999", "Input should be a finite number"),
        ("error-count", "above", float("nan"), "Input should be a finite number"),
        ("slow-requests", "resolve_at_or_below", float("inf"), "Input should be a finite number"),
        ("error-count", "priority", "low", "Input should be 'high' or 'medium'"),
        ("error-count", "aggregate", "p95(span.duration)", "computed on dataset 'spans'"),
        ("slow-requests", "resolve_at_or_below", 2500, "must not exceed `above`"),
        ("korrigo-live", "interval_seconds", 90, "Input should be 60, 300, 600, 1200"),
        ("korrigo-live", "timeout_ms", 500, "greater than or equal to 1000"),
        ("korrigo-live", "timeout_ms", 61_000, "less than or equal to 60000"),
    ],
)
def test_a_bad_monitor_field_is_named(
    tmp_path: Path, monitor_id: str, field: str, value: Any, problem: str
) -> None:
    data = shipped()
    _monitor(data, monitor_id)[field] = value
    error = _refused(tmp_path, data)
    position = [m["id"] for m in data["monitors"]].index(monitor_id)
    assert error.rule_id == f"monitors[{position}] {monitor_id!r}"
    expected_field = "(item)" if problem.startswith(("computed", "must not")) else field
    assert error.field == expected_field
    assert problem in error.problem


@pytest.mark.parametrize(
    ("alert_id", "field", "value", "problem"),
    [
        ("critical-errors", "monitors", ["nowhere"], "unknown monitor 'nowhere'"),
        (
            "critical-errors",
            "triggers",
            ["every_event"],
            "'first_seen_event' or 'regression_event'",
        ),
        ("high-error-rate", "filters", [], "needs triggers or filters"),
        ("critical-errors", "runbook", "runbooks/other.md", "runbooks/critical-errors.md"),
        ("critical-errors", "rationale", "{nope}", "unknown placeholder 'nope'"),
        ("high-error-rate", "actions", [{"type": "slack", "target": "alerts"}], "#channel"),
        ("high-error-rate", "actions", [], "at least 1 item"),
        ("high-error-rate", "severity", "urgent", "'critical', 'high', 'medium' or 'low'"),
        ("high-error-rate", "name", "x" * 257, "at most 256 characters"),
    ],
)
def test_a_bad_alert_field_is_named(
    tmp_path: Path, alert_id: str, field: str, value: Any, problem: str
) -> None:
    data = shipped()
    _alert(data, alert_id)[field] = value
    error = _refused(tmp_path, data)
    assert problem in error.problem, error


def test_an_unknown_field_is_refused_with_its_name(tmp_path: Path) -> None:
    """The seed's words are gone: a monitor has `window_seconds`, not `window_minutes`."""
    data = shipped()
    _monitor(data, "error-count")["window_minutes"] = 5
    error = _refused(tmp_path, data)
    assert error.field == "window_minutes"
    assert error.problem.startswith("Extra inputs are not permitted")


def test_two_alerts_with_one_id_are_refused(tmp_path: Path) -> None:
    data = shipped()
    data["alerts"].append(dict(data["alerts"][0]))
    assert "id 'critical-errors' is used twice" in _refused(tmp_path, data).problem


def test_a_file_that_is_not_yaml_names_the_file(tmp_path: Path) -> None:
    error = _refused(tmp_path, "alerts: [\n")
    assert "is not valid YAML" in str(error)


@pytest.mark.parametrize(
    ("text", "field", "problem"),
    [
        (
            "[]\n",
            "(file)",
            "the file must be a mapping of policy, monitors, cron_monitors and alerts",
        ),
        ("policy: {}\n", "monitors", "is missing"),
        ("alerts: []\n", "policy", "is missing"),
    ],
)
def test_a_file_missing_its_blocks_says_what_it_needs(
    tmp_path: Path, text: str, field: str, problem: str
) -> None:
    error = _refused(tmp_path, text)
    assert (error.rule_id, error.field) == ("(file)", field)
    assert error.problem.startswith(problem + ";")
