"""Korrigo's project-side "advanced data scrubbing" rules (data/scrubbing_rules.yaml)."""

from __future__ import annotations

import json
from functools import cache
from importlib.resources import files
from typing import Any

from sentry_relay import validate_pii_config

from korrigo_sentry.yaml_model import read_yaml

RULES_FILE = "data/scrubbing_rules.yaml"


@cache
def _load() -> str:
    return files("korrigo_sentry").joinpath(RULES_FILE).read_text(encoding="utf-8")


def project_rules() -> dict[str, Any]:
    """The rules as Relay's PII config: `{"rules": {...}, "applications": {...}}`."""
    return read_yaml(_load())


def project_rules_json() -> str:
    """The rules as the JSON to paste into Sentry (or send as the project's `relayPiiConfig`)."""
    return json.dumps(project_rules(), indent=2)


def validate_project_rules() -> None:
    """Raise ValueError, with Relay's message, when Sentry would refuse the rules."""
    validate_pii_config(project_rules_json())


def project_scrubbing_rules() -> str:
    """The rules as a fenced JSON block, for the privacy page and the incident runbook."""
    return f"```json\n{project_rules_json()}\n```"
