"""Alert rules as data: load `data/alerts.yaml` and check it against Sentry's limits.

The checks are written by hand because they are Sentry's product constraints (allowed
intervals, windows, frequencies), which no schema library knows; each failure names the
rule and the field so that the YAML can be fixed without reading this module.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, fields
from functools import cache
from pathlib import Path
from typing import Any

import yaml

#: The rules shipped with the package.
DEFAULT_PATH = Path(__file__).resolve().parent.parent / "data" / "alerts.yaml"

#: Sentry's bounds on an issue alert's action interval, in minutes (5 min .. 30 days). The
#: interval applies per issue (facts.yaml: alerts.issue_interval); metric alerts have none.
FREQUENCY_RANGE: tuple[int, int] = (5, 43200)

#: The placeholders a rule's rationale may use; the pages fill them from the rule itself.
RATIONALE_FIELDS = ("window", "frequency", "threshold")

#: The intervals Sentry offers for "an issue is seen more than N times in ...", in minutes.
EVENT_FREQUENCY_INTERVALS: dict[str, int] = {
    "1m": 1,
    "5m": 5,
    "15m": 15,
    "1h": 60,
    "1d": 1440,
    "1w": 10080,
    "30d": 43200,
}

#: The time windows Sentry offers for metric alerts, in minutes.
METRIC_TIME_WINDOWS: tuple[int, ...] = (1, 5, 10, 15, 30, 60, 120, 240, 1440)

KINDS = ("issue", "metric")
CONDITIONS: dict[str, tuple[str, ...]] = {
    "issue": ("first_seen_event", "event_frequency"),
    "metric": ("threshold",),
}
AGGREGATES: dict[str, str] = {  # aggregate -> the dataset it is computed on
    "count()": "events",
    "p95(transaction.duration)": "transactions",
}
DATASETS = ("events", "transactions")
COMPARISONS = ("above", "below")
UNITS = ("events", "ms")
ACTION_TYPES = ("email", "slack")
SEVERITIES = ("critical", "high", "medium", "low")


class AlertRuleError(ValueError):
    """A rule breaks a constraint. The message names the rule id and the field."""

    def __init__(self, rule_id: str, field_name: str, problem: str) -> None:
        self.rule_id = rule_id
        self.field = field_name
        self.problem = problem
        super().__init__(f"alert rule {rule_id!r}, field {field_name!r}: {problem}")


@dataclass(frozen=True)
class AlertAction:
    """Who is told: `email` to a team, `slack` to a channel."""

    type: str
    target: str


@dataclass(frozen=True)
class AlertRule:
    """One alert, in Korrigo's neutral schema (see the comments in alerts.yaml)."""

    id: str
    name: str
    description: str
    kind: str
    condition: str
    aggregate: str | None
    dataset: str
    query: str
    threshold: float | None
    unit: str | None
    comparison: str | None
    window_minutes: int | None
    frequency_minutes: int | None  # issue rules only: the action interval, per issue
    environment: str | None
    actions: tuple[AlertAction, ...]
    runbook: str
    severity: str
    rationale: str = ""
    #: Metric rules only: a lower-severity trigger, and the value that resolves the alert
    #: (None: it resolves as soon as no trigger is breached, Sentry's default).
    warning_threshold: float | None = None
    resolve_threshold: float | None = None

    @property
    def slug(self) -> str:
        """The runbook page's slug (`runbooks/<slug>.md`)."""
        return Path(self.runbook).stem

    @property
    def window_label(self) -> str:
        """The window as Sentry writes it (`5m`, `1h`), or '' when there is none."""
        if self.window_minutes is None:
            return ""
        for label, minutes in EVENT_FREQUENCY_INTERVALS.items():
            if minutes == self.window_minutes:
                return label
        return f"{self.window_minutes}m"


_FIELDS = [f.name for f in fields(AlertRule)]
_OPTIONAL = {
    "description",
    "rationale",
    "frequency_minutes",
    "warning_threshold",
    "resolve_threshold",
}


def parse_rule(raw: Mapping[str, Any], index: int = 0) -> AlertRule:
    """Build and validate one rule from its YAML mapping."""
    if not isinstance(raw, Mapping):
        raise AlertRuleError(f"#{index + 1}", "(rule)", "must be a mapping of fields")
    rule_id = str(raw.get("id") or f"#{index + 1}")
    unknown = sorted(set(raw) - set(_FIELDS))
    if unknown:
        raise AlertRuleError(rule_id, unknown[0], f"unknown field (known: {', '.join(_FIELDS)})")
    missing = [n for n in _FIELDS if n not in raw and n not in _OPTIONAL]
    if missing:
        raise AlertRuleError(rule_id, missing[0], "is missing")
    values = {n: raw.get(n, "") for n in _FIELDS}
    for name in ("frequency_minutes", "warning_threshold", "resolve_threshold"):
        values[name] = raw.get(name)
    values["actions"] = _actions(rule_id, raw["actions"])
    values["query"] = values["query"] or ""
    values["description"] = values["description"] or ""
    values["rationale"] = values["rationale"] or ""
    rule = AlertRule(**values)
    validate_rule(rule)
    return rule


def _actions(rule_id: str, raw: Any) -> tuple[AlertAction, ...]:
    if not isinstance(raw, list) or not raw:
        raise AlertRuleError(rule_id, "actions", "needs at least one action")
    actions = []
    for number, item in enumerate(raw, 1):
        if not isinstance(item, Mapping) or set(item) != {"type", "target"}:
            raise AlertRuleError(
                rule_id, f"actions[{number}]", "must have exactly `type` and `target`"
            )
        if item["type"] not in ACTION_TYPES:
            raise AlertRuleError(
                rule_id, f"actions[{number}].type", _one_of(item["type"], ACTION_TYPES)
            )
        if not isinstance(item["target"], str) or not item["target"].strip():
            raise AlertRuleError(rule_id, f"actions[{number}].target", "must not be empty")
        if item["type"] == "slack" and not item["target"].startswith("#"):
            raise AlertRuleError(
                rule_id, f"actions[{number}].target", "a Slack target is a #channel"
            )
        actions.append(AlertAction(type=item["type"], target=item["target"]))
    return tuple(actions)


def _one_of(value: Any, allowed: tuple[Any, ...]) -> str:
    return f"is {value!r}, expected one of {', '.join(map(str, allowed))}"


def _check(rule: AlertRule, field_name: str, ok: bool, problem: str) -> None:
    if not ok:
        raise AlertRuleError(rule.id, field_name, problem)


def validate_rule(rule: AlertRule) -> None:
    """Raise AlertRuleError for the first field that Sentry (or Korrigo) would refuse."""
    _check(rule, "id", _is_slug(rule.id), f"{rule.id!r} is not a slug (a-z, 0-9, -)")
    _check(rule, "name", isinstance(rule.name, str) and bool(rule.name), "must not be empty")
    _check(rule, "kind", rule.kind in KINDS, _one_of(rule.kind, KINDS))
    conditions = CONDITIONS[rule.kind]
    _check(rule, "condition", rule.condition in conditions, _one_of(rule.condition, conditions))
    _check(rule, "dataset", rule.dataset in DATASETS, _one_of(rule.dataset, DATASETS))
    _check(rule, "query", isinstance(rule.query, str), "must be a string")
    _check(rule, "severity", rule.severity in SEVERITIES, _one_of(rule.severity, SEVERITIES))
    _check_rationale(rule)
    if rule.kind == "issue":
        _check_frequency(rule)
        for name in ("warning_threshold", "resolve_threshold"):
            _check(rule, name, getattr(rule, name) is None, "only metric rules have it")
    else:
        _check(
            rule,
            "frequency_minutes",
            rule.frequency_minutes is None,
            "a metric alert has no action interval: Sentry notifies when its state "
            "changes (critical, warning, resolved); remove the field",
        )
    if rule.condition == "first_seen_event":
        _check_first_seen(rule)
    elif rule.condition == "event_frequency":
        _check_event_frequency(rule)
    else:
        _check_metric(rule)
    expected = f"runbooks/{rule.id}.md"
    _check(rule, "runbook", rule.runbook == expected, f"must be {expected!r}")


def _check_rationale(rule: AlertRule) -> None:
    try:
        rule.rationale.format(**dict.fromkeys(RATIONALE_FIELDS, ""))
    except (KeyError, IndexError, ValueError) as exc:
        _check(rule, "rationale", False, f"unknown placeholder {exc} (known: {RATIONALE_FIELDS})")


def _is_slug(value: Any) -> bool:
    return (
        isinstance(value, str)
        and bool(value)
        and all(c.isdigit() or ("a" <= c <= "z") or c == "-" for c in value)
        and not value.startswith("-")
    )


def _is_int(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def _check_frequency(rule: AlertRule) -> None:
    low, high = FREQUENCY_RANGE
    value = rule.frequency_minutes
    _check(
        rule,
        "frequency_minutes",
        _is_int(value) and low <= value <= high,
        f"is {value!r}, Sentry accepts whole minutes from {low} to {high}",
    )


def _check_first_seen(rule: AlertRule) -> None:
    for name in ("aggregate", "threshold", "unit", "comparison", "window_minutes"):
        _check(rule, name, getattr(rule, name) is None, "must be null for a first-seen rule")
    _check(rule, "dataset", rule.dataset == "events", "a first-seen rule watches `events`")


def _check_positive_threshold(rule: AlertRule, unit: str) -> None:
    value = rule.threshold
    number = isinstance(value, int | float) and not isinstance(value, bool)
    _check(rule, "threshold", number and value >= 0, f"is {value!r}, expected a number >= 0")
    _check(rule, "unit", rule.unit == unit, f"is {rule.unit!r}, expected {unit!r}")


def _check_event_frequency(rule: AlertRule) -> None:
    _check(rule, "aggregate", rule.aggregate == "count()", "an event-frequency rule counts")
    _check(rule, "comparison", rule.comparison == "above", "Sentry only offers `above` here")
    _check_positive_threshold(rule, "events")
    allowed = tuple(EVENT_FREQUENCY_INTERVALS.values())
    _check(
        rule,
        "window_minutes",
        rule.window_minutes in allowed,
        f"is {rule.window_minutes!r}, Sentry's event-frequency intervals are "
        f"{', '.join(EVENT_FREQUENCY_INTERVALS)} ({', '.join(map(str, allowed))} minutes)",
    )


def _check_metric(rule: AlertRule) -> None:
    _check(
        rule, "aggregate", rule.aggregate in AGGREGATES, _one_of(rule.aggregate, tuple(AGGREGATES))
    )
    dataset = AGGREGATES[rule.aggregate]
    _check(rule, "dataset", rule.dataset == dataset, f"{rule.aggregate} is computed on {dataset}")
    _check(
        rule, "comparison", rule.comparison in COMPARISONS, _one_of(rule.comparison, COMPARISONS)
    )
    _check_positive_threshold(rule, "events" if rule.aggregate == "count()" else "ms")
    _check(
        rule,
        "window_minutes",
        rule.window_minutes in METRIC_TIME_WINDOWS,
        f"is {rule.window_minutes!r}, Sentry's metric time windows are "
        f"{', '.join(map(str, METRIC_TIME_WINDOWS))} minutes",
    )
    _check_trigger_order(rule)


def _number(value: Any) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


def _check_trigger_order(rule: AlertRule) -> None:
    """Warning fires before critical; the resolve line lies on the safe side of both."""
    assert rule.threshold is not None
    above = rule.comparison == "above"
    lowest = rule.threshold
    if rule.warning_threshold is not None:
        warning = rule.warning_threshold
        _check(rule, "warning_threshold", _number(warning), "must be a number")
        before = warning < rule.threshold if above else warning > rule.threshold
        _check(rule, "warning_threshold", before, "must be reached before the critical threshold")
        lowest = warning
    if rule.resolve_threshold is not None:
        resolve = rule.resolve_threshold
        _check(rule, "resolve_threshold", _number(resolve), "must be a number")
        safe = resolve <= lowest if above else resolve >= lowest
        side = "at or below" if above else "at or above"
        _check(rule, "resolve_threshold", safe, f"must be {side} the lowest trigger ({lowest:g})")


def load_rules(path: str | Path | None = None) -> list[AlertRule]:
    """Every rule of the YAML file (the package's by default), validated."""
    if path is None:
        return list(_load_default())
    return list(_load(Path(path)))


@cache
def _load_default() -> tuple[AlertRule, ...]:
    return _load(DEFAULT_PATH)


def _load(source: Path) -> tuple[AlertRule, ...]:
    try:
        data = yaml.safe_load(source.read_text(encoding="utf-8"))
    except yaml.YAMLError as exc:
        raise AlertRuleError("(file)", str(source), f"is not valid YAML: {exc}") from None
    if not isinstance(data, Mapping) or not isinstance(data.get("alerts"), list):
        raise AlertRuleError("(file)", "alerts", f"{source} needs a top-level `alerts:` list")
    rules = tuple(parse_rule(raw, i) for i, raw in enumerate(data["alerts"]))
    seen: set[str] = set()
    for rule in rules:
        _check(rule, "id", rule.id not in seen, "is used by two rules")
        seen.add(rule.id)
    return rules


def load_policy(path: str | Path | None = None) -> dict[str, int]:
    """The on-call response times of the file's `policy:` block, in minutes."""
    data = yaml.safe_load(Path(path or DEFAULT_PATH).read_text(encoding="utf-8"))
    policy = data.get("policy") if isinstance(data, Mapping) else None
    if not isinstance(policy, Mapping) or not all(_is_int(v) and v > 0 for v in policy.values()):
        raise AlertRuleError("(file)", "policy", "needs a `policy:` mapping of whole minutes")
    return dict(policy)


def get_rule(rule_id: str, path: str | Path | None = None) -> AlertRule:
    """The rule with this id; KeyError naming the known ids otherwise."""
    rules = load_rules(path)
    for rule in rules:
        if rule.id == rule_id:
            return rule
    raise KeyError(f"no alert rule {rule_id!r}; known: {', '.join(r.id for r in rules)}")
