"""Build alerts.yaml variants for tests: the shipped file with some values changed.

The values a test depends on are set by the test itself (so its expected text does not
follow the shipped file), and the result goes through the same pydantic models.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml

from korrigo_sentry.alerts.rules import DEFAULT_PATH, AlertRule, AlertsFile
from korrigo_sentry.yaml_model import read_yaml


def shipped() -> dict[str, Any]:
    """alerts.yaml as plain data (a fresh copy each call)."""
    return read_yaml(DEFAULT_PATH.read_text(encoding="utf-8"))


def variant(alert_id: str, monitor: dict[str, Any] | None = None, **changes: Any) -> AlertRule:
    """The shipped alert `alert_id` with `changes`, its (first) monitor with `monitor`."""
    data = shipped()
    alert = next(a for a in data["alerts"] if a["id"] == alert_id)
    alert.update(changes)
    if monitor:
        target = next(m for m in data["monitors"] if m["id"] == alert["monitors"][0])
        target.update(monitor)
    document = AlertsFile.model_validate(data)
    return next(a for a in document.alerts if a.id == alert_id)


def write(tmp_path: Path, data: dict[str, Any] | str) -> Path:
    """A YAML file holding `data` (a dict, or text as it is)."""
    path = tmp_path / "alerts.yaml"
    text = data if isinstance(data, str) else yaml.safe_dump(data, sort_keys=False)
    path.write_text(text, encoding="utf-8")
    return path
