"""alerts.yaml: loading, and refusing rules Sentry would refuse (naming rule and field)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import yaml

from korrigo_sentry.alerts import rules as rules_module
from korrigo_sentry.alerts.rules import (
    EVENT_FREQUENCY_INTERVALS,
    FREQUENCY_RANGE,
    METRIC_TIME_WINDOWS,
    AlertAction,
    AlertRuleError,
    get_rule,
    load_policy,
    load_rules,
    parse_rule,
)

SEED_ALERTS = {"critical-errors", "high-error-rate", "performance-degradation"}


def _raw_rules() -> list[dict[str, Any]]:
    return yaml.safe_load(rules_module.DEFAULT_PATH.read_text(encoding="utf-8"))["alerts"]


def _write(tmp_path: Path, alerts: list[dict[str, Any]]) -> Path:
    path = tmp_path / "alerts.yaml"
    path.write_text(yaml.safe_dump({"alerts": alerts}), encoding="utf-8")
    return path


def _mutated(rule_id: str, **changes: Any) -> list[dict[str, Any]]:
    alerts = _raw_rules()
    for raw in alerts:
        if raw["id"] == rule_id:
            raw.update(changes)
    return alerts


def test_the_seed_alerts_are_defined_and_valid() -> None:
    rules = load_rules()
    assert {r.id for r in rules} == SEED_ALERTS
    assert get_rule("critical-errors").condition == "first_seen_event"
    rate = get_rule("high-error-rate")
    assert (rate.aggregate, rate.dataset, rate.query) == ("count()", "events", "event.type:error")
    perf = get_rule("performance-degradation")
    assert (perf.aggregate, perf.dataset, perf.unit) == (
        "p95(transaction.duration)",
        "transactions",
        "ms",
    )
    for rule in rules:
        assert rule.actions, rule.id
        assert rule.runbook == f"runbooks/{rule.slug}.md"


def test_every_rule_respects_sentrys_limits() -> None:
    low, high = FREQUENCY_RANGE
    for rule in load_rules():
        if rule.kind == "issue":
            assert rule.frequency_minutes is not None
            assert low <= rule.frequency_minutes <= high
        else:  # metric alerts notify on a change of state: no action interval
            assert rule.frequency_minutes is None
            assert rule.window_minutes in METRIC_TIME_WINDOWS


def test_get_rule_names_known_ids_for_an_unknown_one() -> None:
    with pytest.raises(KeyError, match="critical-errors"):
        get_rule("no-such-alert")


def test_a_file_path_is_read(tmp_path: Path) -> None:
    path = _write(tmp_path, _raw_rules()[:1])
    assert [r.id for r in load_rules(path)] == ["critical-errors"]


@pytest.mark.parametrize(
    ("rule_id", "changes", "field"),
    [
        ("critical-errors", {"frequency_minutes": FREQUENCY_RANGE[0] - 1}, "frequency_minutes"),
        ("critical-errors", {"frequency_minutes": FREQUENCY_RANGE[1] + 1}, "frequency_minutes"),
        ("critical-errors", {"frequency_minutes": 7.5}, "frequency_minutes"),
        ("critical-errors", {"actions": []}, "actions"),
        ("critical-errors", {"actions": [{"type": "pager", "target": "x"}]}, "actions[1].type"),
        (
            "high-error-rate",
            {"actions": [{"type": "slack", "target": "alerts"}]},
            "actions[1].target",
        ),
        ("high-error-rate", {"window_minutes": 7}, "window_minutes"),
        ("performance-degradation", {"window_minutes": 45}, "window_minutes"),
        ("high-error-rate", {"aggregate": "avg(x)"}, "aggregate"),
        ("high-error-rate", {"dataset": "transactions"}, "dataset"),
        ("high-error-rate", {"comparison": "equal"}, "comparison"),
        ("high-error-rate", {"threshold": "ten"}, "threshold"),
        ("performance-degradation", {"unit": "s"}, "unit"),
        ("critical-errors", {"threshold": 3}, "threshold"),
        ("critical-errors", {"kind": "log"}, "kind"),
        ("critical-errors", {"condition": "threshold"}, "condition"),
        ("critical-errors", {"runbook": "runbooks/other.md"}, "runbook"),
        ("critical-errors", {"severity": "urgent"}, "severity"),
        ("critical-errors", {"colour": "red"}, "colour"),
        # Sentry's metric alerts have no action interval (facts: alerts.metric_states)
        ("high-error-rate", {"frequency_minutes": 60}, "frequency_minutes"),
        ("performance-degradation", {"frequency_minutes": 1440}, "frequency_minutes"),
        # an issue rule has an action interval, and no metric triggers
        ("critical-errors", {"frequency_minutes": None}, "frequency_minutes"),
        ("critical-errors", {"resolve_threshold": 1}, "resolve_threshold"),
        # warning comes before critical; the resolve line lies below both (for `above`)
        ("high-error-rate", {"warning_threshold": 10}, "warning_threshold"),
        ("high-error-rate", {"warning_threshold": 12}, "warning_threshold"),
        ("high-error-rate", {"resolve_threshold": 11}, "resolve_threshold"),
        ("high-error-rate", {"warning_threshold": 5, "resolve_threshold": 6}, "resolve_threshold"),
        (
            "high-error-rate",
            {"comparison": "below", "resolve_threshold": 9},
            "resolve_threshold",
        ),
        ("high-error-rate", {"rationale": "{threshold} in {minutes}"}, "rationale"),
    ],
)
def test_a_bad_rule_is_refused_naming_rule_and_field(
    tmp_path: Path, rule_id: str, changes: dict[str, Any], field: str
) -> None:
    path = _write(tmp_path, _mutated(rule_id, **changes))
    with pytest.raises(AlertRuleError) as caught:
        load_rules(path)
    assert (caught.value.rule_id, caught.value.field) == (rule_id, field)
    assert repr(rule_id) in str(caught.value)
    assert repr(field) in str(caught.value)


def test_a_missing_field_is_named(tmp_path: Path) -> None:
    alerts = _raw_rules()
    del alerts[1]["window_minutes"]
    with pytest.raises(AlertRuleError, match="'high-error-rate', field 'window_minutes'"):
        load_rules(_write(tmp_path, alerts))


@pytest.mark.parametrize("label", sorted(EVENT_FREQUENCY_INTERVALS))
def test_event_frequency_rules_accept_only_sentrys_intervals(tmp_path: Path, label: str) -> None:
    minutes = EVENT_FREQUENCY_INTERVALS[label]
    rule = dict(
        _raw_rules()[1],
        id="burst",
        kind="issue",
        condition="event_frequency",
        window_minutes=minutes,
        frequency_minutes=FREQUENCY_RANGE[0],
        runbook="runbooks/burst.md",
    )
    loaded = load_rules(_write(tmp_path, [rule]))[0]
    assert loaded.window_label == label
    refused = dict(rule, window_minutes=minutes + 1)
    with pytest.raises(AlertRuleError, match="'burst', field 'window_minutes'"):
        load_rules(_write(tmp_path, [refused]))


def test_duplicate_ids_are_refused(tmp_path: Path) -> None:
    alerts = _raw_rules()
    with pytest.raises(AlertRuleError, match="'critical-errors', field 'id'"):
        load_rules(_write(tmp_path, [*alerts, alerts[0]]))


def test_a_file_that_is_not_yaml_is_refused_naming_the_file_and_line(tmp_path: Path) -> None:
    # Named rules.yaml: the word "alerts" in the message must come from the check, not the path.
    path = tmp_path / "rules.yaml"
    path.write_text("alerts: [", encoding="utf-8")
    with pytest.raises(AlertRuleError) as caught:
        load_rules(path)
    assert (caught.value.rule_id, caught.value.field) == ("(file)", str(path))
    assert caught.value.problem.startswith("is not valid YAML: ")
    assert "line 1, column 10" in caught.value.problem


@pytest.mark.parametrize("text", ["rules: []", "alerts: 3", "- just a list"])
def test_a_file_without_an_alerts_list_is_refused(tmp_path: Path, text: str) -> None:
    path = tmp_path / "rules.yaml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(AlertRuleError) as caught:
        load_rules(path)
    assert str(caught.value) == (
        f"alert rule '(file)', field 'alerts': {path} needs a top-level `alerts:` list"
    )


def test_metric_triggers_in_the_right_order_are_accepted(tmp_path: Path) -> None:
    path = _write(tmp_path, _mutated("high-error-rate", warning_threshold=5, resolve_threshold=2))
    rule = get_rule("high-error-rate", path)
    assert (rule.threshold, rule.warning_threshold, rule.resolve_threshold) == (10, 5, 2)
    below = _mutated("high-error-rate", comparison="below", resolve_threshold=11)
    assert get_rule("high-error-rate", _write(tmp_path, below)).resolve_threshold == 11


# --- the on-call policy block (response times the runbooks quote) ---------------------------


def test_the_policy_gives_the_on_call_response_times() -> None:
    # The runbooks' promise: triage a critical alert within 15 minutes, call the lead after
    # 30, tell the product owner when copies are stuck for an hour.
    assert load_policy() == {
        "triage_minutes": 15,
        "escalate_minutes": 30,
        "stuck_tasks_minutes": 60,
    }


def test_a_policy_file_path_is_read(tmp_path: Path) -> None:
    path = tmp_path / "alerts.yaml"
    path.write_text("policy:\n  triage_minutes: 1\n  escalate_minutes: 2\nalerts: []\n")
    assert load_policy(path) == {"triage_minutes": 1, "escalate_minutes": 2}
    assert load_policy(str(path)) == {"triage_minutes": 1, "escalate_minutes": 2}


@pytest.mark.parametrize(
    "text",
    [
        "alerts: []\n",  # no policy block
        "- policy\n",  # not a mapping at the top
        "policy: 15\n",  # not a mapping of times
        "policy:\n  triage_minutes: 0\n",  # zero minutes
        "policy:\n  triage_minutes: -5\n",
        "policy:\n  triage_minutes: 15\n  escalate_minutes: 0\n",  # one bad among good
        "policy:\n  triage_minutes: 1.5\n",  # not whole minutes
        "policy:\n  triage_minutes: '15'\n",
        "policy:\n  triage_minutes: true\n",  # a boolean is not a number of minutes
    ],
)
def test_a_bad_policy_is_refused_naming_the_block(tmp_path: Path, text: str) -> None:
    path = tmp_path / "alerts.yaml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(AlertRuleError) as caught:
        load_policy(path)
    assert (caught.value.rule_id, caught.value.field) == ("(file)", "policy")
    assert caught.value.problem == "needs a `policy:` mapping of whole minutes"


def test_one_minute_is_a_valid_response_time(tmp_path: Path) -> None:
    path = tmp_path / "alerts.yaml"
    path.write_text("policy:\n  triage_minutes: 1\n", encoding="utf-8")
    assert load_policy(path) == {"triage_minutes": 1}


# --- what the person fixing alerts.yaml reads ----------------------------------------------

#: critical-errors turned into "an issue is seen more than 10 times in 1h" (Sentry's
#: event-frequency condition), valid as it is.
EVENT_FREQUENCY = {
    "condition": "event_frequency",
    "aggregate": "count()",
    "threshold": 10,
    "unit": "events",
    "comparison": "above",
    "window_minutes": 60,
}


@pytest.mark.parametrize(
    ("rule_id", "changes", "message"),
    [
        (
            "critical-errors",
            {**EVENT_FREQUENCY, "aggregate": "p95(transaction.duration)"},
            "field 'aggregate': an event-frequency rule counts",
        ),
        (
            "critical-errors",
            {**EVENT_FREQUENCY, "comparison": "below"},
            "field 'comparison': Sentry only offers `above` here",
        ),
        (
            "critical-errors",
            {**EVENT_FREQUENCY, "window_minutes": 7},
            "field 'window_minutes': is 7, Sentry's event-frequency intervals are "
            "1m, 5m, 15m, 1h, 1d, 1w, 30d (1, 5, 15, 60, 1440, 10080, 43200 minutes)",
        ),
        (
            "high-error-rate",
            {"aggregate": "avg(x)"},
            "field 'aggregate': is 'avg(x)', expected one of count(), p95(transaction.duration)",
        ),
        (
            "high-error-rate",
            {"dataset": "transactions"},
            "field 'dataset': count() is computed on events",
        ),
        (
            "high-error-rate",
            {"warning_threshold": "five"},
            "field 'warning_threshold': must be a number",
        ),
        (
            "high-error-rate",
            {"warning_threshold": True},  # YAML's `yes` is not a number of events
            "field 'warning_threshold': must be a number",
        ),
        (
            "high-error-rate",
            {"warning_threshold": 10},
            "field 'warning_threshold': must be reached before the critical threshold",
        ),
        (
            "high-error-rate",
            {"comparison": "below", "warning_threshold": 10},
            "field 'warning_threshold': must be reached before the critical threshold",
        ),
        (
            "high-error-rate",
            {"resolve_threshold": "x"},
            "field 'resolve_threshold': must be a number",
        ),
        (
            "high-error-rate",
            {"resolve_threshold": 11},
            "field 'resolve_threshold': must be at or below the lowest trigger (10)",
        ),
        (
            "high-error-rate",
            {"comparison": "below", "resolve_threshold": 9},
            "field 'resolve_threshold': must be at or above the lowest trigger (10)",
        ),
    ],
)
def test_a_bad_rule_says_what_to_fix(
    tmp_path: Path, rule_id: str, changes: dict[str, Any], message: str
) -> None:
    with pytest.raises(AlertRuleError) as caught:
        load_rules(_write(tmp_path, _mutated(rule_id, **changes)))
    assert str(caught.value) == f"alert rule {rule_id!r}, {message}"


@pytest.mark.parametrize(
    ("rule_id", "changes"),
    [
        ("critical-errors", EVENT_FREQUENCY),
        # a resolve line exactly at the lowest trigger is allowed, both ways
        ("high-error-rate", {"resolve_threshold": 10}),
        ("high-error-rate", {"comparison": "below", "resolve_threshold": 10}),
        # a floor: the warning comes first from above (12), the resolve line above it
        ("high-error-rate", {"comparison": "below", "warning_threshold": 12}),
        (
            "high-error-rate",
            {"comparison": "below", "warning_threshold": 12, "resolve_threshold": 13},
        ),
    ],
)
def test_rules_within_sentrys_limits_are_accepted(
    tmp_path: Path, rule_id: str, changes: dict[str, Any]
) -> None:
    rule = get_rule(rule_id, _write(tmp_path, _mutated(rule_id, **changes)))
    assert {name: getattr(rule, name) for name in changes} == changes


def test_an_unknown_rule_id_lists_the_known_ones() -> None:
    with pytest.raises(KeyError) as caught:
        get_rule("no-such-alert")
    assert caught.value.args[0] == (
        "no alert rule 'no-such-alert'; known: critical-errors, high-error-rate, "
        "performance-degradation"
    )


@pytest.mark.parametrize(
    ("rule_id", "changes", "message"),
    [
        (
            "critical-errors",
            {"id": "Critical_Errors"},
            "alert rule 'Critical_Errors', field 'id': 'Critical_Errors' is not a slug "
            "(a-z, 0-9, -)",
        ),
        (
            "critical-errors",
            {"name": ""},
            "alert rule 'critical-errors', field 'name': must not be empty",
        ),
        (
            "critical-errors",
            {"name": 5},
            "alert rule 'critical-errors', field 'name': must not be empty",
        ),
        (
            "critical-errors",
            {"kind": "log"},
            "alert rule 'critical-errors', field 'kind': is 'log', expected one of issue, metric",
        ),
        (
            "critical-errors",
            {"frequency_minutes": 4},
            "alert rule 'critical-errors', field 'frequency_minutes': is 4, Sentry accepts whole "
            "minutes from 5 to 43200",
        ),
        (
            "critical-errors",
            {"threshold": 3},
            "alert rule 'critical-errors', field 'threshold': must be null for a first-seen rule",
        ),
        (
            "critical-errors",
            {"dataset": "transactions"},
            "alert rule 'critical-errors', field 'dataset': a first-seen rule watches `events`",
        ),
        (
            "critical-errors",
            {"condition": "threshold"},
            "alert rule 'critical-errors', field 'condition': is 'threshold', expected one of "
            "first_seen_event, event_frequency",
        ),
        (
            "critical-errors",
            {"dataset": "logs"},
            "alert rule 'critical-errors', field 'dataset': is 'logs', expected one of events, "
            "transactions",
        ),
        (
            "critical-errors",
            {"query": 5},
            "alert rule 'critical-errors', field 'query': must be a string",
        ),
        (
            "critical-errors",
            {"severity": "urgent"},
            "alert rule 'critical-errors', field 'severity': is 'urgent', expected one of "
            "critical, high, medium, low",
        ),
        (
            "critical-errors",
            {"id": "-critical-errors"},
            "alert rule '-critical-errors', field 'id': '-critical-errors' is not a slug "
            "(a-z, 0-9, -)",
        ),
        (
            "critical-errors",
            {"actions": []},
            "alert rule 'critical-errors', field 'actions': needs at least one action",
        ),
        (
            "critical-errors",
            {"actions": [{"type": "email"}]},
            "alert rule 'critical-errors', field 'actions[1]': "
            "must have exactly `type` and `target`",
        ),
        (
            "critical-errors",
            {"resolve_threshold": 1},
            "alert rule 'critical-errors', field 'resolve_threshold': only metric rules have it",
        ),
        (
            "high-error-rate",
            {"frequency_minutes": 60},
            "alert rule 'high-error-rate', field 'frequency_minutes': a metric alert has no action "
            "interval: Sentry notifies when its state changes (critical, warning, resolved); "
            "remove the field",
        ),
        (
            "critical-errors",
            {"runbook": "runbooks/other.md"},
            "alert rule 'critical-errors', field 'runbook': must be 'runbooks/critical-errors.md'",
        ),
        (
            "high-error-rate",
            {"comparison": "equal"},
            "alert rule 'high-error-rate', field 'comparison': is 'equal', "
            "expected one of above, below",
        ),
        (
            "high-error-rate",
            {"window_minutes": 7},
            "alert rule 'high-error-rate', field 'window_minutes': is 7, Sentry's metric time "
            "windows are 1, 5, 10, 15, 30, 60, 120, 240, 1440 minutes",
        ),
        (
            "high-error-rate",
            {"rationale": "{threshold} in {minutes}"},
            "alert rule 'high-error-rate', field 'rationale': unknown placeholder 'minutes' "
            "(known: ('window', 'frequency', 'threshold'))",
        ),
        (
            "critical-errors",
            {"id": "critical-errorZ"},
            "alert rule 'critical-errorZ', field 'id': 'critical-errorZ' is not a slug "
            "(a-z, 0-9, -)",
        ),
        (
            "high-error-rate",
            {"threshold": -1},
            "alert rule 'high-error-rate', field 'threshold': is -1, expected a number >= 0",
        ),
        (
            "performance-degradation",
            {"unit": "s"},
            "alert rule 'performance-degradation', field 'unit': is 's', expected 'ms'",
        ),
    ],
)
def test_each_field_check_says_what_is_wrong(
    tmp_path: Path, rule_id: str, changes: dict[str, Any], message: str
) -> None:
    with pytest.raises(AlertRuleError) as caught:
        load_rules(_write(tmp_path, _mutated(rule_id, **changes)))
    assert str(caught.value) == message


def test_a_rationale_indexing_a_placeholder_is_refused(tmp_path: Path) -> None:
    # placeholders are filled with words: `{threshold[0]}` cannot be rendered
    path = _write(tmp_path, _mutated("high-error-rate", rationale="over {threshold[0]}"))
    with pytest.raises(AlertRuleError) as caught:
        load_rules(path)
    assert (caught.value.rule_id, caught.value.field) == ("high-error-rate", "rationale")


@pytest.mark.parametrize(
    ("rule_id", "changes"),
    [
        ("critical-errors", {"frequency_minutes": 43200}),  # Sentry's longest: 30 days
        ("high-error-rate", {"threshold": 0}),  # "more than 0 errors": any error
    ],
)
def test_the_edges_of_sentrys_ranges_are_accepted(
    tmp_path: Path, rule_id: str, changes: dict[str, Any]
) -> None:
    rule = get_rule(rule_id, _write(tmp_path, _mutated(rule_id, **changes)))
    assert {name: getattr(rule, name) for name in changes} == changes


def test_a_slug_may_use_every_letter_a_to_z_and_digits(tmp_path: Path) -> None:
    alerts = _mutated("critical-errors", id="zone-9", runbook="runbooks/zone-9.md")
    assert get_rule("zone-9", _write(tmp_path, alerts)).slug == "zone-9"


# --- what the loader says before a rule's fields are checked --------------------------------

#: Every field a rule may have (alerts.yaml's comment block describes them), as the message
#: lists them: the identity first, the optional metric triggers last.
KNOWN_FIELDS = (
    "id, name, description, kind, condition, aggregate, dataset, query, threshold, unit, "
    "comparison, window_minutes, frequency_minutes, environment, actions, runbook, severity, "
    "rationale, warning_threshold, resolve_threshold"
)


@pytest.mark.parametrize(
    ("actions", "message"),
    [
        (
            [{"type": "pager", "target": "oncall"}],
            "field 'actions[1].type': is 'pager', expected one of email, slack",
        ),
        (
            [{"type": "email", "target": "admins"}, {"type": "email", "target": "  "}],
            "field 'actions[2].target': must not be empty",
        ),
        (
            [{"type": "email", "target": 5}],  # YAML `target: 5` is a number, not a team
            "field 'actions[1].target': must not be empty",
        ),
        (
            [{"type": "slack", "target": "korrigo-alerts"}],
            "field 'actions[1].target': a Slack target is a #channel",
        ),
        (
            [{"type": "email", "target": "admins"}, "admins"],
            "field 'actions[2]': must have exactly `type` and `target`",
        ),
    ],
)
def test_a_bad_action_says_which_one_and_what_to_fix(
    tmp_path: Path, actions: list[Any], message: str
) -> None:
    with pytest.raises(AlertRuleError) as caught:
        load_rules(_write(tmp_path, _mutated("high-error-rate", actions=actions)))
    assert str(caught.value) == f"alert rule 'high-error-rate', {message}"


def test_actions_are_kept_in_order_as_written(tmp_path: Path) -> None:
    actions = [{"type": "slack", "target": "#ops"}, {"type": "email", "target": "dev-team"}]
    rule = get_rule(
        "high-error-rate", _write(tmp_path, _mutated("high-error-rate", actions=actions))
    )
    assert rule.actions == (
        AlertAction(type="slack", target="#ops"),
        AlertAction(type="email", target="dev-team"),
    )


def test_a_rule_that_is_not_a_mapping_is_named_by_its_position() -> None:
    with pytest.raises(AlertRuleError) as caught:
        parse_rule(["id", "name"])  # type: ignore[arg-type]
    assert str(caught.value) == "alert rule '#1', field '(rule)': must be a mapping of fields"
    with pytest.raises(AlertRuleError) as caught:
        parse_rule("critical-errors", 4)  # type: ignore[arg-type]
    assert str(caught.value) == "alert rule '#5', field '(rule)': must be a mapping of fields"


def test_a_rule_without_id_is_named_by_its_position() -> None:
    with pytest.raises(AlertRuleError) as caught:
        parse_rule({"name": "Nameless"}, 2)
    assert str(caught.value) == "alert rule '#3', field 'id': is missing"


def test_a_missing_field_names_the_first_one_missing(tmp_path: Path) -> None:
    alerts = _raw_rules()
    del alerts[0]["severity"], alerts[0]["runbook"]
    with pytest.raises(AlertRuleError) as caught:
        load_rules(_write(tmp_path, alerts))
    assert str(caught.value) == "alert rule 'critical-errors', field 'runbook': is missing"


def test_an_unknown_field_lists_the_known_ones(tmp_path: Path) -> None:
    with pytest.raises(AlertRuleError) as caught:
        load_rules(_write(tmp_path, _mutated("critical-errors", colour="red")))
    assert str(caught.value) == (
        f"alert rule 'critical-errors', field 'colour': unknown field (known: {KNOWN_FIELDS})"
    )


def test_the_second_entry_of_the_file_is_named_number_two(tmp_path: Path) -> None:
    alerts: list[Any] = [_raw_rules()[0], "high-error-rate"]
    with pytest.raises(AlertRuleError) as caught:
        load_rules(_write(tmp_path, alerts))
    assert str(caught.value) == "alert rule '#2', field '(rule)': must be a mapping of fields"


def test_optional_text_fields_left_out_or_null_read_as_empty(tmp_path: Path) -> None:
    raw = _raw_rules()[0]
    del raw["description"], raw["rationale"]
    raw["query"] = None  # `query:` left empty in YAML
    rule = load_rules(_write(tmp_path, [raw]))[0]
    assert (rule.description, rule.rationale, rule.query) == ("", "", "")


def test_optional_text_fields_are_kept_as_written(tmp_path: Path) -> None:
    changes = {"description": "New failures", "rationale": "Each one at once, {frequency}."}
    rule = get_rule("critical-errors", _write(tmp_path, _mutated("critical-errors", **changes)))
    assert (rule.description, rule.rationale) == ("New failures", "Each one at once, {frequency}.")


def test_a_duplicate_id_says_so(tmp_path: Path) -> None:
    alerts = _raw_rules()
    with pytest.raises(AlertRuleError) as caught:
        load_rules(_write(tmp_path, [*alerts, alerts[1]]))
    assert str(caught.value) == "alert rule 'high-error-rate', field 'id': is used by two rules"


def test_a_file_that_is_not_yaml_names_the_file(tmp_path: Path) -> None:
    path = tmp_path / "alerts.yaml"
    path.write_text("alerts: [", encoding="utf-8")
    with pytest.raises(AlertRuleError) as caught:
        load_rules(path)
    assert (caught.value.rule_id, caught.value.field) == ("(file)", str(path))
    assert str(caught.value).startswith(
        f"alert rule '(file)', field {str(path)!r}: is not valid YAML: while parsing"
    )


@pytest.mark.parametrize("text", ["rules: []\n", "alerts: 3\n", "- alerts\n"])
def test_a_file_without_an_alerts_list_says_what_it_needs(tmp_path: Path, text: str) -> None:
    path = tmp_path / "alerts.yaml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(AlertRuleError) as caught:
        load_rules(path)
    assert str(caught.value) == (
        f"alert rule '(file)', field 'alerts': {path} needs a top-level `alerts:` list"
    )
