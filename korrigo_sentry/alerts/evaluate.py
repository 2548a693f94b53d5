"""Evaluate an alert rule locally over captured events, to prove it fires before production does.

Input is what `korrigo_sentry.testing.FakeTransport` records: event and transaction dicts as
they would be sent (ISO timestamps, `exception.values`, `start_timestamp` and `timestamp`).
This is a model of Sentry's evaluation, small enough to read:

- the rule is evaluated as each matching item arrives, over the trailing window
  `(t - window, t]`, so two items exactly `window_minutes` apart never share a window;
- `above` means strictly above the threshold (Sentry's "above"), so reaching it is not enough;
- first-seen groups events by fingerprint, else exception type plus the innermost in-app
  frame, else the message template (Sentry groups by stack trace, then message).
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


def grouping_key(event: Item) -> str:
    """What makes two events the same issue (a simplified form of Sentry's grouping)."""
    fingerprint = event.get("fingerprint")
    if fingerprint and list(fingerprint) != ["{{ default }}"]:
        return "fingerprint:" + "|".join(map(str, fingerprint))
    values = (event.get("exception") or {}).get("values") or []
    if values:
        exc = values[-1]  # the exception that was raised last (the one reported)
        frames = (exc.get("stacktrace") or {}).get("frames") or []
        in_app = [f for f in frames if f.get("in_app")] or frames
        where = ""
        if in_app:
            top = in_app[-1]  # frames run outermost to innermost
            where = f"{top.get('module') or top.get('filename')}.{top.get('function')}"
        name = ".".join(filter(None, (exc.get("module"), exc.get("type"))))
        return f"{name}@{where}"
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
