"""alerts.yaml refused: each message, word for word, names the file and line, the item (its
list, index and id) and the field a reader must fix; and a file given by path is the one read.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from korrigo_sentry.alerts.rules import (
    AlertRuleError,
    get_monitor,
    get_rule,
    load_file,
    load_monitors,
    load_policy,
    load_rules,
)
from tests.alerts_support import shipped, write

HINT = "; the fields are described at the top of the package's alerts.yaml"


def _refusal(tmp_path: Path, data: dict[str, Any] | str) -> str:
    path = write(tmp_path, data)
    with pytest.raises(AlertRuleError) as caught:
        load_file(path)
    return str(caught.value).replace(str(path), "<file>")


def test_a_file_given_by_path_is_the_one_read(tmp_path: Path) -> None:
    data = shipped()
    data["policy"] = {"triage_minutes": 5, "escalate_minutes": 10, "stuck_tasks_minutes": 20}
    data["alerts"] = [a for a in data["alerts"] if a["id"] == "critical-errors"]
    data["monitors"] = [m for m in data["monitors"] if m["id"] == "errors"]
    path = write(tmp_path, data)
    assert load_policy(path) == {"triage_minutes": 5, "escalate_minutes": 10,
                                 "stuck_tasks_minutes": 20}  # fmt: skip
    assert [a.id for a in load_rules(path)] == ["critical-errors"]
    assert [m.id for m in load_monitors(path)] == ["errors"]


def test_a_field_of_an_alert_s_filter(tmp_path: Path) -> None:
    data = shipped()
    data["alerts"][1]["filters"] = [{"priority_at_least": "low"}]
    assert _refusal(tmp_path, data) == (
        "<file>:79: alerts[1] 'high-error-rate', field 'filters.0.priority_at_least': "
        "Input should be 'high' or 'medium'" + HINT
    )


@pytest.mark.parametrize(("index", "ident", "line"), [(0, "errors", 10), (1, "error-count", 22)])
def test_a_field_of_a_monitor_of_each_type(
    tmp_path: Path, index: int, ident: str, line: int
) -> None:
    data = shipped()
    data["monitors"][index]["colour"] = "red"
    assert _refusal(tmp_path, data) == (
        f"<file>:{line}: monitors[{index}] '{ident}', field 'colour': "
        "Extra inputs are not permitted" + HINT
    )


def test_a_rule_about_the_whole_alert(tmp_path: Path) -> None:
    data = shipped()
    data["alerts"][1]["triggers"] = []
    data["alerts"][1]["filters"] = []
    assert _refusal(tmp_path, data) == (
        "<file>:72: alerts[1] 'high-error-rate', field '(item)': needs triggers or filters: "
        "otherwise every change notifies" + HINT
    )


def test_an_unknown_monitor_points_at_the_alert_that_names_it(tmp_path: Path) -> None:
    data = shipped()
    data["alerts"][1]["monitors"] = ["nope"]
    assert _refusal(tmp_path, data) == (
        "<file>:76: alerts[1] 'high-error-rate', field 'monitors': unknown monitor 'nope'" + HINT
    )


def test_a_file_that_is_not_a_mapping(tmp_path: Path) -> None:
    assert _refusal(tmp_path, "- a\n- b\n") == (
        "<file>:1: (file), field '(file)': the file must be a mapping of policy, monitors, "
        "cron_monitors and alerts" + HINT
    )


def test_a_file_that_is_not_yaml(tmp_path: Path) -> None:
    assert _refusal(tmp_path, "policy: [\n").startswith(
        "<file>: (file), field '(yaml)': is not valid YAML: while parsing a flow node"
    )


def test_an_alert_and_a_monitor_are_looked_up_in_the_file_given(tmp_path: Path) -> None:
    data = shipped()
    data["alerts"][0]["id"] = "urgent-errors"
    data["alerts"][0]["runbook"] = None
    data["monitors"][1]["id"] = "error-burst"
    for alert in data["alerts"]:
        alert["monitors"] = ["error-burst" if m == "error-count" else m for m in alert["monitors"]]
    path = write(tmp_path, data)
    assert get_rule("urgent-errors", path).id == "urgent-errors"
    assert get_monitor("error-burst", path).id == "error-burst"
