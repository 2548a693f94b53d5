"""Golden payloads: what `alerts export` sends, compared with JSON written from Sentry's API docs.

The expected payloads below are typed out literally from Sentry's API reference, not built
from the exporter's constants, so a wrong `thresholdType`, `queryType`, `dataset`, condition
id, target type or resolve threshold fails here. References (read 2026-11-29):

- metric alerts, "(DEPRECATED) Create a Metric Alert Rule for an Organization":
  getsentry/sentry src/sentry/incidents/endpoints/organization_alert_rule_index.py
  @007b5a022aac91c8aa58d60e2d212477bfb5775a: `thresholdType` choices `(0, "Above"), (1,
  "Below")`; `queryType` `(0, "event.type:error"), (1, "event.type:transaction")`;
  "Number of Errors": `queryType 0, dataset "events", aggregate "count()"`; "Transaction
  Duration": `dataset` is `generic_metrics` unless a custom percentile is used; triggers
  labelled `critical` (always required) or `warning`; actions `{"type": "email",
  "targetType": "team", "targetIdentifier": <team id as a string>}` and `{"type": "slack",
  "targetType": "specific", "targetIdentifier": "#channel", "integrationId": <int>}`;
  `resolveThreshold` optional (left out, Sentry resolves below the lowest trigger).
- issue alerts, "Create an Issue Alert Rule for a Project" (same repository, API examples):
  condition `sentry.rules.conditions.first_seen_event.FirstSeenEventCondition`, email
  action `{"id": "sentry.mail.actions.NotifyEmailAction", "targetType": "Team",
  "targetIdentifier": <int>, "fallthroughType": "ActiveMembers"}`, `frequency` in minutes
  (5 to 43200, applied per issue).
"""

from __future__ import annotations

import dataclasses
import json

import pytest

from korrigo_sentry.alerts import get_rule
from korrigo_sentry.alerts.export_sentry import Destination, export_rule

SITE = "https://example.test/handbook/"
DEST = Destination(
    org="korrigo",
    project="korrigo",
    site_url=SITE,
    team_ids={"admins": "12", "dev-team": "34"},
    slack_integration_id="7",
)

CRITICAL_ERRORS = json.loads(
    """
{
  "rule": "critical-errors",
  "endpoint": "POST /api/0/projects/korrigo/korrigo/rules/",
  "runbook_url": "https://example.test/handbook/runbooks/critical-errors/",
  "payload": {
    "name": "Critical errors | runbook: https://example.test/handbook/runbooks/critical-errors/",
    "environment": "production",
    "actionMatch": "all",
    "filterMatch": "all",
    "frequency": 5,
    "conditions": [
      {"id": "sentry.rules.conditions.first_seen_event.FirstSeenEventCondition"}
    ],
    "filters": [],
    "actions": [
      {
        "id": "sentry.mail.actions.NotifyEmailAction",
        "targetType": "Team",
        "targetIdentifier": 12,
        "fallthroughType": "ActiveMembers"
      }
    ]
  }
}
"""
)

HIGH_ERROR_RATE = json.loads(
    """
{
  "rule": "high-error-rate",
  "endpoint": "POST /api/0/organizations/korrigo/alert-rules/",
  "runbook_url": "https://example.test/handbook/runbooks/high-error-rate/",
  "payload": {
    "name": "High error rate | runbook: https://example.test/handbook/runbooks/high-error-rate/",
    "projects": ["korrigo"],
    "environment": "production",
    "queryType": 0,
    "dataset": "events",
    "eventTypes": ["error"],
    "query": "",
    "aggregate": "count()",
    "timeWindow": 5,
    "thresholdType": 0,
    "triggers": [
      {
        "label": "critical",
        "alertThreshold": 10,
        "actions": [
          {"type": "email", "targetType": "team", "targetIdentifier": "12"},
          {
            "type": "slack",
            "targetType": "specific",
            "targetIdentifier": "#korrigo-alerts",
            "integrationId": 7
          }
        ]
      }
    ]
  }
}
"""
)

PERFORMANCE_DEGRADATION = json.loads(
    """
{
  "rule": "performance-degradation",
  "endpoint": "POST /api/0/organizations/korrigo/alert-rules/",
  "runbook_url": "https://example.test/handbook/runbooks/performance-degradation/",
  "payload": {
    "name": "Performance degradation | runbook: https://example.test/handbook/runbooks/performance-degradation/",
    "projects": ["korrigo"],
    "environment": "production",
    "queryType": 1,
    "dataset": "generic_metrics",
    "eventTypes": ["transaction"],
    "query": "",
    "aggregate": "p95(transaction.duration)",
    "timeWindow": 60,
    "thresholdType": 0,
    "triggers": [
      {
        "label": "critical",
        "alertThreshold": 2000,
        "actions": [{"type": "email", "targetType": "team", "targetIdentifier": "34"}]
      }
    ]
  }
}
"""
)


@pytest.mark.parametrize(
    "expected", [CRITICAL_ERRORS, HIGH_ERROR_RATE, PERFORMANCE_DEGRADATION], ids=lambda e: e["rule"]
)
def test_payload_is_the_one_sentrys_api_documents(expected: dict) -> None:
    assert export_rule(get_rule(expected["rule"]), DEST) == expected


def test_warning_and_resolve_thresholds_as_sentry_documents_them() -> None:
    rule = dataclasses.replace(
        get_rule("high-error-rate"), warning_threshold=5, resolve_threshold=2
    )
    payload = export_rule(rule, DEST)["payload"]
    assert payload["resolveThreshold"] == 2
    assert [(t["label"], t["alertThreshold"]) for t in payload["triggers"]] == [
        ("critical", 10),
        ("warning", 5),
    ]
    assert payload["triggers"][1]["actions"] == payload["triggers"][0]["actions"]


def test_a_below_rule_has_threshold_type_one() -> None:
    rule = dataclasses.replace(get_rule("high-error-rate"), comparison="below")
    assert export_rule(rule, DEST)["payload"]["thresholdType"] == 1


def test_a_metric_payload_has_no_action_interval() -> None:
    for rule_id in ("high-error-rate", "performance-degradation"):
        payload = export_rule(get_rule(rule_id), DEST)["payload"]
        assert "frequency" not in payload
        assert "resolveThreshold" not in payload  # Sentry's default resolve applies


def test_an_event_frequency_rule_with_a_slack_action_as_sentry_documents_it() -> None:
    # "Create an Issue Alert Rule for a Project" (docs.sentry.io/api/alerts/, read
    # 2026-11-29): "The issue is seen more than `value` times in `interval`" is
    # {"id": "sentry.rules.conditions.event_frequency.EventFrequencyCondition",
    # "value": ..., "comparisonType": "count", "interval": "1h"}; "Send a Slack notification"
    # is {"id": "sentry.integrations.slack.notify_action.SlackNotifyServiceAction",
    # "workspace": <integration id>, "channel": "#channel", "tags": "...", "notes": "..."}.
    rule = dataclasses.replace(
        get_rule("high-error-rate"),
        kind="issue",
        condition="event_frequency",
        query="",
        window_minutes=60,
        threshold=100,
        comparison="above",
        frequency_minutes=30,
    )
    payload = export_rule(rule, DEST)["payload"]
    url = "https://example.test/handbook/runbooks/high-error-rate/"
    assert payload["conditions"] == [
        {
            "id": "sentry.rules.conditions.event_frequency.EventFrequencyCondition",
            "interval": "1h",
            "value": 100,
            "comparisonType": "count",
        }
    ]
    assert payload["frequency"] == 30
    assert payload["actions"] == [
        {
            "id": "sentry.mail.actions.NotifyEmailAction",
            "targetType": "Team",
            "targetIdentifier": 12,
            "fallthroughType": "ActiveMembers",
        },
        {
            "id": "sentry.integrations.slack.notify_action.SlackNotifyServiceAction",
            "workspace": 7,
            "channel": "#korrigo-alerts",
            # the tags a responder needs first in the Slack message: where, and which deploy
            "tags": "environment,release",
            "notes": f"Runbook: {url}",
        },
    ]


def test_the_event_type_term_moves_to_event_types_and_the_rest_of_the_query_stays() -> None:
    # Sentry's metric alert API takes the event type apart (`eventTypes`) and the other
    # search terms as `query`, space-separated like the search bar writes them.
    rule = dataclasses.replace(
        get_rule("high-error-rate"), query="event.type:error transaction:/grade level:error"
    )
    payload = export_rule(rule, DEST)["payload"]
    assert payload["eventTypes"] == ["error"]
    assert payload["query"] == "transaction:/grade level:error"


def test_a_site_url_without_trailing_slash_gives_the_same_runbook_links() -> None:
    dest = dataclasses.replace(DEST, site_url="https://example.test/handbook")
    exported = export_rule(get_rule("critical-errors"), dest)
    assert exported["runbook_url"] == "https://example.test/handbook/runbooks/critical-errors/"


def test_a_rule_name_fills_sentrys_256_characters_and_no_more() -> None:
    # "Critical errors | runbook: " is 27 characters: a 229-character URL fills the limit
    rule = get_rule("critical-errors")
    site = "https://example.test/" + "h" * 182  # + "/runbooks/critical-errors/": 229
    name = export_rule(rule, dataclasses.replace(DEST, site_url=site + "/"))["payload"]["name"]
    assert len(name) == 256
    with pytest.raises(ValueError, match="exceeds") as caught:
        export_rule(rule, dataclasses.replace(DEST, site_url=site + "h/"))
    assert str(caught.value) == "alert rule 'critical-errors': name with runbook URL exceeds 256"
