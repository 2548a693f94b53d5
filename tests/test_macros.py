"""macros.py: the values, tables and payload panels the pages are rendered with.

The words themselves (percentages, durations, the rates table, alert sentences) are checked
against literal text in tests/test_macros_wording.py.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from inline_snapshot import snapshot

import macros
from korrigo_sentry import settings
from korrigo_sentry.alerts import load_rules

ROOT = Path(macros.__file__).resolve().parent


def test_masked_dsn_keeps_host_and_project_only() -> None:
    masked = macros.masked_dsn("https://secretKey123@o7.ingest.sentry.io/99")
    assert "secretKey123" not in masked
    assert masked.endswith("@o7.ingest.sentry.io/99")


def test_the_requirements_pin_is_the_one_settings_declares() -> None:
    assert macros.sdk_pin_in_requirements(ROOT / "requirements.txt") == settings.SDK_PIN


def test_the_release_outside_git_is_unknown(tmp_path: Path) -> None:
    assert macros.git_release(tmp_path) == "unknown"


def test_variables_come_from_the_code() -> None:
    """The values the pages print, as literals read once and reviewed (a changed setting
    shows here as a snapshot diff to read, not as the same constant read twice)."""
    values = macros.variables()
    assert values["traces_rates"] == snapshot(
        {"development": 1.0, "test": 1.0, "staging": 0.5, "production": 0.1}
    )
    assert list(values["env_vars"]) == snapshot(
        [
            "SENTRY_DSN",
            "SENTRY_ENVIRONMENT",
            "DJANGO_ENV",
            "GIT_COMMIT_SHA",
            "SENTRY_RELEASE",
            "SENTRY_TRACES_SAMPLE_RATE",
            "SENTRY_SAMPLE_RATE",
            "SENTRY_DEBUG",
        ]
    )
    assert [rule.id for rule in values["alerts"]] == snapshot(
        ["critical-errors", "high-error-rate", "performance-degradation", "korrigo-down"]
    )
    assert [name for name, _ in values["doctor_checks"]] == snapshot(
        [
            "env_file",
            "dsn",
            "environment",
            "release",
            "sample_rates",
            "debug",
            "sdk",
            "integrations",
            "sdk_version",
            "ingest",
        ]
    )


def test_build_dsn_is_masked(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SENTRY_DSN", "https://canaryKey42@o1.ingest.sentry.io/5")
    values = macros.variables()
    assert "canaryKey42" not in json.dumps(values, default=str)
    assert values["build_dsn"].endswith("@o1.ingest.sentry.io/5")  # read, then masked


def test_env_vars_table_names_every_variable() -> None:
    assert macros.env_vars_table().splitlines() == snapshot(
        [
            "| Variable | What it does |",
            "|---|---|",
            "| `SENTRY_DSN` | Where events go (Sentry > Settings > Client Keys). Unset: Sentry is off. |",
            "| `SENTRY_ENVIRONMENT` | One of development, test, staging, production; wins over DJANGO_ENV. Unset, and DJANGO_ENV unset too: development without a DSN, production with one; any other name: production (both with an error in the log; doctor fails). |",
            "| `DJANGO_ENV` | Korrigo's own switch, set by its compose files; used when SENTRY_ENVIRONMENT is unset: development -> development, production -> production, e2e -> test (any other value: production, an error in the log). |",
            "| `GIT_COMMIT_SHA` | The deployed commit; becomes the release (korrigo@SHA). |",
            "| `SENTRY_RELEASE` | Read by sentry-sdk itself, only when GIT_COMMIT_SHA is unset or refused (after it, the SDK tries git and CI variables). |",
            "| `SENTRY_TRACES_SAMPLE_RATE` | Overrides the environment's traces rate (0 to 1). |",
            "| `SENTRY_SAMPLE_RATE` | Overrides the error sample rate (0 to 1; default 1.0). |",
            "| `SENTRY_DEBUG` | 1 (or true, yes, on) prints the SDK's own log: what it sends and drops. |",
        ]
    )


def test_alert_condition_states_threshold_and_window() -> None:
    for rule in load_rules():
        text = macros.alert_condition(rule)
        if rule.threshold is not None:
            assert f"{rule.threshold:g}" in text
            assert macros.minutes(rule.window_minutes or 0) in text


MARKDOWN = """
# Page

```python
a = 1
```

=== "Tab"

    ```python
    b = a + 1
    ```

??? note "Details"

    ```{.python continuation}
    c = b + 1
    ```

```bash
echo not python
```
"""


def test_python_blocks_finds_fences_in_tabs_and_admonitions() -> None:
    blocks = macros.python_blocks(MARKDOWN)
    assert [block.code.strip() for block in blocks] == ["a = 1", "b = a + 1", "c = b + 1"]
    assert [block.continuation for block in blocks] == [False, False, True]
    assert macros.block_code(MARKDOWN, 3).split() == [
        "b",
        "=",
        "a",
        "+",
        "1",
        "c",
        "=",
        "b",
        "+",
        "1",
    ]


def test_run_example_returns_what_the_fake_transport_received() -> None:
    code = 'from sentry_sdk import capture_message\ncapture_message("from the bench")\n'
    sent = macros.run_example(code)
    assert sent["event"][-1]["message"] == "from the bench"


def test_the_panel_masks_volatile_fields_and_drops_sdk_metadata() -> None:
    code = (
        "def fail():\n    1 / 0\n\ntry:\n    fail()\nexcept ZeroDivisionError as e:\n"
        "    import sentry_sdk\n    sentry_sdk.capture_exception(e)\n"
    )
    event = macros.run_example(code)["event"][-1]
    shown = macros.trim_event(event)
    assert shown["event_id"] == "<event_id>"
    assert shown["timestamp"] == "<timestamp>"
    assert "sdk" not in shown
    assert "modules" not in shown
    frames = shown["exception"]["values"][0]["stacktrace"]["frames"]
    assert frames[-1]["function"] == "fail"
    assert frames[-1]["context_line"].strip() == "1 / 0"
    assert all("lineno" not in frame for frame in frames)
    panel = macros.receives_panel(event)
    assert panel.startswith('??? example "What Sentry receives"')
    assert event["event_id"] not in panel
