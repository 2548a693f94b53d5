"""`alerts export`: calls and payloads for Sentry's organisation-scoped Monitors & Alerts API.

Two checks, both from outside the exporter:

1. The mirror of Sentry's validators (`korrigo_sentry.alerts.sentry_schema`) accepts the
   request bodies Sentry's own tests send and refuses the ones they expect refused. The
   bodies are re-typed from getsentry/sentry (read 2026-12-06, code index):
   - tests/sentry/workflow_engine/endpoints/test_organization_detector_index.py @
     8e34bc433ecfb7585470e200d8d458118cf804f1, `OrganizationDetectorIndexPostTest.setUp`
     (`self.valid_data`; enum values resolved: `MetricIssue.slug` "metric_issue",
     `SnubaQuery.Type.ERROR` 0, `Dataset.Events` "events", `Condition.GREATER` "gt",
     `DetectorPriorityLevel.HIGH` 75, the resolve row `Condition.LESS_OR_EQUAL` "lte" /
     `DetectorPriorityLevel.OK` 0 as in tests/.../test_validators.py @ 8c80d31d…);
   - tests/sentry/workflow_engine/endpoints/validators/test_base_workflow.py @
     dafa4c4abf9ce533eff2deca5015288d02d747e5, `TestWorkflowValidator` (`valid_data`,
     `test_invalid_data__no_name`, `test_invalid_data__incorrect_config`,
     `test_invalid_data__invalid_trigger`, `test_valid_data__with_invalid_action_filters`)
     and, in a newer version of that file (code index id 8027739438), the Slack action
     `{"target_identifier": "foo", "target_display": "bar", "target_type": "specific"}`.
2. The exported payloads equal bodies written here by hand from those shapes and the
   seed's alerts, and have the key sets of Sentry's test bodies.
"""

from __future__ import annotations

import json
from typing import Any

import pytest
import yaml
from inline_snapshot import snapshot
from pydantic import ValidationError

from korrigo_sentry import cli
from korrigo_sentry.alerts import sentry_schema
from korrigo_sentry.alerts.export_sentry import Destination, export, plan
from korrigo_sentry.alerts.rules import load_file
from korrigo_sentry.oncall import runbooks

SITE = "https://example.test/handbook/"
DEST = Destination(
    org="korrigo-org",
    project="korrigo",
    project_id="42",
    site_url=SITE,
    team_ids={"admins": "12", "dev-team": "34"},
    slack_integration_id="7",
)

# --- 1. Sentry's own test bodies against the mirror -----------------------------------------

#: OrganizationDetectorIndexPostTest.valid_data, ids replaced by literals.
SENTRY_DETECTOR = {
    "name": "Test Detector",
    "type": "metric_issue",
    "projectId": 1,
    "dataSources": [
        {
            "queryType": 0,
            "dataset": "events",
            "query": "test query",
            "aggregate": "count()",
            "timeWindow": 3600,
            "environment": "production",
            "eventTypes": ["error"],
        }
    ],
    "conditionGroup": {
        "logicType": "any",
        "conditions": [
            {"type": "gt", "comparison": 100, "conditionResult": 75},
            {"type": "lte", "comparison": 100, "conditionResult": 0},
        ],
    },
    "config": {"detectionType": "static"},
}

#: TestWorkflowValidator.valid_data, with the `detectorIds` Korrigo always sends.
SENTRY_WORKFLOW = {
    "name": "test",
    "enabled": True,
    "actionFilters": [],
    "config": {"frequency": 30},
    "triggers": {"logicType": "any", "conditions": []},
    "detectorIds": [1],
}

SENTRY_SLACK_FILTER = {
    "logicType": "any",
    "conditions": [],
    "actions": [
        {
            "type": "slack",
            "config": {"targetIdentifier": "foo", "targetDisplay": "bar", "targetType": "specific"},
            "data": {},
            "integrationId": 1,
        }
    ],
}


def _with(body: dict[str, Any], **changes: Any) -> dict[str, Any]:
    return {**json.loads(json.dumps(body)), **changes}


def test_sentrys_valid_detector_body_passes_the_mirror() -> None:
    sentry_schema.check_detector(SENTRY_DETECTOR)


def test_sentrys_valid_workflow_bodies_pass_the_mirror() -> None:
    sentry_schema.check_workflow(SENTRY_WORKFLOW)
    sentry_schema.check_workflow(_with(SENTRY_WORKFLOW, actionFilters=[SENTRY_SLACK_FILTER]))


@pytest.mark.parametrize(
    "changes",
    [
        {"name": ""},  # test_invalid_data__no_name
        {"config": {"foo": "bar"}},  # test_invalid_data__incorrect_config
        {"triggers": {"foo": "bar"}},  # test_invalid_data__invalid_trigger
        {"config": {"frequency": -1}},  # Workflow.config_schema "minimum": 0
        {
            "actionFilters": [
                {
                    **SENTRY_SLACK_FILTER,
                    "actions": [{"type": "slack", "config": {}, "integrationId": 1}],
                }
            ]
        },
        {"actionFilters": [{"logicType": "any", "conditions": []}]},  # "Missing actions key"
    ],
)
def test_bodies_sentrys_tests_expect_refused_are_refused(changes: dict[str, Any]) -> None:
    with pytest.raises(ValidationError):
        sentry_schema.check_workflow(_with(SENTRY_WORKFLOW, **changes))


@pytest.mark.parametrize(
    "changes",
    [
        {"name": "x" * 201},  # CharField(max_length=200)
        {"conditionGroup": {"logicType": "any", "conditions": [
            {"type": "gt", "comparison": 1, "conditionResult": 75}]}},  # no resolve row
        {"conditionGroup": {"logicType": "any", "conditions": [
            {"type": "gt", "comparison": 1, "conditionResult": 25},
            {"type": "lte", "comparison": 1, "conditionResult": 0}]}},  # LOW: unsupported
        {"conditionGroup": {"logicType": "any", "conditions": [
            {"type": "gt", "comparison": 3, "conditionResult": 75},
            {"type": "gt", "comparison": 2, "conditionResult": 50},
            {"type": "lte", "comparison": 1, "conditionResult": 0}]}},  # "Too many conditions"
        {"dataSources": []},  # required when creating a detector
    ],
)  # fmt: skip
def test_detector_bodies_sentry_refuses_are_refused(changes: dict[str, Any]) -> None:
    with pytest.raises(ValidationError):
        sentry_schema.check_detector(_with(SENTRY_DETECTOR, **changes))


def test_a_window_in_minutes_is_refused_seconds_are_expected() -> None:
    source = {**SENTRY_DETECTOR["dataSources"][0], "timeWindow": 5}
    with pytest.raises(ValidationError):
        sentry_schema.check_detector(_with(SENTRY_DETECTOR, dataSources=[source]))


def test_an_uptime_request_over_1000_bytes_is_refused() -> None:
    """validators.py @ 00a289f8…: MAX_REQUEST_SIZE_BYTES = 1000."""
    body = {"name": "up", "type": "uptime_domain_failure", "projectId": 1,
            "dataSources": [{"url": "https://example.test/", "intervalSeconds": 60,
                             "timeoutMs": 5000, "headers": [["x-long", "y" * 990]]}]}  # fmt: skip
    with pytest.raises(ValidationError, match="over 1000"):
        sentry_schema.check_detector(body)
    body["dataSources"][0]["headers"] = []
    sentry_schema.check_detector(body)


# --- 2. what Korrigo exports -----------------------------------------------------------------

ORG = "/api/0/organizations/korrigo-org"
EMAIL_ADMINS = {
    "type": "email",
    "integrationId": None,
    "data": {},
    "config": {"targetType": "team", "targetIdentifier": "12", "targetDisplay": None},
}


def _calls() -> list[dict[str, Any]]:
    return export(load_file(), DEST)


def _body(object_id: str) -> dict[str, Any]:
    return next(c["body"] for c in _calls() if c["id"] == object_id)


def test_the_plan_looks_up_the_error_monitor_then_creates_monitors_then_alerts() -> None:
    steps = [(c["method"], c["path"], c["provides"]) for c in _calls()]
    assert steps == [
        ("GET", f"{ORG}/detectors/?project=42&query=type:error", "${detector:errors}"),
        ("POST", f"{ORG}/detectors/", "${detector:error-count}"),
        ("POST", f"{ORG}/detectors/", "${detector:slow-requests}"),
        ("POST", f"{ORG}/detectors/", "${detector:korrigo-live}"),
        ("POST", f"{ORG}/workflows/", "${workflow:critical-errors}"),
        ("POST", f"{ORG}/workflows/", "${workflow:high-error-rate}"),
        ("POST", f"{ORG}/workflows/", "${workflow:performance-degradation}"),
        ("POST", f"{ORG}/workflows/", "${workflow:korrigo-down}"),
    ]


def test_no_call_targets_the_legacy_endpoints() -> None:
    for call in _calls():
        assert "/rules/" not in call["path"]
        assert "/alert-rules/" not in call["path"]
        assert call["path"].startswith(ORG)  # organisation-scoped


def test_the_error_count_monitor() -> None:
    """Seed: ">10 errors in 5 minutes" — as a metric monitor, window in seconds."""
    assert _body("error-count") == {
        "name": "High error rate",
        "type": "metric_issue",
        "projectId": 42,
        "description": "Counts production's error events over a short sliding window. "
        f"Runbook: {SITE}runbooks/high-error-rate/",
        "dataSources": [
            {
                "queryType": 0,
                "dataset": "events",
                "query": "",
                "aggregate": "count()",
                "timeWindow": 300,
                "environment": "production",
                "eventTypes": ["error"],
            }
        ],
        "conditionGroup": {
            "logicType": "any",
            "conditions": [
                {"type": "gt", "comparison": 10, "conditionResult": 75},
                {"type": "lte", "comparison": 10, "conditionResult": 0},
            ],
        },
        "config": {"detectionType": "static"},
    }


def test_the_span_monitor_measures_request_spans() -> None:
    """Seed: "P95 response time >2 seconds" — on spans, over an hour."""
    body = _body("slow-requests")
    assert body["dataSources"] == [
        {
            "queryType": 1,
            "dataset": "events_analytics_platform",
            "query": "is_transaction:true",
            "aggregate": "p95(span.duration)",
            "timeWindow": 3600,
            "environment": "production",
            "eventTypes": ["trace_item_span"],
        }
    ]
    assert body["conditionGroup"]["conditions"] == [
        {"type": "gt", "comparison": 2000, "conditionResult": 50},
        {"type": "lte", "comparison": 2000, "conditionResult": 0},
    ]


def test_the_uptime_monitor_checks_the_liveness_path() -> None:
    body = _body("korrigo-live")
    assert body["type"] == "uptime_domain_failure"
    (source,) = body["dataSources"]
    assert source["url"].endswith("/api/health/live/")
    assert (source["intervalSeconds"], source["method"]) == (60, "GET")
    assert 1000 <= source["timeoutMs"] <= 30_000  # docs: a timeout "up to 30 seconds"


def test_the_new_issue_alert_is_linked_to_the_default_error_monitor() -> None:
    assert _body("critical-errors") == {
        "name": f"Critical errors | runbook: {SITE}runbooks/critical-errors/",
        "enabled": True,
        "environment": "production",
        "config": {"frequency": 0},
        "detectorIds": ["${detector:errors}"],
        "triggers": {
            "logicType": "any-short",
            "conditions": [
                {"type": "first_seen_event", "comparison": True, "conditionResult": True}
            ],
            "actions": [],
        },
        "actionFilters": [{"logicType": "all", "conditions": [], "actions": [EMAIL_ADMINS]}],
    }


def test_a_metric_alert_tells_on_priority_and_on_de_escalation() -> None:
    """As Sentry's own migration of a metric alert builds it (alert_rule.py @ ab987402…):
    an action filter `issue_priority_greater_or_equal` and a resolution filter
    `issue_priority_deescalating`, both at the trigger's priority."""
    body = _body("high-error-rate")
    assert body["detectorIds"] == ["${detector:error-count}"]
    assert body["triggers"] == {"logicType": "any-short", "conditions": [], "actions": []}
    assert body["config"] == {"frequency": 0}  # a throttle would hold back the resolve
    (block,) = body["actionFilters"]
    assert block["logicType"] == "any"
    assert block["conditions"] == [
        {"type": "issue_priority_greater_or_equal", "comparison": 75, "conditionResult": True},
        {"type": "issue_priority_deescalating", "comparison": 75, "conditionResult": True},
    ]
    assert block["actions"] == [
        EMAIL_ADMINS,
        {
            "type": "slack",
            "integrationId": 7,
            "data": {
                "tags": "environment,release",
                "notes": f"Runbook: {SITE}runbooks/high-error-rate/",
            },
            "config": {
                "targetType": "specific",
                "targetIdentifier": None,
                "targetDisplay": "#korrigo-alerts",
            },
        },
    ]


def test_the_outage_alert_is_throttled() -> None:
    body = _body("korrigo-down")
    assert body["config"] == {"frequency": 30}
    assert body["name"] == (
        "Korrigo down | runbook: https://example.test/handbook/runbooks/korrigo-down/"
    )
    assert [c["type"] for c in body["triggers"]["conditions"]] == [
        "first_seen_event",
        "regression_event",
    ]


def test_exported_bodies_have_the_keys_of_sentrys_test_bodies() -> None:
    for call in _calls():
        if call["method"] != "POST":
            continue
        body = call["body"]
        if call["object"] == "workflow":
            assert set(SENTRY_WORKFLOW) <= set(body)
            assert set(body) <= {*SENTRY_WORKFLOW, "environment"}
        elif body["type"] == "metric_issue":
            assert set(body) == {*SENTRY_DETECTOR, "description"}
            assert set(body["dataSources"][0]) == set(SENTRY_DETECTOR["dataSources"][0])


def test_every_exported_body_passes_the_mirror() -> None:
    """The exporter checks too; this states the count the issue's closing note reports."""
    bodies = [c for c in _calls() if c["method"] == "POST"]
    detectors = [
        sentry_schema.check_detector(c["body"]) for c in bodies if c["object"] == "detector"
    ]
    workflows = [
        sentry_schema.check_workflow(c["body"]) for c in bodies if c["object"] == "workflow"
    ]
    assert (len(detectors), len(workflows)) == (3, 4)


def test_unmapped_ids_stay_references_for_apply_to_refuse() -> None:
    calls = export(load_file(), Destination(site_url=SITE))
    assert calls[0]["path"] == "/api/0/projects/{org}/korrigo/"
    text = json.dumps(calls)
    for reference in ("${project:korrigo}", "${team:admins}", "${integration:slack}"):
        assert reference in text


def test_every_runbook_url_is_a_page_of_the_site() -> None:
    dest = Destination(site_url=runbooks.site_url())
    urls = [c.runbook_url for c in plan(load_file(), dest) if c.runbook_url]
    assert urls == [runbooks.page_url(slug) for slug in
                    ("critical-errors", "high-error-rate", "performance-degradation",
                     "korrigo-down")]  # fmt: skip


# --- the command ----------------------------------------------------------------------------


def test_export_json_is_the_exporters_output(capsys: pytest.CaptureFixture[str]) -> None:
    args = ["alerts", "export", "--format", "json", "--org", "korrigo-org", "--project-id", "42",
            "--team", "admins=12", "--team", "dev-team=34", "--slack-integration", "7"]  # fmt: skip
    assert cli.main(args) == 0
    captured = capsys.readouterr()
    teams = {"admins": "12", "dev-team": "34"}
    dest = Destination(org="korrigo-org", project_id="42", site_url=runbooks.site_url(),
                       team_ids=teams, slack_integration_id="7")  # fmt: skip
    assert json.loads(captured.out) == export(load_file(), dest)
    assert captured.err == ""  # no deprecation note any more


def test_export_yaml_by_default(capsys: pytest.CaptureFixture[str]) -> None:
    assert cli.main(["alerts", "export"]) == 0
    dest = Destination(site_url=runbooks.site_url())
    assert yaml.safe_load(capsys.readouterr().out) == export(load_file(), dest)


def test_validate_counts_monitors_and_alerts(capsys: pytest.CaptureFixture[str]) -> None:
    assert cli.main(["alerts", "validate"]) == 0
    out = capsys.readouterr().out
    assert out == snapshot("""\
ok  monitor errors  (error)
ok  monitor error-count  (metric)
ok  monitor slow-requests  (metric)
ok  monitor korrigo-live  (uptime)
ok  alert critical-errors  (on errors; runbooks/critical-errors.md)
ok  alert high-error-rate  (on error-count; runbooks/high-error-rate.md)
ok  alert performance-degradation  (on slow-requests; runbooks/performance-degradation.md)
ok  alert korrigo-down  (on korrigo-live; runbooks/korrigo-down.md)
4 monitors and 4 alerts valid
""")


def test_bad_team_mapping_is_refused(capsys: pytest.CaptureFixture[str]) -> None:
    assert cli.main(["alerts", "export", "--team", "admins"]) == 2
    assert capsys.readouterr().err == "error: --team takes NAME=ID\n"


def test_a_payload_the_mirror_refuses_is_one_sentence(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """A YAML value the models allow but Sentry's validator would not: named, no traceback."""
    from korrigo_sentry.alerts import export_sentry

    monkeypatch.setitem(
        export_sentry.DATASETS, "spans", (1, "events_analytics_platform", ["transaction"])
    )
    assert cli.main(["alerts", "export"]) == 1
    err = capsys.readouterr().err
    assert "Traceback" not in err
    assert err == snapshot(
        "error: monitor 'slow-requests': Sentry would refuse dataSources.0.eventTypes.0: Input should be 'error', 'default' or 'trace_item_span'; fix it in alerts.yaml\n"
    )


def test_the_export_names_each_alert_s_runbook_page() -> None:
    # What `alerts export` prints: a workflow's runbook, the page on-call opens from it.
    urls = [(c["object"], c["id"], c["runbook_url"]) for c in _calls() if c["runbook_url"]]
    assert urls == [
        ("workflow", slug, f"{SITE.removesuffix('/')}/runbooks/{slug}/")
        for slug in ("critical-errors", "high-error-rate", "performance-degradation",
                     "korrigo-down")
    ]  # fmt: skip
