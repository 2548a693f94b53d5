"""macros.py's plumbing: what `define_env` registers, how a panel finds its page's code,
how payloads are trimmed, and the small tables, each against literal expected text.

`define_env` runs here on a stand-in for mkdocs-macros' `env` (the attributes macros.py
reads: variables, filter, macro, page, markdown, project_dir, conf).
"""

from __future__ import annotations

import datetime as dt
import json
import linecache
import posixpath
import subprocess
from importlib import import_module, metadata
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest
import yaml
from inline_snapshot import snapshot
from sentry_sdk.scrubber import DEFAULT_DENYLIST, DEFAULT_PII_DENYLIST

import macros
from handbook import build_cache
from korrigo_sentry import settings
from korrigo_sentry.alerts import get_monitor, load_rules
from tests.alerts_support import variant


class Env:
    """What mkdocs-macros hands to `define_env`, reduced to what macros.py uses."""

    def __init__(self, page: Any, project_dir: Path, markdown: str | None = None) -> None:
        self.variables: dict[str, Any] = {}
        self.filters: dict[str, Any] = {}
        self.macros: dict[str, Any] = {}
        self.page = page
        self.project_dir = str(project_dir)
        self.conf = {"docs_dir": "docs"}
        if markdown is not None:
            self.markdown = markdown

    def filter(self, function: Any, name: str | None = None) -> None:
        self.filters[name or function.__name__] = function

    def macro(self, function: Any, name: str | None = None) -> None:
        self.macros[name or function.__name__] = function

    def render(self, text: str) -> str:
        return text


def _mkdocs_page(src_uri: str) -> Any:
    return SimpleNamespace(file=SimpleNamespace(src_uri=src_uri))


@pytest.fixture(autouse=True)
def fresh_cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Each test computes: a value cached by an earlier run would hide a wrong computation."""
    monkeypatch.setattr(build_cache, "CACHE_DIR", tmp_path / "cache")


PAGE = """# Example page

```python
import sentry_sdk
sentry_sdk.capture_message("Copie notée")
```

```python
import sentry_sdk
with sentry_sdk.start_transaction(name="grade-copies", op="task"):
    pass
```

```python
x = 1
```
"""

FILTERS = {"percent", "thousands", "masked_dsn", "minutes", "every"}
MACROS = {"rates_table", "env_vars_table", "integrations_table", "doctor_list", "python_value",
          "alert_rule", "alert_condition", "alert_actions", "alerts_table",
          "what_sentry_receives", "runbooks_table", "runbooks_printable",
          "runbook_transcript"}  # fmt: skip


def _env(tmp_path: Path, markdown: str | None = PAGE, page: Any = None) -> Env:
    (tmp_path / "requirements.txt").write_text("sentry-sdk==9.9.9\n", encoding="utf-8")
    env = Env(page or _mkdocs_page("reference/example.md"), tmp_path, markdown)
    macros.define_env(env)
    return env


def test_define_env_registers_the_readme_filters_and_macros(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(settings, "TRACES_SAMPLE_RATES", {"staging": 0.25})  # a stand-in
    env = _env(tmp_path)
    assert set(env.filters) == FILTERS
    assert env.filters["every"](60) == "every hour"
    assert set(env.macros) >= MACROS
    assert env.variables["traces_rates"] == {"staging": 0.25}
    assert env.variables["release"] == "unknown"  # tmp_path is no git checkout
    assert env.variables["sdk_pin"] == "9.9.9"  # the project's requirements.txt


def test_what_sentry_receives_shows_the_blocks_event(tmp_path: Path) -> None:
    panel = _env(tmp_path).macros["what_sentry_receives"](1)
    assert panel.startswith('??? example "What Sentry receives"\n')
    assert '"message": "Copie notée"' in panel  # as written, not \\u00e9


def test_what_sentry_receives_shows_a_transaction_with_its_title(tmp_path: Path) -> None:
    show = _env(tmp_path).macros["what_sentry_receives"]
    panel = show(2, kind="transaction", index=0, title="The transaction")
    assert panel.startswith('??? example "The transaction"\n')
    assert '"transaction": "grade-copies"' in panel


def test_a_block_that_sends_nothing_fails_the_build_naming_the_page(tmp_path: Path) -> None:
    show = _env(tmp_path).macros["what_sentry_receives"]
    with pytest.raises(ValueError, match=r"^reference/example.md: python block 3 sent no event$"):
        show(3)


def test_under_zensical_the_page_is_read_from_docs(tmp_path: Path) -> None:
    """Zensical's env has no `markdown` and its page no `file`: path and source are read."""
    (tmp_path / "docs" / "reference").mkdir(parents=True)
    (tmp_path / "docs" / "reference" / "z.md").write_text(PAGE, encoding="utf-8")
    env = _env(tmp_path, markdown=None, page=SimpleNamespace(path="reference/z.md"))
    assert macros.page_path(env) == "reference/z.md"
    assert macros.page_source(env) == PAGE
    with pytest.raises(ValueError, match=r"^reference/z.md: python block 3 sent no event$"):
        env.macros["what_sentry_receives"](3)


def test_under_mkdocs_the_page_is_the_files_source(tmp_path: Path) -> None:
    env = _env(tmp_path, markdown="# Given\n", page=_mkdocs_page("a/b.md"))
    assert macros.page_path(env) == "a/b.md"
    assert macros.page_source(env) == "# Given\n"


# --- code blocks -------------------------------------------------------------------------

BLOCKS = """
```
no language
```

```py
a = 1
```

```{.python continuation}
b = a + 1
```

```python3
c = b + 1
```

```{.python .continuation}
d = c + 1
```

```{.python notest}
not = run
```
"""


def test_python_blocks_reads_every_spelling_and_skips_notest() -> None:
    blocks = macros.python_blocks(BLOCKS)
    assert [b.code for b in blocks] == ["a = 1\n", "b = a + 1\n", "c = b + 1\n", "d = c + 1\n"]
    assert [b.continuation for b in blocks] == [False, True, False, False]


CHAIN = "\n".join(
    f"```{{.python{' continuation' if n > 1 else ''}}}\nv{n} = {n}\n```\n" for n in (1, 2, 3)
)


def test_block_code_follows_continuations_back_to_the_first_block() -> None:
    assert macros.block_code(CHAIN, 1) == "v1 = 1\n"
    assert macros.block_code(CHAIN, 2) == "v1 = 1\n\nv2 = 2\n"
    assert macros.block_code(CHAIN, 3) == "v1 = 1\n\nv2 = 2\n\nv3 = 3\n"


def test_a_first_block_marked_continuation_stands_alone() -> None:
    page = "```{.python continuation}\nfirst = 1\n```\n\n```python\nsecond = 2\n```\n"
    assert macros.block_code(page, 1) == "first = 1\n"
    assert macros.block_code(page, 2) == "second = 2\n"


@pytest.mark.parametrize("number", [0, 4])
def test_block_code_refuses_a_block_the_page_does_not_have(number: int) -> None:
    with pytest.raises(IndexError, match=rf"^the page has 3 python blocks, not {number}$"):
        macros.block_code(CHAIN, number)


# --- running an example ----------------------------------------------------------------


def test_an_example_runs_with_sentry_bound_to_the_fake_transport() -> None:
    code = (
        "import sentry_sdk\n"
        "sentry_sdk.capture_message('first')\n"
        "assert [e['message'] for e in sentry.events] == ['first']\n"
        "with sentry_sdk.start_transaction(name='t1', op='task'):\n"
        "    pass\n"
    )
    sent = macros.run_example(code)
    assert [e["message"] for e in sent["event"]] == ["first"]
    assert [t["transaction"] for t in sent["transaction"]] == ["t1"]
    assert macros.EXAMPLE_FILE not in linecache.cache  # the source is not kept after the run


def test_examples_are_computed_per_code() -> None:
    one = macros.run_example("import sentry_sdk\nsentry_sdk.capture_message('one')\n")
    two = macros.run_example("import sentry_sdk\nsentry_sdk.capture_message('two')\n")
    assert (one["event"][0]["message"], two["event"][0]["message"]) == ("one", "two")


def test_doctor_checks_and_denylist_are_read_from_the_package() -> None:
    checks = macros.doctor_checks()
    assert "dsn" in {name for name, _ in checks}
    assert all(text for _, text in checks)
    assert {"password", "student", "ocr_text", "iban"} <= set(macros.denylist())


# --- trimming a payload ----------------------------------------------------------------


def _exception(*frames: dict[str, Any], **item: Any) -> dict[str, Any]:
    stack = {"stacktrace": {"frames": list(frames)}} if frames else {}
    return {"values": [{"type": "ValueError", "value": "bad", **stack, **item}]}


def test_trim_event_keeps_what_a_reader_needs() -> None:
    event = {
        "message": "Grading failed for <Copy object at 0x7f3a2b1c>",
        "platform": "python",
        "sdk": {"name": "sentry.python"},
        "request": {
            "url": "http://testserver/exams/",
            "method": "GET",
            "env": {"SERVER_PORT": "80"},
        },
        "breadcrumbs": {"values": [{"message": f"crumb {n}"} for n in range(5)]},
        "extra": {"sys.argv": ["manage.py"], "copy": 7},
        "exception": _exception(
            {"function": "<module>", "module": "__main__", "lineno": 3},
            {"function": "a", "module": "m", "vars": {"x": "1"}, "lineno": 9, "abs_path": "/x"},
            {"function": "b", "module": "m", "context_line": "raise", "in_app": True},
        ),
    }
    assert macros.trim_event(event) == {
        "message": "Grading failed for <Copy object>",
        "exception": {
            "values": [
                {
                    "type": "ValueError",
                    "value": "bad",
                    "stacktrace": {
                        "frames": [
                            {"function": "a", "module": "m", "vars": {"x": "1"}},
                            {"function": "b", "module": "m", "context_line": "raise"},
                        ]
                    },
                }
            ]
        },
        "request": {"url": "http://testserver/exams/", "method": "GET"},
        "extra": {"copy": 7},
        "breadcrumbs": {"values": [{"message": "crumb 2"}, {"message": "crumb 3"},
                                   {"message": "crumb 4"}]},
    }  # fmt: skip


def test_a_module_frame_without_vars_and_an_exception_without_frames() -> None:
    event = {
        "exception": {
            "values": [
                {"type": "A", "stacktrace": {"frames": [{"function": "<module>", "module": "m"}]}},
                {"type": "B", "stacktrace": {"frames": []}},
                {"type": "C"},
            ]
        }
    }
    assert macros.trim_event(event) == {
        "exception": {
            "values": [
                {"type": "A", "stacktrace": {"frames": [{"function": "<module>", "module": "m"}]}},
                {"type": "B"},
                {"type": "C"},
            ]
        }
    }


def test_empty_breadcrumbs_are_left_out() -> None:
    assert macros.trim_event({"level": "info", "breadcrumbs": {"values": []}}) == {"level": "info"}
    assert macros.trim_event({"level": "info", "breadcrumbs": {"other": 1}}) == {"level": "info"}


# --- small tables and values ---------------------------------------------------------------


def test_env_vars_table(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(settings, "ENV_VARS", {"SENTRY_X": "1 | 0", "SENTRY_Y": "Why."})
    assert macros.env_vars_table() == (
        "| Variable | What it does |\n|---|---|\n| `SENTRY_X` | 1 \\| 0 |\n| `SENTRY_Y` | Why. |"
    )


def test_integrations_table(monkeypatch: pytest.MonkeyPatch) -> None:
    integrations = {"django": {"transaction_style": "url", "middleware_spans": True}, "redis": {}}
    monkeypatch.setattr(settings, "INTEGRATIONS", integrations)
    assert macros.integrations_table().splitlines() == [
        "| Integration | Options |",
        "|---|---|",
        "| `django` | `transaction_style='url'`, `middleware_spans=True` |",
        "| `redis` | defaults |",
    ]


def test_python_value() -> None:
    assert macros.python_value("RATES", {"test": 1.0}) == "```python\nRATES = {'test': 1.0}\n```"
    long = macros.python_value("NAMES", [f"name_{n:02}" for n in range(12)])
    assert long.splitlines()[1:3] == ["NAMES = ['name_00',", " 'name_01',"]  # wrapped


def test_doctor_list(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(macros, "doctor_checks", lambda: [("dsn", "A DSN."), ("sdk", "Active.")])
    assert macros.doctor_list() == "- **dsn**: A DSN.\n- **sdk**: Active."
    monkeypatch.setattr(macros, "doctor_checks", list)
    assert macros.doctor_list() == "*(The `doctor` command is not available in this build.)*"


def test_alert_rule_by_id() -> None:
    assert macros.alert_rule("high-error-rate").id == "high-error-rate"
    with pytest.raises(KeyError, match="no alert rule 'no-such-rule'"):
        macros.alert_rule("no-such-rule")


@pytest.mark.parametrize(
    ("line", "pin"),
    [
        ("sentry-sdk[django,celery]==2.75.0   # comment", "2.75.0"),
        ("  Sentry-SDK == 2.1", "2.1"),
        ("sentry-sdk>=2", "unpinned"),
        ("sentry-sdk-extra==1.0", "unpinned"),
    ],
)
def test_sdk_pin_in_requirements(tmp_path: Path, line: str, pin: str) -> None:
    requirements = tmp_path / "requirements.txt"
    requirements.write_text(f"Django==5.2\n{line}\n", encoding="utf-8")
    assert macros.sdk_pin_in_requirements(requirements) == pin


def test_git_release_is_the_short_sha_of_head(tmp_path: Path) -> None:
    def git(*args: str) -> str:
        return subprocess.run(
            ["git", "-c", "user.name=t", "-c", "user.email=t@example.org", *args],
            cwd=tmp_path, capture_output=True, text=True, check=True,
        ).stdout.strip()  # fmt: skip

    git("init", "-q")
    git("commit", "-q", "--allow-empty", "-m", "release")
    full = git("rev-parse", "HEAD")
    release = macros.git_release(tmp_path)
    assert 7 <= len(release) < len(full)
    assert full.startswith(release)


#: Stand-in settings, each value its own: a variable bound to the wrong setting shows.
STAND_IN_SETTINGS = {
    "ENVIRONMENTS": ("dev", "prod"),
    "DEFAULT_ENVIRONMENT": "dev",
    "ERROR_SAMPLE_RATE": 0.75,
    "NEVER_TRACED": ("/ping/",),
    "EXTRA_DENYLIST": ("pupil",),
    "HEADER_ALLOWLIST": ("x-trace",),
    "QUERY_ALLOWLIST": ("page",),
    "INTEGRATIONS": {"logging": {"level": 10, "event_level": 50}},
    "DATA_COLLECTION": {"user_info": False},
    "RELEASE_PREFIX": "grading@",
    "SDK_PIN": "1.2.3",
}


def test_variables_are_named_as_the_readme_lists_them(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / "requirements.txt").write_text("sentry-sdk==9.9.9\n", encoding="utf-8")
    for name, value in STAND_IN_SETTINGS.items():
        monkeypatch.setattr(settings, name, value)
    values = macros.variables(tmp_path)
    names = {"environments", "default_environment", "traces_rates", "error_sample_rate",
             "never_traced", "extra_denylist", "denylist", "integrations", "data_collection",
             "env_vars", "release_prefix", "release", "sdk_version", "sdk_pin",
             "sdk_pin_settings", "doctor_checks", "alerts", "monitors", "cron_monitors",
             "build_dsn", "fallback_environment", "deployed_environments", "sha_lengths",
             "policy", "privacy_fuzz", "header_allowlist", "query_allowlist",
             "logging_levels", "test_release", "pricing_page",
             # read by docs/reference/privacy.md and docs/getting-started/*.md
             "korrigo", "korrigo_short", "oncall_services", "project_scrubbing",
             "walk_max_depth", "frame_locals", "scrubbing_failed_tag", "korrigo_lint"}  # fmt: skip
    assert names <= set(values)
    assert len(values["korrigo_short"]) == 7  # git's short SHA
    # The linter's findings on Korrigo 45872b4 (tests/test_lint.py runs it there).
    assert (values["korrigo_lint"].commit[:7], values["korrigo_lint"].findings) == ("45872b4", 16)
    assert values["scrubbing_failed_tag"] == "korrigo.scrubbing: failed"  # as Sentry lists tags
    # The logging integration's thresholds as the pages name them (Python's level names).
    assert values["logging_levels"] == {"breadcrumbs": "DEBUG", "events": "CRITICAL"}
    assert values["test_release"] == "grading@0123abc"  # the doc examples' fixed commit
    assert values["pricing_page"] == "https://sentry.io/pricing/"
    assert values["header_allowlist"] == ["x-trace"]
    assert values["query_allowlist"] == ["page"]
    assert values["sdk_version"] == metadata.version("sentry-sdk")
    assert [m.type for m in values["monitors"]] == ["error", "metric", "metric", "uptime"]
    assert values["cron_monitors"].adopted is False  # Celery beat: declined (decisions.md)
    assert values["never_traced"] == ["/ping/"]
    assert values["error_sample_rate"] == 0.75
    assert values["sdk_pin_settings"] == "1.2.3"
    assert values["release_prefix"] == "grading@"
    assert values["extra_denylist"] == ["pupil"]
    assert values["integrations"] == {"logging": {"level": 10, "event_level": 50}}
    assert values["data_collection"] == {"user_info": False}
    assert values["default_environment"] == "dev"
    assert values["environments"] == ["dev", "prod"]
    # Every term of sentry-sdk's own two lists (as the scrubber compares them) and Korrigo's.
    sdk_terms = {t.lower().replace("-", "_") for t in (*DEFAULT_DENYLIST, *DEFAULT_PII_DENYLIST)}
    assert sdk_terms | {"student", "ocr_text", "iban"} <= set(values["denylist"])
    assert values["fallback_environment"] == "production"  # settings' documented fallback
    assert list(values["sha_lengths"]) == [7, 40]  # git's short SHA to a full SHA-1


def test_the_page_source_follows_docs_dir(tmp_path: Path) -> None:
    (tmp_path / "pages").mkdir()
    (tmp_path / "pages" / "p.md").write_text("# In pages\n", encoding="utf-8")
    (tmp_path / "docs").mkdir()
    (tmp_path / "docs" / "p.md").write_text("# In docs\n", encoding="utf-8")
    env = Env(SimpleNamespace(path="p.md"), tmp_path)
    assert macros.page_source(env) == "# In docs\n"  # no docs_dir: MkDocs' default
    env.conf = {"docs_dir": "pages"}
    assert macros.page_source(env) == "# In pages\n"
    env.conf = {}
    assert macros.page_source(env) == "# In docs\n"


def test_python_value_keeps_order_and_wraps_past_88_columns() -> None:
    assert macros.python_value("R", {"b": 1, "a": 2}) == "```python\nR = {'b': 1, 'a': 2}\n```"
    fits = ["x" * 40, "y" * 40]  # repr: 88 characters
    wraps = ["x" * 41, "y" * 40]  # repr: 89 characters
    assert (len(repr(fits)), len(repr(wraps))) == (88, 89)
    assert len(macros.python_value("V", fits).splitlines()) == 3
    assert len(macros.python_value("V", wraps).splitlines()) == 4


def test_the_alerts_table_links_each_rule_to_its_runbook(tmp_path: Path) -> None:
    table = _env(tmp_path, page=_mkdocs_page("reference/alerts.md")).macros["alerts_table"]()
    lines = table.splitlines()
    assert lines[0] == (
        "| Alert | Monitor | Fires when | Environment | Notifies | Throttling | Severity |"
    )
    rules = load_rules()
    assert len(lines) == 2 + len(rules)
    repeats = {
        "critical-errors": "no throttling",  # a new issue happens once per issue
        "high-error-rate": "no throttling",  # the resolve message must not be held back
        "performance-degradation": "no throttling",
        "korrigo-down": "at most every 30 minutes per issue",  # a flapping probe
    }
    for rule, line in zip(rules, lines[2:], strict=True):
        cells = [cell.strip() for cell in line.strip("|").split(" | ")]
        if rule.runbook is None:  # said, not hidden
            assert cells[0] == f"**{rule.name}** (no runbook yet)"
        else:
            label, target = cells[0].removeprefix("**[").removesuffix(")**").split("](")
            assert label == rule.name
            assert posixpath.normpath(posixpath.join("reference", target)) == rule.runbook
        assert cells[3] == (f"`{rule.environment}`" if rule.environment else "all")
        assert cells[5] == repeats[rule.id]
    # What a reader reads in each row: the condition, environment, actions, throttling, severity.
    assert [line.split(" | ", 1)[1] for line in lines[2:]] == snapshot(
        [
            "error (`errors`) | a new issue is created (on its first event) | `production` | email to `admins` | no throttling | critical |",
            "metric (`error-count`) | more than 10 errors in 5 minutes | `production` | email to `admins`, slack to `#korrigo-alerts` | no throttling | high |",
            "metric (`slow-requests`) | `p95(span.duration)` above 2000 ms over 1 hour | `production` | email to `dev-team` | no throttling | medium |",
            "uptime (`korrigo-live`) | the check of `/api/health/live/` fails (a GET every minute, an outage issue opens) | `production` | email to `admins` | at most every 30 minutes per issue | critical |",
        ]
    )


def test_the_relay_tables_are_the_relay_modules(monkeypatch: pytest.MonkeyPatch) -> None:
    comparison = import_module("korrigo_sentry.testing.relay.comparison")
    rules = import_module("korrigo_sentry.testing.relay.rules")
    monkeypatch.setattr(comparison, "scrubbing_comparison_table", lambda: "| comparison |")
    monkeypatch.setattr(rules, "project_scrubbing_rules", lambda: "| rules |")
    assert macros.scrubbing_comparison_table() == "| comparison |"
    assert macros.project_scrubbing_rules() == "| rules |"


def test_the_envelope_items_table_words_each_decision(monkeypatch: pytest.MonkeyPatch) -> None:
    # Stand-in decisions, one per action: the words a reader of the privacy page reads.
    envelope = import_module("korrigo_sentry.privacy.envelope")
    decision = envelope.ItemDecision
    monkeypatch.setattr(envelope, "ITEM_DECISIONS", {
        "event": decision("hook", "`before_send`", "the event"),
        "attachment": decision("scrub", "text | binary", "a file"),
        "profile": decision("drop", "whole item", "stacks"),
        "check_in": decision("keep", "as sent", "no value"),
        "odd": decision("later", "?", "?"),
    })  # fmt: skip
    assert macros.envelope_items_table() == (
        "| Item type | Decision | How | Why |\n"
        "|---|---|---|---|\n"
        "| `event` | scrubbed by its hook | `before_send` | the event |\n"
        "| `attachment` | scrubbed at the transport | text \\| binary | a file |\n"
        "| `profile` | dropped | whole item | stacks |\n"
        "| `check_in` | kept | as sent | no value |\n"
        "| `odd` | later | ? | ? |"
    )


def test_the_project_settings_block_is_the_settings_file() -> None:
    # What a reader sends to the project API: the settings file's fields, written out here.
    block = macros.project_api_settings()
    assert '  "dataScrubber": true,' in block.splitlines()  # one field a line, indented by 2
    assert block.startswith("```json\n")
    assert block.endswith("\n```")
    assert json.loads(block[len("```json\n") : -len("\n```")]) == {
        "dataScrubber": True, "dataScrubberDefaults": False, "scrubIPAddresses": True,
        "sensitiveFields": [], "safeFields": [],
        "relayPiiConfig": "<the JSON above, as one string>",
    }  # fmt: skip


def test_the_alerts_table_says_all_environments_and_links_from_the_top(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    rule = variant("critical-errors", environment=None)
    monkeypatch.setattr(macros, "load_rules", lambda: [rule])
    table = _env(tmp_path, page=_mkdocs_page("alerts.md")).macros["alerts_table"]()
    cells = [cell.strip() for cell in table.splitlines()[2].strip("|").split(" | ")]
    assert cells[3] == "all"
    assert cells[0] == f"**[{rule.name}]({rule.runbook})**"  # a page at the top: path as is


def test_the_monitors_table_names_the_alerts_on_each_monitor(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # The shipped error-count monitor (production) renamed, which two alerts use, and a
    # stand-in without an environment no alert uses (monitor_opens' words: tested with it).
    one = get_monitor("error-count").model_copy(update={"id": "m1", "name": "One"})
    monitors = [one, SimpleNamespace(id="m2", name="Two", type="error")]
    rules = [SimpleNamespace(name="Rule A", monitors=["m1"]),
             SimpleNamespace(name="Rule B", monitors=["m1", "m3"])]  # fmt: skip
    monkeypatch.setattr(macros, "load_monitors", lambda: monitors)
    monkeypatch.setattr(macros, "load_rules", lambda: rules)
    opens = "an error event that matches no existing issue (Sentry's grouping)"
    table = _env(tmp_path, page=_mkdocs_page("alerts.md")).macros["monitors_table"]()
    assert table.splitlines() == [
        "| Monitor | Type | Opens an issue when | Environment | Alerts on it |",
        "|---|---|---|---|---|",
        "| **One** (`m1`) | metric | errors over 5 minutes above 10 (priority high); "
        "resolves at or below 10 | `production` | Rule A, Rule B |",
        f"| **Two** (`m2`) | error | {opens} | all | none |",
    ]


def test_the_alerts_table_says_when_a_rule_has_no_runbook_yet(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    rule = variant("critical-errors", runbook=None)
    monkeypatch.setattr(macros, "load_rules", lambda: [rule])
    table = _env(tmp_path, page=_mkdocs_page("alerts.md")).macros["alerts_table"]()
    cells = [cell.strip() for cell in table.splitlines()[2].strip("|").split(" | ")]
    assert cells[0] == f"**{rule.name}** (no runbook yet)"


def test_alert_actions_are_listed_with_commas() -> None:
    rule = load_rules()[0]
    (action,) = rule.actions[:1]
    twice = rule.model_copy(update={"actions": (action, action)})
    one = f"{action.type} to `{action.target}`"
    assert macros.alert_actions(twice) == f"{one}, {one}"


def test_doctor_checks_are_the_commands() -> None:
    """The checks as the reference page lists them, in the order `doctor` prints its lines."""
    assert macros.doctor_checks() == snapshot(
        [
            ("env_file", "Which .env file is read, and any line in it that is not NAME=value."),
            ("dsn", "SENTRY_DSN is set and well formed (shown with its key masked)."),
            ("environment", "SENTRY_ENVIRONMENT is one of development, test, staging, production."),
            ("release", "GIT_COMMIT_SHA is a commit SHA, so events carry a release."),
            ("sample_rates", "The traces and error sample rates are numbers from 0 to 1."),
            ("debug", "SENTRY_DEBUG is a yes/no value (1/0, true/false...) and off in production."),
            ("sdk", "After init_sentry(), the SDK is active and has a transport to send through."),
            ("integrations", "The django, celery, redis, logging integrations are enabled."),
            (
                "sdk_version",
                "The installed sentry-sdk is one the wheel accepts (2.76.0 or a later 2.x); only another one warns, with the command that installs the pinned one.",
            ),
            (
                "ingest",
                "Sentry takes the DSN's key for its project, from here: DNS, connection, TLS certificate, proxy, then the key and project id (an empty client report, which Sentry authenticates and stores nothing of; --offline skips it).",
            ),
        ]
    )


def test_the_release_is_unknown_without_git(monkeypatch: pytest.MonkeyPatch) -> None:
    def no_git(*args: Any, **kwargs: Any) -> Any:
        raise FileNotFoundError("git")

    monkeypatch.setattr(macros.subprocess, "run", no_git)
    assert macros.git_release(Path()) == "unknown"


# --- every macro a page may call, by the name the pages use ---------------------------------

#: The names the pages call: each is used by at least one page of docs/ or runbooks/.
PAGE_MACROS = {"action", "contact", "where_to_run", "print_contents",  # issue 23
               "first_command_again",
               "alert_actions", "alert_condition", "alert_notifies", "alert_rationale",
               "adopt_changes", "alert_rule", "alerts_table", "cite", "monitors_table",
               "doctor_list", "env_vars_table", "fact", "integrations_table", "json_schemas",
               "korrigo_names_table", "paged_start", "plan",
               "privacy_fuzz_table", "privacy_rules_table", "envelope_items_table",
               "project_scrubbing_rules", "project_api_settings",  # issue 21
               "python_value", "quick_checks", "exit_statuses",
               "rates_table", "runbook_header", "runbook_transcript",
               "runbooks_printable", "runbooks_table", "scrubbing_comparison_table",
               "send_test_outcomes", "ui", "what_sentry_receives"}  # fmt: skip


def test_define_env_registers_every_macro_the_pages_call(tmp_path: Path) -> None:
    env = _env(tmp_path)
    assert set(env.macros) == PAGE_MACROS
    assert all(callable(function) for function in env.macros.values())
    # The short names stand for the product facts, the CLI transcripts and the JSON schemas.
    facts_markdown = import_module("handbook.facts_markdown")
    assert env.macros["fact"] is facts_markdown.render_fact
    assert env.macros["cite"] is facts_markdown.render_cite
    assert env.macros["ui"] is facts_markdown.render_ui
    assert env.macros["plan"] is facts_markdown.render_plan
    transcript = import_module("handbook.transcript")
    assert env.macros["runbook_transcript"] is transcript.transcript_block
    assert env.macros["json_schemas"] is import_module("korrigo_sentry.cli.output").schema_table


@pytest.fixture
def layout_calls(monkeypatch: pytest.MonkeyPatch) -> list[tuple[Any, ...]]:
    """What the layout macros hand to handbook.runbook_layout (recorded, not rendered)."""
    calls: list[tuple[Any, ...]] = []
    layout = import_module("handbook.runbook_layout")
    monkeypatch.setattr(layout, "header", lambda *args: calls.append(("header", *args)) or "")
    monkeypatch.setattr(layout, "paged_block", lambda *args: calls.append(("paged", *args)) or "")
    monkeypatch.setattr(layout, "quick_checks", lambda *args: calls.append(("checks", *args)) or "")

    def first_command(*args: Any) -> str:
        calls.append(("first", *args))
        return "the first command"

    monkeypatch.setattr(layout, "first_command", first_command)
    return calls


#: Front matter a page hands over itself, as each builder reads it: MkDocs' YAML loader
#: makes `last_reviewed` a date, Zensical's a string.
MKDOCS_META = {
    "alert": "critical-errors",
    "severity": "critical",
    "owner": "the page itself",
    "last_reviewed": dt.date(2026, 11, 29),
    "runs_in": "backend",
    "tags": ["critical"],
}
ZENSICAL_META = {**MKDOCS_META, "last_reviewed": "2026-11-29"}


@pytest.mark.parametrize("meta", [MKDOCS_META, ZENSICAL_META], ids=["mkdocs", "zensical"])
def test_a_runbook_header_reads_its_pages_front_matter_whatever_the_builder(
    tmp_path: Path, layout_calls: list[tuple[Any, ...]], meta: dict[str, Any]
) -> None:
    page = SimpleNamespace(file=SimpleNamespace(src_uri="runbooks/critical-errors.md"))
    page.meta = meta
    _env(tmp_path, page=page).macros["runbook_header"]()
    [(kind, slug, front)] = layout_calls
    assert (kind, slug, front.owner) == ("header", "critical-errors", "the page itself")
    assert front.last_reviewed == dt.date(2026, 11, 29)
    assert front.tags == ("critical",)


def test_quick_checks_and_the_first_command_read_the_pages_runbook_or_the_one_named(
    tmp_path: Path, layout_calls: list[tuple[Any, ...]]
) -> None:
    env = _env(tmp_path, page=_mkdocs_page("runbooks/critical-errors.md"))
    env.macros["quick_checks"]()
    env.macros["quick_checks"]("high-error-rate")  # another page names the runbook
    again = env.macros["first_command_again"]
    assert again() == "`the first command`, on the server from the Korrigo checkout,"
    again("high-error-rate")
    checks = import_module("korrigo_sentry.oncall.checks")
    runbooks = import_module("korrigo_sentry.oncall.runbooks")
    assert layout_calls == [
        ("checks", "critical-errors", checks.get("critical-errors")),
        ("checks", "high-error-rate", checks.get("high-error-rate")),
        ("first", "critical-errors", runbooks.get_runbook("critical-errors").front),
        ("first", "high-error-rate", runbooks.get_runbook("high-error-rate").front),
    ]


def test_a_wrong_front_matter_from_the_builder_names_the_page_and_field(tmp_path: Path) -> None:
    page = SimpleNamespace(file=SimpleNamespace(src_uri="runbooks/critical-errors.md"))
    page.meta = {**ZENSICAL_META, "last_reviewed": "29/11/2026"}
    with pytest.raises(ValueError, match=r"^runbooks/critical-errors.md, field last_reviewed: "):
        _env(tmp_path, page=page).macros["runbook_header"]()


def test_a_runbook_header_without_page_meta_reads_the_runbook_file(
    tmp_path: Path, layout_calls: list[tuple[Any, ...]]
) -> None:
    """A port without `page.meta`; another page names the runbook by its slug."""
    page = SimpleNamespace(path="runbooks/critical-errors.md")  # no `file`, no `meta`
    (tmp_path / "docs" / "runbooks").mkdir(parents=True)
    header = _env(tmp_path, markdown=None, page=page).macros["runbook_header"]
    header()
    other = _mkdocs_page("runbooks/printable.md")
    other.meta = MKDOCS_META
    _env(tmp_path, page=other).macros["runbook_header"]("high-error-rate")
    calls = layout_calls
    assert [(kind, slug) for kind, slug, _ in calls] == [
        ("header", "critical-errors"),
        ("header", "high-error-rate"),
    ]
    for _, slug, front in calls:  # the file's own front matter, not the page's
        raw = _front_matter(slug)
        assert front.model_dump(exclude_none=True) == {**raw, "tags": tuple(raw["tags"])}


def _front_matter(slug: str) -> dict[str, Any]:
    """The runbook file's front matter, read as YAML between its two `---` lines (not through
    the runbook library the macro uses)."""
    text = (Path(macros.__file__).parent / "runbooks" / f"{slug}.md").read_text(encoding="utf-8")
    head = text.split("---\n", 2)[1]
    return yaml.safe_load(head)


def test_paged_start_links_from_its_page_every_rule_and_runbook(
    tmp_path: Path, layout_calls: list[tuple[Any, ...]]
) -> None:
    _env(tmp_path, page=_mkdocs_page("index.md")).macros["paged_start"]()
    [(kind, here, rules, books)] = layout_calls
    assert (kind, here) == ("paged", "index.md")
    assert [rule.id for rule in rules] == ["critical-errors", "high-error-rate",
                                           "performance-degradation", "korrigo-down"]  # fmt: skip
    assert {"critical-errors", "sentry-not-capturing-errors", "quota-exhausted"} <= {
        book.slug for book in books
    }


# --- the privacy and send-test tables, on stand-in rows -------------------------------------


def test_privacy_rules_table_escapes_pipes(monkeypatch: pytest.MonkeyPatch) -> None:
    rule = SimpleNamespace(name="card", kind="value", matches="13|19 digits", reason="PCI|DSS")
    monkeypatch.setattr(import_module("korrigo_sentry.privacy"), "RULES", [rule])
    assert macros.privacy_rules_table().splitlines() == [
        "| Rule | Kind | Matches | Why |",
        "|---|---|---|---|",
        "| `card` | value | 13\\|19 digits | PCI\\|DSS |",
    ]


def test_privacy_fuzz_table_words_each_outcome(monkeypatch: pytest.MonkeyPatch) -> None:
    places = [
        {"area": "logging", "secret": "password", "outcome": "masked", "kept": "user.id"},
        {"area": "celery", "secret": "token", "outcome": "dropped", "kept": ""},
        {"area": "django", "secret": "IBAN", "outcome": "leaked", "kept": ""},
        {"area": "httpx", "secret": "card", "outcome": "truncated", "kept": ""},
    ]
    monkeypatch.setattr(macros, "read_privacy_fuzz", lambda: {"places": places})
    assert macros.privacy_fuzz_table().splitlines() == [
        "| Integration | Secret planted | Korrigo | Context kept |",
        "|---|---|---|---|",
        "| logging | password | masked (`[Filtered]`) | `user.id` kept |",
        "| celery | token | dropped |  |",
        "| django | IBAN | **LEAKED** |  |",
        "| httpx | card | truncated |  |",  # an outcome with no wording is shown as it is
    ]


def test_read_privacy_fuzz_reads_the_json_as_written(tmp_path: Path) -> None:
    path = tmp_path / "fuzz.json"
    path.write_text('{"places": [{"area": "logging", "secret": "clé"}]}', encoding="utf-8")
    assert macros.read_privacy_fuzz(path) == {"places": [{"area": "logging", "secret": "clé"}]}


def test_send_test_outcomes_link_each_next_step(monkeypatch: pytest.MonkeyPatch) -> None:
    kinds = [
        SimpleNamespace(exit_code=0, name="accepted", summary="Sentry accepted it", next_step=""),
        SimpleNamespace(
            exit_code=13, name="rate_limited", summary="HTTP 429", next_step="quota.md#diagnosis"
        ),
    ]
    monkeypatch.setattr(import_module("korrigo_sentry.oncall.delivery"), "KINDS", kinds)
    assert macros.send_test_outcomes().splitlines() == [
        "| Exit status | Outcome | What happened | Next step |",
        "|---|---|---|---|",
        "| `0` | `accepted` | Sentry accepted it |  |",
        "| `13` | `rate_limited` | HTTP 429 | [diagnosis](quota.md#diagnosis) |",
        "| `20` | `configuration` | no usable `SENTRY_DSN`: nothing was sent |  |",
    ]


def test_the_exit_status_table_keeps_usage_apart_from_configuration() -> None:
    assert macros.exit_statuses().splitlines() == snapshot(
        [
            "| Exit status | Commands | Meaning |",
            "|---|---|---|",
            "| `0` | all | success: every check passed, the events were accepted |",
            "| `1` | all | a check failed (its line says which, and the next step) |",
            "| `2` | all | the command line is wrong (an option, a value, a runbook name) |",
            "| `3` to `16` | `send-test` | Sentry was not reached or refused the event (one status per outcome, below) |",
            "| `3` | `alerts export` | the `--output` file cannot be written |",
            "| `20` | all | the configuration gives nothing to work with (no usable `SENTRY_DSN`, an unreadable `.env` or `--env-file`) |",
            "| `21` | all | the installation lacks a package or the runbook pages |",
            "| `70` | all | an unforeseen failure in the command (please report it) |",
            "| `141` | all | the reader of the output went away (`| head`) |",
        ]
    )
