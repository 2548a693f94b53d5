"""The `--json` output of every command: one object, a `schema_version`, documented keys.

A script reads `schema_version` first: it changes only when a key is removed or changes
meaning (new keys may appear without it). `SCHEMAS` is what the "From a terminal" page
shows, so the documentation is this dictionary.
"""

from __future__ import annotations

import json
from typing import Any

SCHEMA_VERSION = 1

#: Every command's keys (beyond `schema_version` and `command`), with what each holds.
SCHEMAS: dict[str, dict[str, str]] = {
    "doctor": {
        "ok": "false when a check failed (warnings do not fail)",
        "checks": "list of {name, status (ok, warn, fail), detail, source}",
        "env_file": "the .env file read (a path), or null",
    },
    "send-test": {
        "ok": "true when Sentry accepted both test events",
        "exit_code": "the command's exit status (see the outcome table)",
        "outcome": "the first failed event's outcome name, or accepted",
        "dsn": "the DSN with its key masked",
        "environment": "the environment the events carry",
        "warnings": "configuration problems that did not stop the test (sentences)",
        "events": "list of {kind, event_id, outcome, exit_code, sentence, http_status, "
        "retry_after, rate_limits, next_step}",
    },
    "runbook": {
        "slug": "the runbook run",
        "ok": "true when every quick check passed",
        "checks": "list of {title, passed, output, expected}, up to the first failure",
        "next_step": "{text, url} of the failed check, or null",
        "url": "the runbook's page",
    },
    "runbook --list": {
        "runbooks": "list of {slug, title, subject, url}",
    },
    "alerts validate": {
        "ok": "true when every monitor and alert is valid",
        "rules": "list of {id, kind, monitors, runbook}, one per alert",
        "monitors": "list of {id, type}",
        "error": "the first problem found (file:line, item, field), or null",
    },
    "alerts export": {
        "calls": "list of {object, id, method, path, body, provides, runbook_url}, in order",
        "created": "{detector, workflow}: how many of each the calls create",
    },
}


def dumps(command: str, payload: dict[str, Any]) -> str:
    """`payload` as the command's JSON document, with `schema_version` and `command` first."""
    document = {"schema_version": SCHEMA_VERSION, "command": command, **payload}
    return json.dumps(document, indent=2, ensure_ascii=False)


def schema_table() -> str:
    """A Markdown table of `SCHEMAS`, for the "From a terminal" page (through macros.py)."""
    rows = ["| Command | Key | What it holds |", "|---|---|---|"]
    for command, keys in SCHEMAS.items():
        for key, text in keys.items():
            rows.append(f"| `{command} --json` | `{key}` | {text} |")
    return "\n".join(rows)
