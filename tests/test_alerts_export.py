"""The Sentry exporter and the `alerts` command."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import yaml

from korrigo_sentry import cli
from korrigo_sentry.alerts import export_sentry as ex
from korrigo_sentry.alerts import get_rule, load_rules
from korrigo_sentry.alerts.export_sentry import Destination, export_rule, export_rules
from korrigo_sentry.oncall import runbooks

DEST = Destination(site_url=runbooks.site_url())


def _payload(rule_id: str, dest: Destination = DEST) -> dict:
    return export_rule(get_rule(rule_id), dest)["payload"]


def test_critical_errors_is_an_issue_rule_on_first_seen_events() -> None:
    rule = get_rule("critical-errors")
    exported = export_rule(rule, DEST)
    assert exported["endpoint"] == ex.ISSUE_ENDPOINT.format(org=DEST.org, project=DEST.project)
    payload = exported["payload"]
    assert payload["conditions"] == [{"id": ex.FIRST_SEEN}]
    assert payload["frequency"] == rule.frequency_minutes
    assert payload["environment"] == rule.environment
    assert payload["actionMatch"] == "all"
    assert [a["id"] for a in payload["actions"]] == [ex.EMAIL_ACTION] * len(rule.actions)
    assert [a["targetIdentifier"] for a in payload["actions"]] == [a.target for a in rule.actions]


def test_every_payload_names_its_runbook() -> None:
    for exported in export_rules(load_rules(), DEST):
        url = exported["runbook_url"]
        assert url == runbooks.page_url(get_rule(exported["rule"]).slug)
        assert url in exported["payload"]["name"]
        assert len(exported["payload"]["name"]) <= ex.NAME_LIMIT


def test_slack_actions_carry_the_runbook_in_their_notes() -> None:
    rule = get_rule("high-error-rate")
    issue_form = ex.issue_payload(rule, DEST)
    (slack,) = [a for a in issue_form["actions"] if a["id"] == ex.SLACK_ACTION]
    assert ex.runbook_url(rule, DEST.site_url) in slack["notes"]
    assert slack["channel"] == next(a.target for a in rule.actions if a.type == "slack")


def test_team_and_slack_ids_are_filled_in_when_given() -> None:
    dest = Destination(site_url=DEST.site_url, team_ids={"admins": "12"}, slack_integration_id="7")
    actions = _payload("high-error-rate", dest)["triggers"][0]["actions"]
    assert {a["type"]: a.get("integrationId", a["targetIdentifier"]) for a in actions} == {
        "email": "12",  # metric actions: a string for every target but PagerDuty
        "slack": 7,  # the integration id, an integer
    }


def test_export_json_is_the_exporters_output(capsys: pytest.CaptureFixture[str]) -> None:
    assert cli.main(["alerts", "export", "--format", "json", "--team", "admins=12"]) == 0
    captured = capsys.readouterr()
    dest = Destination(site_url=DEST.site_url, team_ids={"admins": "12"})
    assert json.loads(captured.out) == export_rules(load_rules(), dest)
    assert "deprecated" in captured.err


def test_export_yaml_by_default(capsys: pytest.CaptureFixture[str]) -> None:
    assert cli.main(["alerts", "export"]) == 0
    assert yaml.safe_load(capsys.readouterr().out) == export_rules(load_rules(), DEST)


def test_validate_lists_every_rule(capsys: pytest.CaptureFixture[str]) -> None:
    assert cli.main(["alerts", "validate"]) == 0
    out = capsys.readouterr().out
    for rule in load_rules():
        assert rule.id in out


def test_validate_refuses_a_bad_file_naming_rule_and_field(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    data = yaml.safe_load(Path(ex.__file__).parent.parent.joinpath("data/alerts.yaml").read_text())
    data["alerts"][1]["window_minutes"] = 3
    bad = tmp_path / "alerts.yaml"
    bad.write_text(yaml.safe_dump(data))
    assert cli.main(["alerts", "--file", str(bad), "validate"]) == 1
    err = capsys.readouterr().err
    assert "'high-error-rate'" in err
    assert "'window_minutes'" in err


def test_bad_team_mapping_is_refused(capsys: pytest.CaptureFixture[str]) -> None:
    assert cli.main(["alerts", "export", "--team", "admins"]) == 2
    assert "NAME=ID" in capsys.readouterr().err
