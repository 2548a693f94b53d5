"""Evaluate an alert and its monitor locally over captured events, to prove it fires first.

Input is what `korrigo_sentry.testing.FakeTransport` records: event and transaction dicts as
they would be sent (ISO timestamps, `exception.values`, `start_timestamp` and `timestamp`).
This is a model of Sentry's Monitors & Alerts, small enough to read:

- a metric monitor is evaluated as each matching item arrives, over the trailing window
  `(t - window, t]`, so two items exactly one window apart never share a window; its
  issue opens when the value is strictly `above` (reaching it is not enough) and resolves
  once the value is at or below `resolve_at_or_below`;
- the error monitor groups events into issues by fingerprint, else by the whole exception
  chain (each exception's type and in-app frames), else by the message template (Sentry
  groups by stack trace, then message); a request is a segment span, its duration the
  transaction's.

Who is told, and when, follows Sentry's workflows (alerts.yaml, `frequency_minutes`):

- an alert runs when an issue of its monitors changes in a way its triggers name (a new
  issue, a regression; no trigger: any change) and its filters match (the issue's
  priority now, or its fall from a priority, which is how a resolve is told);
- throttling is per issue: after the actions ran for an issue, they run again for that
  issue only once strictly more than `frequency_minutes` have passed
  (getsentry/sentry src/sentry/workflow_engine/processors/action.py, code index id
  5862080816, commit not reported: `workflow.config.get("frequency", 0) *
  timedelta(minutes=1)`, `if (now - status.date_updated) > workflow_frequencies...`);
  another issue is told on its own. A metric monitor keeps one issue, reopened by each
  new breach (an assumption: Sentry's metric issues have open periods on one group).
"""

from __future__ import annotations

import statistics
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from korrigo_sentry.alerts.rules import AlertRule, MetricMonitor

Item = Mapping[str, Any]

#: The monitor queries the evaluator understands (Sentry's syntax, the subset the YAML uses).
SUPPORTED_QUERIES = ("", "is_transaction:true")


@dataclass(frozen=True)
class Evaluation:
    """The outcome of one rule over a set of items."""

    rule_id: str
    fired: bool
    value: float | None  # the worst aggregate seen (count, p95 in ms), None for first-seen
    threshold: float | None
    matched: int  # items the rule's filters kept
    window_start: str | None = None  # ISO timestamp of the worst window
    new_issues: tuple[str, ...] = field(default_factory=tuple)  # first-seen grouping keys

    def __bool__(self) -> bool:
        return self.fired


def timestamp(value: Any) -> float:
    """Seconds since the epoch, from an ISO string (as sent), a datetime or a number."""
    if isinstance(value, int | float) and not isinstance(value, bool):
        return float(value)
    if isinstance(value, datetime):
        return value.timestamp()
    if isinstance(value, str):
        return datetime.fromisoformat(value).timestamp()  # Python 3.11 reads a trailing "Z"
    raise ValueError(f"not a timestamp: {value!r}")


def event_type(item: Item) -> str:
    """`transaction`, `error` (has an exception) or `default` (a message), as Sentry says."""
    if item.get("type") == "transaction":
        return "transaction"
    values = (item.get("exception") or {}).get("values") or []
    return "error" if values else "default"


def duration_ms(item: Item) -> float:
    """A transaction's duration in milliseconds."""
    return (timestamp(item["timestamp"]) - timestamp(item["start_timestamp"])) * 1000.0


def _exception_key(exc: Item) -> str:
    """`module.Type@mod.outer>mod.inner`: the type and every in-app frame, outermost first."""
    frames = (exc.get("stacktrace") or {}).get("frames") or []
    in_app = [f for f in frames if f.get("in_app")] or frames
    where = ">".join(f"{f.get('module') or f.get('filename')}.{f.get('function')}" for f in in_app)
    name = ".".join(filter(None, (exc.get("module"), exc.get("type"))))
    return f"{name}@{where}"


def grouping_key(event: Item) -> str:
    """What makes two events the same issue (a simplified form of Sentry's grouping).

    Sentry's stack-trace grouping hashes every in-app frame of every exception in the
    chain (`raise ... from ...` included), not only the innermost frame of the last one:
    the same error reached through another caller, or caused by another error, is
    another issue.
    """
    fingerprint = event.get("fingerprint")
    if fingerprint and list(fingerprint) != ["{{ default }}"]:
        return "fingerprint:" + "|".join(map(str, fingerprint))
    values = (event.get("exception") or {}).get("values") or []
    if values:
        return " <- ".join(_exception_key(exc) for exc in reversed(values))
    logentry = event.get("logentry") or {}
    return "message:" + str(logentry.get("message") or event.get("message") or "")


def _metric(rule: AlertRule) -> MetricMonitor:
    monitor = rule.monitor
    if not isinstance(monitor, MetricMonitor):
        raise ValueError(f"alert {rule.id!r} does not act on a metric monitor")
    return monitor


def _matches(rule: AlertRule, item: Item, environment: bool) -> bool:
    """Does the alert's monitor see this item? Errors: error events; spans: requests."""
    monitor = rule.monitor
    if monitor.type == "uptime":
        raise ValueError(
            f"alert {rule.id!r}: an uptime monitor checks a URL, not events; "
            "the local evaluator has nothing to evaluate"
        )
    if rule.query not in SUPPORTED_QUERIES:
        raise ValueError(
            f"alert {rule.id!r}: the local evaluator does not understand query "
            f"{rule.query!r} (supported: {', '.join(repr(q) for q in SUPPORTED_QUERIES)})"
        )
    kind = event_type(item)
    wanted: tuple[str, ...]
    if isinstance(monitor, MetricMonitor):
        wanted = {"errors": ("error",), "spans": ("transaction",)}[monitor.dataset]
    else:  # the error monitor: every event that is not a transaction becomes an issue
        wanted = ("error", "default")
    if kind not in wanted:
        return False
    return not (environment and rule.environment and item.get("environment") != rule.environment)


def evaluate(
    rule: AlertRule,
    items: Iterable[Item],
    *,
    history: Iterable[Item] = (),
    check_environment: bool = True,
) -> Evaluation:
    """Would `rule` fire over `items`? `history`: earlier events, for first-seen rules.

    `check_environment=False` ignores the rule's environment (for drills run in `test`).
    """
    kept = sorted(
        (i for i in items if _matches(rule, i, check_environment)),
        key=lambda i: timestamp(i["timestamp"]),
    )
    if rule.kind == "issue":
        return _first_seen(rule, kept, history)
    return _over_windows(rule, kept)


def _first_seen(rule: AlertRule, kept: Sequence[Item], history: Iterable[Item]) -> Evaluation:
    seen = {grouping_key(e) for e in history}
    new: list[str] = []
    for event in kept:
        key = grouping_key(event)
        if key not in seen:
            new.append(key)
            seen.add(key)
    return Evaluation(rule.id, bool(new), None, None, len(kept), None, tuple(new))


def aggregate(rule: AlertRule, items: Sequence[Item]) -> float | None:
    """The rule's aggregate over `items`: a count, or the 95th percentile in ms."""
    if rule.aggregate == "count()":
        return float(len(items))
    if rule.aggregate == "p95(span.duration)":  # a request's segment span: its duration
        durations = [duration_ms(i) for i in items]
        if not durations:
            return None
        if len(durations) == 1:
            return durations[0]
        # Linear interpolation between closest ranks (the "inclusive" method), like
        # numpy's default percentile; Sentry's quantile is an approximation of it.
        return statistics.quantiles(durations, n=100, method="inclusive")[94]
    raise ValueError(f"alert {rule.id!r}: no local evaluation for {rule.aggregate!r}")


def _past(rule: AlertRule, value: float) -> bool:
    """Strictly above the monitor's line: the issue opens."""
    return value > _metric(rule).above


def _over_windows(rule: AlertRule, kept: Sequence[Item]) -> Evaluation:
    width = float(_metric(rule).window_seconds)
    times = [timestamp(i["timestamp"]) for i in kept]
    worst: tuple[float, int] | None = None  # (value, index of the window's first item)
    start = 0
    for end in range(len(kept)):
        while times[end] - times[start] >= width:
            start += 1
        value = aggregate(rule, kept[start : end + 1])
        if value is None:
            continue
        if worst is None or value > worst[0]:
            worst = (value, start)
    if worst is None:
        return Evaluation(rule.id, False, None, rule.threshold, 0)
    value, start = worst
    return Evaluation(
        rule.id,
        _past(rule, value),
        value,
        rule.threshold,
        len(kept),
        str(kept[start]["timestamp"]),
    )


# --- notifications: when Sentry tells someone ---------------------------------------------


@dataclass(frozen=True)
class Notification:
    """One run of the alert's actions: its time, what happened to the issue, the value."""

    at: float  # seconds since the epoch
    status: str  # high | medium (a metric issue opened at) | resolved | new-issue | regression
    value: float | None = None
    issue: str | None = None


@dataclass
class _Throttle:
    """Per issue: the actions run again only strictly after `frequency_minutes`."""

    minutes: int
    last: dict[str, float] = field(default_factory=dict)

    def allows(self, issue: str, now: float) -> bool:
        if issue in self.last and not (now - self.last[issue] > self.minutes * 60.0):
            return False
        self.last[issue] = now
        return True


_RANK = {"ok": 0, "medium": 50, "high": 75}


def _filters_pass(rule: AlertRule, before: str, after: str) -> bool:
    """The alert's filters on an issue going from priority `before` to `after`."""
    results = []
    for item in rule.filters:
        if hasattr(item, "priority_at_least"):
            results.append(_RANK[after] >= _RANK[item.priority_at_least])
        else:  # deescalating_from: it was at or above that priority and now is below it
            level = _RANK[item.deescalating_from]
            results.append(_RANK[before] >= level > _RANK[after])
    if not results:
        return True
    return any(results) if rule.filter_match == "any" else all(results)


def _triggers_pass(rule: AlertRule, change: str) -> bool:
    """No trigger: any change of the issue starts the alert; else the change must be one."""
    return not rule.triggers or change in rule.triggers


def metric_notifications(
    rule: AlertRule, items: Iterable[Item], *, check_environment: bool = True
) -> list[Notification]:
    """Every run of the alert on its metric monitor's issue over `items`.

    The sliding window is evaluated at every instant its content changes (an item enters
    or leaves it), the continuous form of Sentry's once-a-minute evaluation. The issue
    opens strictly above the line, at the monitor's priority, and resolves at or below
    `resolve_at_or_below`; in between it stays as it is. Each change goes through the
    alert's triggers, filters and throttling: a monitor that stays open over many
    windows is told once, then once more when it resolves.
    """
    monitor = _metric(rule)
    kept = sorted(
        (i for i in items if _matches(rule, i, check_environment)),
        key=lambda i: timestamp(i["timestamp"]),
    )
    width = float(monitor.window_seconds)
    times = [timestamp(i["timestamp"]) for i in kept]
    instants = sorted(set(times) | {t + width for t in times})
    throttle = _Throttle(rule.frequency_minutes)
    state, opened_before = "ok", False
    sent: list[Notification] = []
    for now in instants:
        paired = zip(
            kept,
            times,
            strict=True,  # pragma: no mutate (times is made from kept: always one length)
        )
        inside = [item for item, t in paired if now - width < t <= now]
        value = aggregate(rule, inside)
        if value is None:  # no request in the window: no data, no change
            continue
        new: str
        if value > monitor.above:
            new = monitor.priority
        elif value <= monitor.resolve_at_or_below:
            new = "ok"
        else:
            new = state
        if new == state:
            continue
        if state == "ok":
            change = "regression_event" if opened_before else "first_seen_event"
            opened_before = True
        else:
            change = "resolved"  # pragma: no mutate (no trigger has this name: any word works)
        before, state = state, new
        if (
            _triggers_pass(rule, change)
            and _filters_pass(rule, before, new)
            and throttle.allows(
                monitor.id,  # pragma: no mutate (one monitor, one issue: any key is the same)
                now,
            )
        ):
            sent.append(Notification(now, "resolved" if new == "ok" else new, value, monitor.id))
    return sent


def issue_notifications(
    rule: AlertRule,
    items: Iterable[Item],
    *,
    history: Iterable[Item] = (),
    check_environment: bool = True,
) -> list[Notification]:
    """Every run of an alert on the error monitor's issues: a new issue starts it (the
    `first_seen_event` trigger). Each issue is told at most once here (its later events
    trigger nothing), so the per-issue throttle never holds one back: none is kept."""
    if rule.kind != "issue":
        raise ValueError(f"alert {rule.id!r} does not act on the error monitor's issues")
    kept = sorted(
        (i for i in items if _matches(rule, i, check_environment)),
        key=lambda i: timestamp(i["timestamp"]),
    )
    seen = {grouping_key(e) for e in history}
    sent: list[Notification] = []
    for event in kept:
        key, now = grouping_key(event), timestamp(event["timestamp"])
        new = key not in seen
        seen.add(key)
        if not new or not _triggers_pass(rule, "first_seen_event"):
            continue  # a later event of a known issue is no trigger Korrigo uses
        if _filters_pass(rule, "ok", "ok"):
            sent.append(Notification(now, "new-issue", None, key))
    return sent
