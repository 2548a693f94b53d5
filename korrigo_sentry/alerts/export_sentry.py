"""Turn alerts.yaml into the HTTP calls of Sentry's organisation-scoped Monitors & Alerts API.

The plan, in order (each call may provide a `${...}` reference later calls use):

1. `GET /api/0/projects/{org}/{project}/` -> the project's numeric id (unless given);
2. `GET /api/0/organizations/{org}/detectors/?project=<id>&query=type:error` -> the
   project's default Error monitor, which Sentry created with the project (never created
   here); the new-issue alert connects to it;
3. `POST /api/0/organizations/{org}/detectors/` for each metric and uptime monitor;
4. `POST /api/0/organizations/{org}/workflows/` for each alert, with `detectorIds`.

Endpoints: getsentry/sentry src/sentry/workflow_engine/endpoints/urls.py @
006a150cd11c934239a08abc6d8f15ba76ed3fcc (`^(?P<organization_id_or_slug>[^/]+)/detectors/$`,
`.../workflows/$`); docs "Create a Monitor for a Project" (`POST
/api/0/organizations/{organization_id_or_slug}/detectors/`, with `projectId` in the body,
as Sentry's OrganizationDetectorIndexPostTest sends it). The legacy `/rules/` and
`/alert-rules/` payloads are gone: those routes answer 410 during brownouts since
2026-05-14 and are being removed (getsentry/sentry pull request 121879).

Every payload is checked against `sentry_schema` (the mirror of Sentry's validators)
before it is returned, and names its runbook (the alert's name, the monitor's description).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from pydantic import ValidationError

from korrigo_sentry.alerts import sentry_schema
from korrigo_sentry.alerts.rules import (
    AlertAction,
    AlertRule,
    AlertsFile,
    ErrorMonitor,
    MetricMonitor,
    UptimeMonitor,
)

API = "/api/0"
#: Dataset words of alerts.yaml -> Sentry's (queryType, dataset, eventTypes); see
#: sentry_schema.MetricDataSource for the sources.
DATASETS: dict[str, tuple[int, str, list[str]]] = {
    "errors": (0, "events", ["error"]),
    "spans": (1, "events_analytics_platform", ["trace_item_span"]),
}
#: Workflow names are limited to 256 characters (WorkflowValidator).
NAME_LIMIT = 256


class ExportError(ValueError):
    """A payload Sentry's validators (as mirrored) would refuse: names the object and field."""


def _checked(check: Any, kind: str, object_id: str, payload: dict[str, Any]) -> dict[str, Any]:
    try:
        check(payload)
    except ValidationError as exc:
        first = exc.errors()[0]
        where = ".".join(str(p) for p in first["loc"]) or "(body)"
        raise ExportError(
            f"{kind} {object_id!r}: Sentry would refuse {where}: {first['msg']}; "
            "fix it in alerts.yaml"
        ) from None
    return payload


@dataclass(frozen=True)
class Destination:
    """Where the monitors and alerts go. Sentry wants ids for the project, teams and the
    Slack integration: map them here; an unmapped one stays a `${...}` reference, which
    `alerts apply` refuses to send."""

    org: str = "{org}"  # a placeholder until --org names the organization
    project: str = "korrigo"
    project_id: str | None = None
    site_url: str = ""
    team_ids: Mapping[str, str] = field(default_factory=dict)
    slack_integration_id: str | None = None


@dataclass(frozen=True)
class Call:
    """One HTTP call of the plan."""

    object: str  # project | detector | workflow
    id: str  # the YAML id (or the project slug)
    method: str
    path: str
    body: dict[str, Any] | None = None
    provides: str | None = None  # the reference the response's id fills
    pick: str = "id"  # where the id is in the response: "id" or "[0].id"
    runbook_url: str | None = None

    def as_dict(self) -> dict[str, Any]:
        return {
            "object": self.object,
            "id": self.id,
            "method": self.method,
            "path": self.path,
            "body": self.body,
            "provides": self.provides,
            "runbook_url": self.runbook_url,
        }


def ref(kind: str, name: str) -> str:
    """`${detector:error-count}`: an id known only once an earlier call has answered."""
    return f"${{{kind}:{name}}}"


def runbook_url(rule: AlertRule, site_url: str) -> str | None:
    """The built page of the alert's runbook (`<site_url>runbooks/<slug>/`), if any."""
    if rule.runbook is None:
        return None
    base = site_url if site_url.endswith("/") else site_url + "/"
    return f"{base}runbooks/{rule.slug}/"


def _name(rule: AlertRule, url: str | None) -> str:
    name = f"{rule.name} | runbook: {url}" if url else rule.name
    if len(name) > NAME_LIMIT:
        raise ValueError(f"alert {rule.id!r}: name with runbook URL exceeds {NAME_LIMIT}")
    return name


def _id(value: str, kind: str, name: str) -> int | str:
    """A numeric id as an int; a missing one as a reference."""
    if value and value.isdigit():
        return int(value)
    return ref(kind, name)


def _number(value: float) -> int | float:
    """10.0 -> 10: thresholds as Sentry's own bodies write them."""
    return int(value) if float(value).is_integer() else value


def project_id(dest: Destination) -> int | str:
    return _id(dest.project_id or "", "project", dest.project)


def _action(action: AlertAction, dest: Destination, url: str | None) -> dict[str, Any]:
    if action.type == "email":
        team = dest.team_ids.get(action.target, "")
        return {
            "type": "email",
            "integrationId": None,
            "data": {},
            "config": {
                "targetType": "team",
                "targetIdentifier": str(team) if team.isdigit() else ref("team", action.target),
                "targetDisplay": None,
            },
        }
    data = {"tags": "environment,release"}
    if url:
        data["notes"] = f"Runbook: {url}"
    return {
        "type": "slack",
        "integrationId": _id(dest.slack_integration_id or "", "integration", "slack"),
        "data": data,
        # Sentry looks the channel up by its display name when no id is given (the legacy
        # metric API did; not verified for workflows: research note monitors_api.md §6).
        "config": {
            "targetType": "specific",
            "targetIdentifier": None,
            "targetDisplay": action.target,
        },
    }


def _filters(rule: AlertRule) -> list[dict[str, Any]]:
    rows = []
    for item in rule.filters:
        if hasattr(item, "priority_at_least"):
            kind, level = "issue_priority_greater_or_equal", item.priority_at_least
        else:
            kind, level = "issue_priority_deescalating", item.deescalating_from
        rows.append(
            {"type": kind, "comparison": sentry_schema.PRIORITY[level], "conditionResult": True}
        )
    return rows


def workflow_payload(rule: AlertRule, dest: Destination) -> dict[str, Any]:
    """The alert as a workflow body (`POST /organizations/{org}/workflows/`)."""
    url = runbook_url(rule, dest.site_url)
    triggers = [{"type": t, "comparison": True, "conditionResult": True} for t in rule.triggers]
    payload = {
        "name": _name(rule, url),
        "enabled": True,
        "environment": rule.environment,
        "config": {"frequency": rule.frequency_minutes},
        "detectorIds": [ref("detector", m) for m in rule.monitors],
        "triggers": {"logicType": "any-short", "conditions": triggers, "actions": []},
        "actionFilters": [
            {
                "logicType": rule.filter_match,
                "conditions": _filters(rule),
                "actions": [_action(a, dest, url) for a in rule.actions],
            }
        ],
    }
    return _checked(sentry_schema.check_workflow, "alert", rule.id, payload)


def _description(
    monitor: MetricMonitor | UptimeMonitor, alerts: list[AlertRule], dest: Destination
) -> str:
    urls = [u for u in (runbook_url(a, dest.site_url) for a in alerts) if u]
    text = monitor.description
    return f"{text} Runbook: {urls[0]}" if urls else text


def metric_payload(monitor: MetricMonitor, dest: Destination, description: str) -> dict[str, Any]:
    """A metric monitor (`type: metric_issue`): one opening row, one resolving row."""
    query_type, dataset, event_types = DATASETS[monitor.dataset]
    payload = {
        "name": monitor.name,
        "type": "metric_issue",
        "projectId": project_id(dest),
        "description": description,
        "dataSources": [
            {
                "queryType": query_type,
                "dataset": dataset,
                "query": monitor.query,
                "aggregate": monitor.aggregate,
                "timeWindow": monitor.window_seconds,
                "environment": monitor.environment,
                "eventTypes": event_types,
            }
        ],
        "conditionGroup": {
            "logicType": "any",
            "conditions": [
                {
                    "type": "gt",
                    "comparison": _number(monitor.above),
                    "conditionResult": sentry_schema.PRIORITY[monitor.priority],
                },
                {
                    "type": "lte",
                    "comparison": _number(monitor.resolve_at_or_below),
                    "conditionResult": sentry_schema.PRIORITY["ok"],
                },
            ],
        },
        "config": {"detectionType": "static"},
    }
    return _checked(sentry_schema.check_detector, "monitor", monitor.id, payload)


def uptime_payload(monitor: UptimeMonitor, dest: Destination, description: str) -> dict[str, Any]:
    """An uptime monitor (`type: uptime_domain_failure`). Failure and recovery thresholds
    are left to Sentry's defaults (their field names were not found in the versions read)."""
    payload: dict[str, Any] = {
        "name": monitor.name,
        "type": "uptime_domain_failure",
        "projectId": project_id(dest),
        "description": description,
        "environment": monitor.environment,
        "dataSources": [
            {
                "url": monitor.url,
                "intervalSeconds": monitor.interval_seconds,
                "timeoutMs": monitor.timeout_ms,
                "method": monitor.method,
                "headers": [],
                "body": None,
                "traceSampling": False,
            }
        ],
    }
    return _checked(sentry_schema.check_detector, "monitor", monitor.id, payload)


def plan(document: AlertsFile, dest: Destination) -> list[Call]:
    """Every call, in the order they must run."""
    org = f"{API}/organizations/{dest.org}"
    calls: list[Call] = []
    if not dest.project_id:
        calls.append(
            Call(
                "project",
                dest.project,
                "GET",
                f"{API}/projects/{dest.org}/{dest.project}/",
                provides=ref("project", dest.project),
            )
        )
    pid = project_id(dest)
    for monitor in document.monitors:
        users = [a for a in document.alerts if monitor.id in a.monitors]
        if isinstance(monitor, ErrorMonitor):
            calls.append(
                Call(
                    "detector",
                    monitor.id,
                    "GET",
                    f"{org}/detectors/?project={pid}&query=type:error",
                    provides=ref("detector", monitor.id),
                    pick="[0].id",
                )
            )
            continue
        text = _description(monitor, users, dest)
        body = (
            metric_payload(monitor, dest, text)
            if isinstance(monitor, MetricMonitor)
            else uptime_payload(monitor, dest, text)
        )
        calls.append(
            Call(
                "detector",
                monitor.id,
                "POST",
                f"{org}/detectors/",
                body,
                provides=ref("detector", monitor.id),
            )
        )
    for rule in document.alerts:
        calls.append(
            Call(
                "workflow",
                rule.id,
                "POST",
                f"{org}/workflows/",
                workflow_payload(rule, dest),
                provides=ref("workflow", rule.id),
                runbook_url=runbook_url(rule, dest.site_url),
            )
        )
    return calls


def export(document: AlertsFile, dest: Destination) -> list[dict[str, Any]]:
    """The plan as plain data (what `alerts export` prints)."""
    return [call.as_dict() for call in plan(document, dest)]
