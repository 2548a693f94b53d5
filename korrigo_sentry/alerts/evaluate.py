"""Evaluate an alert rule locally over captured events, to prove it fires before production does.

Input is what `korrigo_sentry.testing.FakeTransport` records: event and transaction dicts as
they would be sent (ISO timestamps, `exception.values`, `start_timestamp` and `timestamp`).
This is a model of Sentry's evaluation, small enough to read:

- the rule is evaluated as each matching item arrives, over the trailing window
  `(t - window, t]`, so two items exactly `window_minutes` apart never share a window;
- `above` means strictly above the threshold (Sentry's "above"), so reaching it is not enough;
- first-seen groups events by fingerprint, else by the whole exception chain (each
  exception's type and in-app frames), else by the message template (Sentry groups by
  stack trace, then message).

Who is told, and when, follows Sentry's two kinds of rule (facts.yaml: alerts.*):

- a metric rule notifies when its state changes (critical, warning, resolved), never
  while it stays in one: `metric_notifications`;
- an issue rule notifies per issue, at most once per action interval for each issue;
  "a new issue" fires on the first event of each new issue: `issue_notifications`.
"""

from __future__ import annotations

import statistics
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from korrigo_sentry.alerts.rules import AlertRule

Item = Mapping[str, Any]

#: The search queries the evaluator understands (Sentry's syntax, the subset the YAML uses).
SUPPORTED_QUERIES = ("", "event.type:error", "event.type:default", "event.type:transaction")


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
        return datetime.fromisoformat(value.replace("Z", "+00:00")).timestamp()
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


def _matches(rule: AlertRule, item: Item, environment: bool) -> bool:
    if rule.query not in SUPPORTED_QUERIES:
        raise ValueError(
            f"alert rule {rule.id!r}: the local evaluator does not understand query "
            f"{rule.query!r} (supported: {', '.join(repr(q) for q in SUPPORTED_QUERIES)})"
        )
    kind = event_type(item)
    if (rule.dataset == "transactions") != (kind == "transaction"):
        return False
    if rule.query and rule.query != f"event.type:{kind}":
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
    if rule.condition == "first_seen_event":
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
    if rule.aggregate == "p95(transaction.duration)":
        durations = [duration_ms(i) for i in items]
        if not durations:
            return None
        if len(durations) == 1:
            return durations[0]
        # Linear interpolation between closest ranks (the "inclusive" method), like
        # numpy's default percentile; Sentry's quantile is an approximation of it.
        return statistics.quantiles(durations, n=100, method="inclusive")[94]
    raise ValueError(f"alert rule {rule.id!r}: no local evaluation for {rule.aggregate!r}")


def _past(rule: AlertRule, value: float) -> bool:
    assert rule.threshold is not None
    return value > rule.threshold if rule.comparison == "above" else value < rule.threshold


def _over_windows(rule: AlertRule, kept: Sequence[Item]) -> Evaluation:
    assert rule.window_minutes is not None
    width = rule.window_minutes * 60.0
    times = [timestamp(i["timestamp"]) for i in kept]
    worst: tuple[float, int] | None = None  # (value, index of the window's first item)
    start = 0
    for end in range(len(kept)):
        while times[end] - times[start] >= width:
            start += 1
        value = aggregate(rule, kept[start : end + 1])
        if value is None:
            continue
        if worst is None or (value > worst[0]) == (rule.comparison == "above"):
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
    """One message Sentry would send: its time, the new state (or the issue), the value."""

    at: float  # seconds since the epoch
    status: str  # critical | warning | resolved (metric rules) ; new-issue | frequency (issue)
    value: float | None = None
    issue: str | None = None


def _breaches(rule: AlertRule, value: float, threshold: float | None) -> bool:
    if threshold is None:
        return False
    return value > threshold if rule.comparison == "above" else value < threshold


def _resolved(rule: AlertRule, value: float) -> bool:
    """Past the resolve line: below it for an `above` rule (above it for `below`)."""
    if rule.resolve_threshold is None:  # Sentry's default: resolved once nothing breaches
        return True
    if rule.comparison == "above":
        return value < rule.resolve_threshold
    return value > rule.resolve_threshold


def metric_notifications(
    rule: AlertRule, items: Iterable[Item], *, check_environment: bool = True
) -> list[Notification]:
    """Every state change of a metric rule over `items`: one notification per change.

    The sliding window is evaluated at every instant its content changes (an item enters
    or leaves it), the continuous form of Sentry's once-a-minute evaluation. A rule that
    stays critical over many windows therefore notifies once, then once when it resolves.
    """
    if rule.kind != "metric" or rule.window_minutes is None:
        raise ValueError(f"alert rule {rule.id!r} is not a metric rule")
    kept = sorted(
        (i for i in items if _matches(rule, i, check_environment)),
        key=lambda i: timestamp(i["timestamp"]),
    )
    width = rule.window_minutes * 60.0
    times = [timestamp(i["timestamp"]) for i in kept]
    instants = sorted(set(times) | {t + width for t in times})
    status: str | None = None
    sent: list[Notification] = []
    for now in instants:
        inside = [item for item, t in zip(kept, times, strict=True) if now - width < t <= now]
        value = aggregate(rule, inside)
        if value is None:  # no transaction in the window: no data, no change
            continue
        if _breaches(rule, value, rule.threshold):
            new = "critical"
        elif _breaches(rule, value, rule.warning_threshold):
            new = "warning"
        elif status is not None and not _resolved(rule, value):
            new = status  # between the triggers and the resolve line: unchanged
        else:
            new = None
        if new != status:
            sent.append(Notification(now, new or "resolved", value))
            status = new
    return sent


def issue_notifications(
    rule: AlertRule,
    items: Iterable[Item],
    *,
    history: Iterable[Item] = (),
    check_environment: bool = True,
) -> list[Notification]:
    """Every notification of an issue rule: per issue, at most once per action interval."""
    if rule.kind != "issue" or rule.frequency_minutes is None:
        raise ValueError(f"alert rule {rule.id!r} is not an issue rule")
    kept = sorted(
        (i for i in items if _matches(rule, i, check_environment)),
        key=lambda i: timestamp(i["timestamp"]),
    )
    seen = {grouping_key(e) for e in history}
    recent: dict[str, list[float]] = {}
    last_sent: dict[str, float] = {}
    interval = rule.frequency_minutes * 60.0
    sent: list[Notification] = []
    for event in kept:
        key, now = grouping_key(event), timestamp(event["timestamp"])
        if rule.condition == "first_seen_event":
            fires, status = key not in seen, "new-issue"
        else:
            assert rule.window_minutes is not None
            assert rule.threshold is not None
            window = rule.window_minutes * 60.0
            recent[key] = [t for t in recent.get(key, []) if now - window < t] + [now]
            fires, status = len(recent[key]) > rule.threshold, "frequency"
        seen.add(key)
        if fires and (key not in last_sent or now - last_sent[key] >= interval):
            sent.append(Notification(now, status, None, key))
            last_sent[key] = now
    return sent
