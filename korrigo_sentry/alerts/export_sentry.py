"""Turn the neutral alert YAML into payloads for Sentry's alert-rule endpoints.

- issue rules -> `POST /api/0/projects/{org}/{project}/rules/` (issue alert rules);
- metric rules -> `POST /api/0/organizations/{org}/alert-rules/` (metric alert rules).

Sentry marks both endpoints deprecated in favour of its Monitors & Alerts API (workflows
and detectors). This module is the only place that knows the legacy shapes: an exporter
for the new API is a sibling module reading the same `AlertRule` objects, and the YAML
does not change. Every payload carries its runbook's URL in the rule name (shown in every
notification), and in Slack actions' notes.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from korrigo_sentry.alerts.rules import EVENT_FREQUENCY_INTERVALS, AlertAction, AlertRule

ISSUE_ENDPOINT = "POST /api/0/projects/{org}/{project}/rules/"
METRIC_ENDPOINT = "POST /api/0/organizations/{org}/alert-rules/"
DEPRECATION_NOTE = (
    "Sentry marks the issue-alert and metric-alert endpoints deprecated in favour of "
    "its Monitors & Alerts API; these payloads target the deprecated endpoints."
)

FIRST_SEEN = "sentry.rules.conditions.first_seen_event.FirstSeenEventCondition"
EVENT_FREQUENCY = "sentry.rules.conditions.event_frequency.EventFrequencyCondition"
EMAIL_ACTION = "sentry.mail.actions.NotifyEmailAction"
SLACK_ACTION = "sentry.integrations.slack.notify_action.SlackNotifyServiceAction"
#: Sentry's metric alert `queryType`: 0 `event.type:error`, 1 `event.type:transaction`.
QUERY_TYPES = {"events": 0, "transactions": 1}
#: Sentry's `thresholdType`: 0 above, 1 below (the resolve line takes the opposite).
THRESHOLD_TYPES = {"above": 0, "below": 1}
#: The API's dataset per aggregate: a standard percentile of transaction durations is
#: computed on `generic_metrics`; only a custom `percentile(...)` uses `transactions`.
METRIC_DATASETS = {"count()": "events", "p95(transaction.duration)": "generic_metrics"}
#: Sentry's rule names are limited to 256 characters.
NAME_LIMIT = 256


@dataclass(frozen=True)
class Destination:
    """Where the rules go. Sentry wants ids for teams and Slack workspaces: map them here.

    Unmapped team names are exported as they are, for a reviewer to replace.
    """

    org: str = "korrigo"
    project: str = "korrigo"
    site_url: str = ""
    team_ids: Mapping[str, str] = field(default_factory=dict)
    slack_integration_id: str = "SLACK_INTEGRATION_ID"


def runbook_url(rule: AlertRule, site_url: str) -> str:
    """The built page of the rule's runbook (`<site_url>runbooks/<slug>/`)."""
    base = site_url if site_url.endswith("/") else site_url + "/"
    return f"{base}runbooks/{rule.slug}/"


def rule_name(rule: AlertRule, url: str) -> str:
    """`Critical errors | runbook: <url>`, within Sentry's length limit."""
    name = f"{rule.name} | runbook: {url}"
    if len(name) > NAME_LIMIT:
        raise ValueError(f"alert rule {rule.id!r}: name with runbook URL exceeds {NAME_LIMIT}")
    return name


def _team(action: AlertAction, dest: Destination) -> str:
    return dest.team_ids.get(action.target, action.target)


def _numeric(value: str) -> int | str:
    """Sentry ids are integers in issue-alert actions; an unmapped name stays as it is."""
    return int(value) if value.isdigit() else value


def _issue_action(action: AlertAction, dest: Destination, url: str) -> dict[str, Any]:
    if action.type == "email":
        return {
            "id": EMAIL_ACTION,
            "targetType": "Team",
            "targetIdentifier": _numeric(_team(action, dest)),
            "fallthroughType": "ActiveMembers",
        }
    return {
        "id": SLACK_ACTION,
        "workspace": _numeric(dest.slack_integration_id),
        "channel": action.target,
        "tags": "environment,release",
        "notes": f"Runbook: {url}",
    }


def _metric_action(action: AlertAction, dest: Destination) -> dict[str, Any]:
    if action.type == "email":
        return {"type": "email", "targetType": "team", "targetIdentifier": _team(action, dest)}
    return {
        "type": "slack",
        "targetType": "specific",
        "targetIdentifier": action.target,
        "integrationId": _numeric(dest.slack_integration_id),
    }


def issue_payload(rule: AlertRule, dest: Destination) -> dict[str, Any]:
    """An issue alert rule (first seen event, or event frequency).

    `frequency` is the action interval, which Sentry applies per issue.
    """
    url = runbook_url(rule, dest.site_url)
    if rule.condition == "first_seen_event":
        condition: dict[str, Any] = {"id": FIRST_SEEN}
    else:
        interval = {m: label for label, m in EVENT_FREQUENCY_INTERVALS.items()}
        condition = {
            "id": EVENT_FREQUENCY,
            "interval": interval[rule.window_minutes],
            "value": rule.threshold,
            "comparisonType": "count",
        }
    return {
        "name": rule_name(rule, url),
        "environment": rule.environment,
        "actionMatch": "all",
        "filterMatch": "all",
        "frequency": rule.frequency_minutes,
        "conditions": [condition],
        "filters": [],
        "actions": [_issue_action(a, dest, url) for a in rule.actions],
    }


def metric_payload(rule: AlertRule, dest: Destination) -> dict[str, Any]:
    """A metric alert rule: a `critical` trigger, a `warning` one when set, a resolve line.

    Metric alerts have no action interval: Sentry notifies when the rule changes state
    (critical, warning, resolved), so there is no `frequency` here. Without a resolve
    threshold the field is left out and Sentry resolves once no trigger is breached.
    The rule's `event.type:` term becomes `eventTypes`; the rest of its query stays.
    """
    url = runbook_url(rule, dest.site_url)
    terms = rule.query.split()
    event_types = [t.split(":", 1)[1] for t in terms if t.startswith("event.type:")]
    actions = [_metric_action(a, dest) for a in rule.actions]
    triggers: list[dict[str, Any]] = [
        {"label": "critical", "alertThreshold": rule.threshold, "actions": actions}
    ]
    if rule.warning_threshold is not None:
        triggers.append(
            {"label": "warning", "alertThreshold": rule.warning_threshold, "actions": actions}
        )
    payload: dict[str, Any] = {
        "name": rule_name(rule, url),
        "projects": [dest.project],
        "environment": rule.environment,
        "queryType": QUERY_TYPES[rule.dataset],
        "dataset": METRIC_DATASETS[rule.aggregate or ""],
        "eventTypes": event_types,
        "query": " ".join(t for t in terms if not t.startswith("event.type:")),
        "aggregate": rule.aggregate,
        "timeWindow": rule.window_minutes,
        "thresholdType": THRESHOLD_TYPES[rule.comparison or "above"],
        "triggers": triggers,
    }
    if rule.resolve_threshold is not None:
        payload["resolveThreshold"] = rule.resolve_threshold
    return payload


def export_rule(rule: AlertRule, dest: Destination) -> dict[str, Any]:
    """`{"rule", "endpoint", "runbook_url", "payload"}` for one rule."""
    issue = rule.kind == "issue"
    endpoint = (ISSUE_ENDPOINT if issue else METRIC_ENDPOINT).format(
        org=dest.org, project=dest.project
    )
    payload = issue_payload(rule, dest) if issue else metric_payload(rule, dest)
    return {
        "rule": rule.id,
        "endpoint": endpoint,
        "runbook_url": runbook_url(rule, dest.site_url),
        "payload": payload,
    }


def export_rules(rules: list[AlertRule], dest: Destination) -> list[dict[str, Any]]:
    """Every rule's export, in YAML order."""
    return [export_rule(rule, dest) for rule in rules]
