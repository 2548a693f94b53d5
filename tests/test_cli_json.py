"""`--json` on every command: one document with `schema_version` and the documented keys."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from inline_snapshot import snapshot

from korrigo_sentry import cli
from korrigo_sentry.alerts import load_rules
from korrigo_sentry.cli.output import SCHEMAS
from korrigo_sentry.testing import TEST_DSN
from tests.wording import placeholders

Capture = pytest.CaptureFixture[str]
SITE = "https://korrigo.github.io/korrigo-handbook/"  # mkdocs.yml's site_url
HEALTHY = {"SENTRY_DSN": TEST_DSN, "SENTRY_ENVIRONMENT": "production", "GIT_COMMIT_SHA": "01c1541"}


#: No outside configuration, no .env, the SDK left as found (tests/conftest.py).
pytestmark = pytest.mark.usefixtures("clean_sentry_env")


def document(capsys: Capture, command: str) -> dict:
    out = capsys.readouterr().out
    data = json.loads(out)
    assert data["schema_version"] == 1
    assert data["command"] == command
    # The documented keys, exactly (the page's table is SCHEMAS).
    assert set(data) - {"schema_version", "command"} == set(SCHEMAS[command])
    return data


def test_runbook_list_json(capsys: Capture) -> None:
    assert cli.main(["runbook", "--list", "--json"]) == 0
    data = document(capsys, "runbook --list")
    slugs = [book["slug"] for book in data["runbooks"]]
    assert "sentry-not-capturing-errors" in slugs
    book = data["runbooks"][slugs.index("sentry-not-capturing-errors")]
    assert book["url"] == f"{SITE}runbooks/sentry-not-capturing-errors/"
    assert book["subject"].startswith("symptom: ")


def test_runbook_json_stops_at_the_first_failure(capsys: Capture) -> None:
    # No DSN: the first quick check fails.
    assert cli.main(["runbook", "sentry-not-capturing-errors", "--json"]) == 1
    data = document(capsys, "runbook")
    assert data["ok"] is False
    assert [c["status"] for c in data["checks"]] == ["failed", *["not_run"] * 4]
    assert data["checks"][0]["found"].startswith("no DSN")
    assert data["next_step"]["url"] == f"{SITE}runbooks/sentry-not-capturing-errors/#no-dsn"


def test_check_json_on_a_healthy_configuration(
    capsys: Capture, monkeypatch: pytest.MonkeyPatch
) -> None:
    for name, value in HEALTHY.items():
        monkeypatch.setenv(name, value)
    assert cli.main(["check", "missing-release-or-environment", "--json"]) == 0
    data = document(capsys, "check")
    assert data["ok"] is True
    assert data["next_step"] is None
    assert all(check["status"] == "ok" for check in data["checks"])


def test_check_list_json(capsys: Capture) -> None:
    assert cli.main(["check", "--list", "--json"]) == 0
    data = document(capsys, "check --list")
    by_slug = {book["runbook"]: book for book in data["runbooks"]}
    assert by_slug["celery-failures-not-reported"]["place"] == "worker"
    assert by_slug["sentry-not-capturing-errors"]["steps"][-1] == "ingest"


def test_alerts_validate_json(capsys: Capture) -> None:
    assert cli.main(["alerts", "validate", "--json"]) == 0
    data = document(capsys, "alerts validate")
    assert data["ok"] is True
    assert data["error"] is None
    assert "critical-errors" in [rule["id"] for rule in data["rules"]]


def test_alerts_validate_json_reports_a_broken_file(capsys: Capture, tmp_path: Path) -> None:
    broken = tmp_path / "alerts.yaml"
    broken.write_text("rules: [\n")
    assert cli.main(["alerts", "--file", str(broken), "validate", "--json"]) == 1
    data = document(capsys, "alerts validate")
    assert data["ok"] is False
    assert data["error"]


def test_alerts_export_json_to_a_file(capsys: Capture, tmp_path: Path) -> None:
    target = tmp_path / "sentry-alerts.json"
    assert cli.main(["alerts", "export", "--json", "--output", str(target)]) == 0
    out, err = capsys.readouterr()
    assert out == ""
    data = json.loads(target.read_text())
    assert data["schema_version"] == 1
    assert data["command"] == "alerts export"
    # alerts.yaml: 4 monitors (the default error one looked up, 3 created), 4 alerts;
    # plus the project id lookup.
    assert data["created"] == {"detector": 3, "workflow": 4}
    assert len(data["calls"]) == 1 + 4 + 4
    assert len(load_rules()) == 4
    assert placeholders(err, tmp=tmp_path) == snapshot(
        "wrote 9 calls (3 monitors, 4 alerts to create) to <tmp>/sentry-alerts.json\n"
    )


def test_alerts_export_to_an_unwritable_path_is_one_clear_line(
    capsys: Capture, tmp_path: Path
) -> None:
    target = tmp_path / "missing-folder" / "alerts.yaml"
    assert cli.main(["alerts", "export", "--output", str(target)]) == 3
    out, err = capsys.readouterr()
    assert out == ""
    assert placeholders(err, tmp=tmp_path) == snapshot(
        "error: cannot write <tmp>/missing-folder/alerts.yaml: No such file or directory; choose a writable path for --output\n"
    )


def test_doctor_json_names_the_env_file(capsys: Capture, tmp_path: Path) -> None:
    (tmp_path / ".env").write_text("SENTRY_ENVIRONMENT=staging\n")
    cli.main(["doctor", "--offline", "--json"])
    data = document(capsys, "doctor")
    assert data["env_file"] == str(tmp_path / ".env")
    environment = next(c for c in data["checks"] if c["name"] == "environment")
    assert environment["source"] == f"SENTRY_ENVIRONMENT from {tmp_path / '.env'} line 1"
