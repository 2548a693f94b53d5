"""macros.py: the values, tables and payload panels the pages are rendered with.

The words themselves (percentages, durations, the rates table, alert sentences) are checked
against literal text in tests/test_macros_wording.py.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

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
    values = macros.variables()
    assert values["traces_rates"] == settings.TRACES_SAMPLE_RATES
    assert list(values["env_vars"]) == list(settings.ENV_VARS)
    assert [rule.id for rule in values["alerts"]] == [rule.id for rule in load_rules()]
    from korrigo_sentry.oncall import doctor

    assert values["doctor_checks"] == [tuple(check) for check in doctor.CHECKS]


def test_build_dsn_is_masked(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SENTRY_DSN", "https://canaryKey42@o1.ingest.sentry.io/5")
    values = macros.variables()
    assert "canaryKey42" not in json.dumps(values, default=str)
    assert values["build_dsn"].endswith("@o1.ingest.sentry.io/5")  # read, then masked


def test_env_vars_table_names_every_variable() -> None:
    table = macros.env_vars_table()
    assert all(f"`{name}`" in table for name in settings.ENV_VARS)


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
