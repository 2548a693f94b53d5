"""Live values for the handbook (mkdocs-macros plugin, `module_name: macros` in mkdocs.yml).

Every number, name and payload a page states comes from here, and everything here comes
from `korrigo_sentry` (its settings, alert rules and fake transport), from the installed
packages, from git, or from `korrigo_sentry/data/facts.yaml`. Nothing is typed twice.

Variables, filters and macros are listed in `define_env`; the README shows how to use them.
"""

from __future__ import annotations

import json
import linecache
import logging
import os
import posixpath
import re
import subprocess
import textwrap
from collections.abc import Callable, Mapping
from importlib import import_module, metadata
from pathlib import Path
from pprint import pformat
from typing import Any

from handbook import (
    build_cache,
    facts_markdown,
    korrigo_pages,
    oncall_markdown,
    print_contents,
    render_cache,
    runbook_layout,
)
from handbook.page_blocks import python_blocks
from handbook.transcript import transcript_block
from korrigo_sentry import settings
from korrigo_sentry.alerts import AlertRule, load_rules
from korrigo_sentry.alerts.rules import (
    MetricMonitor,
    UptimeMonitor,
    load_file,
    load_monitors,
    load_policy,
)
from korrigo_sentry.cli.output import schema_table
from korrigo_sentry.dsn import mask_dsn
from korrigo_sentry.korrigo import korrigo
from korrigo_sentry.lint import measured as lint_measured
from korrigo_sentry.oncall import facts as product_facts
from korrigo_sentry.oncall import front_matter, runbooks, where

ROOT = Path(__file__).resolve().parent

#: Event keys shown in a "What Sentry receives" panel, in this order; the rest (SDK
#: metadata, module list, runtime contexts) is always sent but says nothing about the example.
SHOWN_KEYS: tuple[str, ...] = (
    "event_id",
    "timestamp",
    "level",
    "logger",
    "message",
    "logentry",
    "exception",
    "transaction",
    "request",
    "user",
    "tags",
    "contexts",
    "extra",
    "breadcrumbs",
    "environment",
    "release",
)
#: Values that change on every run, replaced by a placeholder wherever they appear.
VOLATILE_KEYS = frozenset(
    {"event_id", "timestamp", "start_timestamp", "trace_id", "span_id", "parent_span_id",
     "celery_task_id"}
)  # fmt: skip
#: Contexts the SDK adds to every event (runtime, OS, trace ids): not the example's.
SDK_CONTEXTS = frozenset({"runtime", "os", "device", "trace", "app", "cloud_resource"})
#: What a stack frame keeps: line numbers and paths depend on the build machine.
FRAME_KEYS = ("function", "module", "context_line", "vars")
MAX_FRAMES = 2
#: Breadcrumbs shown: the last few, the ones that lead to the example's event.
MAX_BREADCRUMBS = 3


# --- filters ---------------------------------------------------------------------------


def percent(rate: float) -> str:
    """0.1 -> '10%' (a sample rate as a reader says it)."""
    return f"{rate * 100:g}%"


def thousands(number: float) -> str:
    """5000 -> '5,000'."""
    return f"{number:,}"


def masked_dsn(dsn: str | None) -> str:
    """A DSN as pages may show it: scheme, host and project id, never the key."""
    return mask_dsn(dsn)


def every(value: int) -> str:
    """60 -> 'every hour', 1440 -> 'every day', 5 -> 'every 5 minutes'."""
    text = minutes(value)
    return "every " + text.removeprefix("1 ")


def minutes(value: int) -> str:
    """60 -> '1 hour', 1440 -> '1 day', 5 -> '5 minutes', 0 -> '0 minutes'."""
    for size, unit in ((1440, "day"), (60, "hour")):
        if value and value % size == 0:
            count = value // size
            return f"{count} {unit}" + ("s" if count != 1 else "")
    return f"{value} minute" + ("s" if value != 1 else "")


# --- values read from the code, the packages, git and facts.yaml ----------------------------


def sdk_pin_in_requirements(requirements: Path) -> str:
    """The version `requirements.txt` pins sentry-sdk to ('unpinned' if it does not)."""
    pattern = re.compile(
        # IGNORECASE: the name in capitals matches alike; another pattern: tested, hidden
        r"^sentry-sdk(?:\[[^\]]*\])?\s*==\s*([\w.]+)",  # pragma: no mutate (IGNORECASE)
        re.IGNORECASE,
    )
    text = requirements.read_text(
        encoding="utf-8",  # pragma: no mutate (any spelling, or the locale's: UTF-8)
    )
    for line in text.splitlines():
        match = pattern.match(line.strip())
        if match:
            return match.group(1)
    return "unpinned"


def git_release(cwd: Path) -> str:
    """The short SHA of HEAD, which a deploy of this build would report; 'unknown' outside git."""
    try:
        result = subprocess.run(
            ["git", "rev-parse", "--short", "HEAD"],
            cwd=cwd,
            capture_output=True,
            text=True,
            timeout=10,  # pragma: no mutate (another value, or none: differs only if git hangs)
            # Outside git: no output, hence "unknown"; check=True raises, read as "unknown" too.
            check=False,  # pragma: no mutate (None, True or left out: the same "unknown")
        )
    except (OSError, subprocess.SubprocessError):
        return "unknown"
    return result.stdout.strip() or "unknown"


def doctor_checks() -> list[tuple[str, str]]:
    """(name, description) of each check `python -m korrigo_sentry doctor` runs."""

    def compute() -> list[tuple[str, str]]:
        doctor = import_module("korrigo_sentry.oncall.doctor")  # imports the SDK: cached below
        return [(str(name), str(description)) for name, description in doctor.CHECKS]

    checks = build_cache.cached(
        "doctor-checks",  # pragma: no mutate (entry name: a file prefix; the key is the inputs)
        compute,
    )
    return [tuple(check) for check in checks]


def test_commit_sha() -> str:
    """The commit the doc examples report (korrigo_sentry.testing, which imports the SDK,
    Django and Celery: cached, so that a warm build does not pay for those imports)."""
    return build_cache.cached(
        "test-commit",  # pragma: no mutate (entry name: a file prefix; the key is the inputs)
        lambda: import_module("korrigo_sentry.testing").TEST_COMMIT_SHA,
    )


def denylist() -> list[str]:
    """Every key term the scrubber filters (sentry-sdk's lists and Korrigo's)."""
    return build_cache.cached(
        "denylist",  # pragma: no mutate (entry name: a file prefix; the key is the inputs)
        lambda: list(import_module("korrigo_sentry.privacy").DENYLIST),
    )


def scrubbing_comparison_table() -> str:
    """Relay's server-side defaults against Korrigo's client scrubber (testing.relay)."""
    return build_cache.cached(
        "comparison",  # pragma: no mutate (entry name: a file prefix; the key is the inputs)
        lambda: import_module(
            "korrigo_sentry.testing.relay.comparison"
        ).scrubbing_comparison_table(),
    )


# --- privacy pipeline (korrigo_sentry.privacy, issue 11) ---------------------------------

PRIVACY_FUZZ_PATH = Path(settings.__file__).resolve().parent / "data" / "privacy_fuzz.json"
_OUTCOME_WORDS = {"masked": "masked (`[Filtered]`)", "dropped": "dropped", "leaked": "**LEAKED**"}


def privacy_rules_table() -> str:
    """Every rule of the privacy pipeline: name, kind, what it matches, why."""

    def compute() -> list[list[str]]:
        rules = import_module("korrigo_sentry.privacy").RULES  # imports the SDK: cached
        return [[r.name, r.kind, r.matches, r.reason] for r in rules]

    rules = build_cache.cached(
        "privacy-rules",  # pragma: no mutate (entry name: a file prefix; the key is the inputs)
        compute,
    )
    rows = [
        (f"`{name}`", kind, matches.replace("|", "\\|"), reason.replace("|", "\\|"))
        for name, kind, matches, reason in rules
    ]
    return _table(("Rule", "Kind", "Matches", "Why"), rows)


def envelope_items_table() -> str:
    """Every envelope item type the pipeline knows, with its decision (issue 21.2)."""

    def compute() -> list[list[str]]:
        decisions = import_module("korrigo_sentry.privacy.envelope").ITEM_DECISIONS
        return [[name, d.action, d.how, d.reason] for name, d in decisions.items()]

    words = {"hook": "scrubbed by its hook", "scrub": "scrubbed at the transport",
             "drop": "dropped", "keep": "kept"}  # fmt: skip
    items = build_cache.cached(
        "envelope-items",  # pragma: no mutate (entry name: a file prefix; the key is the inputs)
        compute,
    )
    rows = [
        (f"`{name}`", words.get(action, action), how.replace("|", "\\|"), reason)
        for name, action, how, reason in items
    ]
    return _table(("Item type", "Decision", "How", "Why"), rows)


def read_privacy_fuzz(path: Path = PRIVACY_FUZZ_PATH) -> dict[str, Any]:
    """The privacy fuzz's last measured table (written by tests/privacy/test_fuzz.py)."""
    text = path.read_text(
        encoding="utf-8",  # pragma: no mutate (any spelling, or the locale's: UTF-8)
    )
    return json.loads(text)


def privacy_fuzz_table() -> str:
    """Place -> what Korrigo's pipeline did with the secret planted there, as measured."""
    rows = []
    for row in read_privacy_fuzz()["places"]:
        kept = f"`{row['kept']}` kept" if row["kept"] else ""
        rows.append(
            (row["area"], row["secret"], _OUTCOME_WORDS.get(row["outcome"], row["outcome"]), kept)
        )
    return _table(("Integration", "Secret planted", "Korrigo", "Context kept"), rows)


def project_scrubbing_rules() -> str:
    """Korrigo's project-side advanced data scrubbing rules, validated by Relay."""
    return build_cache.cached(
        "project-rules",  # pragma: no mutate (entry name: a file prefix; the key is the inputs)
        lambda: import_module("korrigo_sentry.testing.relay.rules").project_scrubbing_rules(),
    )


def project_api_settings() -> str:
    """The project's data scrubbing settings as the project API takes them (issue 21.5),
    from korrigo_sentry/data/scrubbing_settings.yaml; `relayPiiConfig` is the rules' JSON."""
    fields = import_module("korrigo_sentry.testing.relay.project").recommended_settings()
    body = {**fields.api_fields(), "relayPiiConfig": "<the JSON above, as one string>"}
    return f"```json\n{json.dumps(body, indent=2)}\n```"


def variables(root: Path = ROOT) -> dict[str, Any]:
    """Every variable the pages may use, by name."""
    return {
        "environments": list(settings.ENVIRONMENTS),
        "default_environment": settings.DEFAULT_ENVIRONMENT,
        "fallback_environment": settings.FALLBACK_ENVIRONMENT,  # a DSN, no environment
        "traces_rates": dict(settings.TRACES_SAMPLE_RATES),
        "error_sample_rate": settings.ERROR_SAMPLE_RATE,
        "never_traced": list(settings.NEVER_TRACED),
        # The real Korrigo's names (data/korrigo.yaml): {{ korrigo.celery.app }}...
        "korrigo": korrigo(),
        "korrigo_short": korrigo().commit[:7],
        "oncall_services": {p.id: p.service for p in where.oncall().places.values() if p.service},
        "extra_denylist": list(settings.EXTRA_DENYLIST),
        "denylist": denylist(),
        "privacy_fuzz": read_privacy_fuzz(),  # korrigo_sentry.privacy (issue 11)
        # Relay on both project set-ups (tests/privacy/test_project_scrubbing.py, issue 21.5).
        "project_scrubbing": json.loads(
            (PRIVACY_FUZZ_PATH.parent / "project_scrubbing.json").read_text(
                encoding="utf-8",  # pragma: no mutate (any spelling, or the locale's: UTF-8)
            )
        ),
        # The tag a skeleton event carries when a rule failed (issue 21.1).
        "scrubbing_failed_tag": "{0.FAILED_TAG}: {0.FAILED_VALUE}".format(
            import_module("korrigo_sentry.privacy.guard")
        ),
        "walk_max_depth": import_module("korrigo_sentry.privacy.event").MAX_DEPTH,
        # What the linter finds on the real Korrigo (data/korrigo_lint.yaml, tests/test_lint.py).
        "korrigo_lint": lint_measured.read(),
        # Frame variables: each policy measured (tests/privacy/measure_locals.py, issue 21.3).
        "frame_locals": json.loads(
            (PRIVACY_FUZZ_PATH.parent / "frame_locals.json").read_text(
                encoding="utf-8",  # pragma: no mutate (any spelling, or the locale's: UTF-8)
            )
        ),
        "header_allowlist": list(settings.HEADER_ALLOWLIST),
        "query_allowlist": list(settings.QUERY_ALLOWLIST),
        "integrations": dict(settings.INTEGRATIONS),
        # The logging integration's thresholds by name (INFO, ERROR), from settings (issue 12).
        "logging_levels": {
            "breadcrumbs": logging.getLevelName(settings.INTEGRATIONS["logging"]["level"]),
            "events": logging.getLevelName(settings.INTEGRATIONS["logging"]["event_level"]),
        },
        "data_collection": dict(settings.DATA_COLLECTION),
        "env_vars": dict(settings.ENV_VARS),
        "release_prefix": settings.RELEASE_PREFIX,
        # The release every doc example and panel reports (a fixed commit, issue 12).
        "test_release": settings.RELEASE_PREFIX + test_commit_sha(),
        "release": git_release(root),
        "sdk_version": metadata.version(
            # importlib.metadata ignores case; None or another name: tested, hidden
            "sentry-sdk",  # pragma: no mutate (the name in capitals finds sentry-sdk too)
        ),
        "sdk_pin": sdk_pin_in_requirements(root / "requirements.txt"),
        "sdk_pin_settings": settings.SDK_PIN,
        "doctor_checks": doctor_checks(),
        "pricing_page": build_cache.cached(
            "pricing-page",  # pragma: no mutate (entry name: a file prefix; the key is the inputs)
            product_facts.pricing_page,
        ),
        "alerts": load_rules(),
        "monitors": load_monitors(),
        "cron_monitors": load_file().cron_monitors,  # adopted or not, and why (alerts.yaml)
        "policy": load_policy(),  # on-call response times, minutes (alerts.yaml)
        "deployed_environments": list(settings.DEPLOYED_ENVIRONMENTS),
        "sha_lengths": list(settings.SHA_LENGTHS),
        # The DSN this build saw, masked: the key never reaches a page.
        "build_dsn": masked_dsn(os.environ.get("SENTRY_DSN")),
    }


# --- tables ----------------------------------------------------------------------------


def _table(header: tuple[str, ...], rows: list[tuple[str, ...]]) -> str:
    lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    lines += ["| " + " | ".join(row) + " |" for row in rows]
    return "\n".join(lines)


def rates_table() -> str:
    """Environment, share of transactions traced, and the Python value."""
    rows = []
    for name in settings.ENVIRONMENTS:
        rate = settings.TRACES_SAMPLE_RATES[name]
        default = " (default)" if name == settings.DEFAULT_ENVIRONMENT else ""
        rows.append((f"`{name}`{default}", percent(rate), f"`{rate!r}`"))
    return _table(("Environment", "Transactions traced", "`traces_sampler` returns"), rows)


def env_vars_table() -> str:
    """Every environment variable the code reads, and what for."""
    rows = [(f"`{name}`", text.replace("|", "\\|")) for name, text in settings.ENV_VARS.items()]
    return _table(("Variable", "What it does"), rows)


def integrations_table() -> str:
    """Each integration `init_sentry` enables, with the options it passes."""
    rows = []
    for name, options in settings.INTEGRATIONS.items():
        shown = ", ".join(f"`{key}={value!r}`" for key, value in options.items()) or "defaults"
        rows.append((f"`{name}`", shown))
    return _table(("Integration", "Options"), rows)


def doctor_list() -> str:
    """A bullet list of the checks `doctor` runs."""
    checks = doctor_checks()
    if not checks:
        return "*(The `doctor` command is not available in this build.)*"
    return "\n".join(f"- **{name}**: {description}" for name, description in checks)


def exit_statuses() -> str:
    """The exit statuses every command shares, and what each command adds."""
    from korrigo_sentry.cli.exits import table

    return table()


def send_test_outcomes() -> str:
    """`send-test`'s outcomes: exit status, what it means, where the reader goes next."""
    from korrigo_sentry.cli.send_test import UNUSABLE
    from korrigo_sentry.oncall.delivery import KINDS

    rows = []
    for kind in KINDS:
        step = f"[{kind.next_step.split('#')[1]}]({kind.next_step})" if kind.next_step else ""
        rows.append((f"`{kind.exit_code}`", f"`{kind.name}`", kind.summary, step))
    rows.append(
        (f"`{UNUSABLE}`", "`configuration`", "no usable `SENTRY_DSN`: nothing was sent", "")
    )
    return _table(("Exit status", "Outcome", "What happened", "Next step"), rows)


def python_value(name: str, value: Any) -> str:
    """A fenced Python assignment of `value` (rendered here, so doc tests never see Jinja)."""
    shown = pformat(
        value,
        width=88,
        sort_dicts=False,  # pragma: no mutate (None is as falsy as False; True: tested, hidden)
    )
    body = f"{name} = {shown}"
    return f"```python\n{body}\n```"


# --- alerts ----------------------------------------------------------------------------


def alert_rule(rule_id: str) -> AlertRule:
    """One alert rule by id (fails the build for an unknown id)."""
    for rule in load_rules():
        if rule.id == rule_id:
            return rule
    raise KeyError(f"no alert rule {rule_id!r}")


def alert_condition(rule: AlertRule) -> str:
    """What opens the issue the alert acts on, e.g. 'more than 10 errors in 5 minutes'."""
    monitor = rule.monitor
    if isinstance(monitor, MetricMonitor):
        threshold = f"{monitor.above:g}"
        window = minutes(monitor.window_seconds // 60)
        if monitor.unit == "events":
            return f"more than {threshold} errors in {window}"
        return f"`{monitor.aggregate}` above {threshold} ms over {window}"
    if isinstance(monitor, UptimeMonitor):
        return (
            f"the check of `{monitor.path}` fails (a {monitor.method} "
            f"{every(monitor.interval_seconds // 60)}, an outage issue opens)"
        )
    return "a new issue is created (on its first event)"


def monitor_opens(monitor: Any) -> str:
    """When a monitor opens an issue, in words."""
    if isinstance(monitor, MetricMonitor):
        what = "errors" if monitor.unit == "events" else f"`{monitor.aggregate}`"
        limit = f"{monitor.above:g}" + (" ms" if monitor.unit == "ms" else "")
        back = f"{monitor.resolve_at_or_below:g}" + (" ms" if monitor.unit == "ms" else "")
        return (
            f"{what} over {minutes(monitor.window_seconds // 60)} above {limit} "
            f"(priority {monitor.priority}); resolves at or below {back}"
        )
    if isinstance(monitor, UptimeMonitor):
        return (
            f"a {monitor.method} of `{monitor.url}` {every(monitor.interval_seconds // 60)} "
            f"fails (timeout {monitor.timeout_ms // 1000} s)"
        )
    return "an error event that matches no existing issue (Sentry's grouping)"


def alert_throttle(rule: AlertRule) -> str:
    """The workflow's `frequency`, in words: 'at most every 30 minutes per issue'."""
    if rule.frequency_minutes == 0:
        return "no throttling"
    return f"at most {every(rule.frequency_minutes)} per issue"


def alert_notifies(rule: AlertRule) -> str:
    """When the alert runs: its triggers and filters on the monitor's issue, and throttling."""
    if isinstance(rule.monitor, MetricMonitor):
        text = (
            f"when the monitor opens its issue (priority {rule.monitor.priority}) and again "
            "when the issue resolves, never while it stays open"
        )
    elif isinstance(rule.monitor, UptimeMonitor):
        text = "when an outage opens the monitor's issue, and when a later outage reopens it"
    else:
        text = (
            "on the first event of each new issue; later events of that issue start "
            "nothing, and another new issue notifies on its own"
        )
    return f"{text} ({alert_throttle(rule)})"


def alert_repeats(rule: AlertRule) -> str:
    """The table's short form of the throttling."""
    return alert_throttle(rule)


def alert_rationale(rule: AlertRule) -> str:
    """The rule's rationale with its placeholders filled from the rule itself."""
    return rule.rationale.format(
        window=minutes(rule.window_minutes) if rule.window_minutes else "",
        frequency=minutes(rule.frequency_minutes),
        threshold=f"{rule.threshold:g}" if rule.threshold is not None else "",
    )


def alert_actions(rule: AlertRule) -> str:
    """'email to admins, slack to #alerts'."""
    return ", ".join(f"{action.type} to `{action.target}`" for action in rule.actions)


# --- "What Sentry receives" --------------------------------------------------------------


def block_code(markdown: str, number: int) -> str:
    """The code the doc test of the page's `number`-th python fence runs (1-based)."""
    blocks = python_blocks(markdown)
    if not 1 <= number <= len(blocks):
        raise IndexError(f"the page has {len(blocks)} python blocks, not {number}")
    first = number - 1
    while first > 0 and blocks[first].continuation:
        first -= 1
    return "\n".join(block.code for block in blocks[first:number])


EXAMPLE_FILE = "example.py"


def run_example(code: str) -> dict[str, list[dict[str, Any]]]:
    """What `code` sends, run as the doc tests run it (cached across builds)."""
    return build_cache.cached(
        "example",  # pragma: no mutate (entry name: a file prefix; the key is the inputs)
        lambda: capture_example(code),
        code,
    )


def capture_example(code: str) -> dict[str, list[dict[str, Any]]]:
    """Run `code` as the doc tests do (`sentry` bound to a FakeTransport); what it sent."""
    from korrigo_sentry.testing import sentry_capture

    # Registered in linecache so that the SDK finds the source lines of the example's frames
    # (an entry without mtime is never invalidated).
    lines = code.splitlines(
        True,  # pragma: no mutate (the SDK strips line endings: False gives the same)
    )
    linecache.cache[EXAMPLE_FILE] = (len(code), None, lines, EXAMPLE_FILE)
    try:
        with sentry_capture() as sentry:
            namespace = {"__name__": "__main__", "sentry": sentry}
            exec(compile(code, EXAMPLE_FILE, "exec"), namespace)
            return {"event": list(sentry.events), "transaction": list(sentry.transactions)}
    finally:
        linecache.cache.pop(
            EXAMPLE_FILE,
            None,  # pragma: no mutate (set above in this function: the entry is always there)
        )


_ADDRESS = re.compile(r" at 0x[0-9a-f]+")


def trim_event(event: Mapping[str, Any]) -> dict[str, Any]:
    """The parts of a wire event that matter to a reader, volatile values masked."""
    shown: dict[str, Any] = {}
    for key in SHOWN_KEYS:
        if key not in event or event[key] in (None, {}, []):
            continue
        # A deep copy with JSON types only, and no memory addresses ("<object at 0x7f...>")
        value = _prune(json.loads(_ADDRESS.sub("", json.dumps(event[key]))))
        if key in VOLATILE_KEYS:
            value = f"<{key}>"
        elif key == "exception":
            value = _trim_exception(value)
        elif key == "contexts":
            value = {k: v for k, v in value.items() if k not in SDK_CONTEXTS}
        elif key == "extra":
            value = {k: v for k, v in value.items() if k != "sys.argv"}
        elif key == "breadcrumbs":
            value = value.get("values", [])[-MAX_BREADCRUMBS:]
            value = {"values": value} if value else {}
        elif key == "request":
            value = {k: v for k, v in value.items() if k != "env"}
        if value not in ({}, []):
            shown[key] = value
    return shown


def _prune(value: Any) -> Any:
    """`value` without the keys whose value is null, volatile values masked."""
    if isinstance(value, dict):
        return {
            k: f"<{k}>" if k in VOLATILE_KEYS else _prune(v)
            for k, v in value.items()
            if v is not None
        }
    if isinstance(value, list):
        return [_prune(v) for v in value]
    return value


def _trim_frame(frame: dict[str, Any]) -> dict[str, Any]:
    kept = {k: frame[k] for k in FRAME_KEYS if k in frame}
    if frame.get("function") == "<module>":  # an example's globals: imports, `sentry`
        kept.pop("vars", None)
    return kept


def _trim_exception(exception: dict[str, Any]) -> dict[str, Any]:
    for item in exception["values"]:  # Sentry's exception interface always has `values`
        frames = (item.get("stacktrace") or {}).get("frames") or []
        kept = [_trim_frame(frame) for frame in frames[-MAX_FRAMES:]]
        if kept:
            item["stacktrace"] = {"frames": kept}
        else:
            item.pop("stacktrace", None)
    return exception


def receives_panel(payload: Mapping[str, Any], title: str = "What Sentry receives") -> str:
    """A collapsed Material admonition holding the trimmed JSON."""
    body = json.dumps(
        trim_event(payload),
        indent=2,
        ensure_ascii=False,  # pragma: no mutate (None is as falsy as False; True: tested, hidden)
    )
    text = (
        "Captured while this page was built: the example above ran with Korrigo's "
        "configuration and a fake transport, and this is the event it sent, trimmed to "
        f"what matters: the last {MAX_FRAMES} stack frames, the last {MAX_BREADCRUMBS} "
        "breadcrumbs, no SDK metadata, module list or runtime contexts; ids and times masked."
    )
    fenced = f"```json\n{body}\n```"
    return f'??? example "{title}"\n\n' + textwrap.indent(f"{text}\n\n{fenced}", "    ")


def page_path(env: Any) -> str:
    """The page's path below docs/ (`reference/alerts.md`), under MkDocs and Zensical."""
    file = getattr(env.page, "file", None)
    return file.src_uri if file is not None else env.page.path


def page_source(env: Any) -> str:
    """The Markdown of the page being rendered.

    mkdocs-macros gives it as `env.markdown`; Zensical's port of the plugin has no such
    attribute (yet), so the file itself is read there.
    """
    markdown = getattr(env, "markdown", None)
    if markdown is not None:
        return markdown
    docs = Path(env.project_dir) / env.conf.get("docs_dir", "docs")
    return (docs / page_path(env)).read_text(
        encoding="utf-8",  # pragma: no mutate (any spelling, or the locale's: UTF-8)
    )


# --- registration --------------------------------------------------------------------------


def define_env(env: Any) -> None:
    """mkdocs-macros entry point: register variables, filters and macros."""
    env.variables.update(variables(Path(env.project_dir)))
    filters: list[Callable[..., Any]] = [percent, thousands, masked_dsn, minutes, every]
    for function in filters:
        env.filter(function)

    def what_sentry_receives(
        block: int, kind: str = "event", index: int = -1, title: str = "What Sentry receives"
    ) -> str:
        """Run the page's `block`-th python fence and show the payload it sent."""
        code = block_code(page_source(env), block)
        payloads = run_example(code)[kind]
        if not payloads:
            raise ValueError(f"{page_path(env)}: python block {block} sent no {kind}")
        return receives_panel(payloads[index], title)

    def alerts_table() -> str:
        """The Alerts page table: one row per rule of alerts.yaml, linking its runbook."""
        here = posixpath.dirname(page_path(env))
        rows = []
        for rule in load_rules():
            if rule.runbook:  # the name opens its runbook (issue 13)
                name = f"**[{rule.name}]({posixpath.relpath(rule.runbook, here or '.')})**"
            else:
                name = f"**{rule.name}** (no runbook yet)"
            rows.append(
                (
                    name,
                    f"{rule.monitor.type} (`{rule.monitor.id}`)",
                    alert_condition(rule),
                    f"`{rule.environment}`" if rule.environment else "all",
                    alert_actions(rule),
                    alert_repeats(rule),
                    rule.severity,
                )
            )
        header = ("Alert", "Monitor", "Fires when", "Environment", "Notifies", "Throttling",
                  "Severity")  # fmt: skip
        return _table(header, rows)

    def monitors_table() -> str:
        """The Alerts page's monitors: one row per monitor of alerts.yaml."""
        rows = []
        for monitor in load_monitors():
            users = [r.name for r in load_rules() if monitor.id in r.monitors]
            rows.append(
                (
                    f"**{monitor.name}** (`{monitor.id}`)",
                    monitor.type,
                    monitor_opens(monitor),
                    f"`{monitor.environment}`" if getattr(monitor, "environment", None) else "all",
                    ", ".join(users) or "none",
                )
            )
        header = ("Monitor", "Type", "Opens an issue when", "Environment", "Alerts on it")
        return _table(header, rows)

    macros: list[Callable[..., Any]] = [
        rates_table,
        env_vars_table,
        integrations_table,
        doctor_list,
        python_value,
        alert_rule,
        alert_condition,
        alert_actions,
        alert_notifies,
        alert_rationale,
        alerts_table,
        monitors_table,
        what_sentry_receives,
        scrubbing_comparison_table,  # korrigo_sentry.testing.relay (issue 7)
        project_scrubbing_rules,  # korrigo_sentry.testing.relay (issue 7)
        project_api_settings,  # korrigo_sentry.testing.relay.project (issue 21)
        privacy_rules_table,  # korrigo_sentry.privacy (issue 11)
        privacy_fuzz_table,  # korrigo_sentry.privacy (issue 11)
        envelope_items_table,  # korrigo_sentry.privacy.envelope (issue 21)
    ]
    for function in macros:
        env.macro(function)
    # Product facts (issue 12): every statement about Sentry itself, with its citation.
    env.macro(facts_markdown.render_fact, "fact")
    env.macro(facts_markdown.render_cite, "cite")  # issue 22: a table cell's citation
    env.macro(facts_markdown.render_ui, "ui")
    env.macro(facts_markdown.render_plan, "plan")
    # Who to call, where a step runs, what an action types (issue 23): contacts.yaml and
    # oncall.yaml; unfilled values are marked on the page and named on the build's stderr.
    # Registered by their own names (a name given equal to `__name__` was an equivalent mutant).
    for function in (oncall_markdown.contact, oncall_markdown.where_to_run, oncall_markdown.action):
        env.macro(function)
    # The printable runbooks' table of contents (page numbers filled by `make pdf`).
    env.macro(print_contents.contents, "print_contents")
    # The runbook pages' macros (runbooks_table, runbooks_printable) live with the runbook
    # parser.
    runbooks.define_macros(env)
    # The command line (issue 10): a command's transcript is captured by the command layer.
    env.macro(transcript_block, "runbook_transcript")
    env.macro(send_test_outcomes)
    env.macro(exit_statuses)
    env.macro(schema_table, "json_schemas")
    # The real Korrigo (issue 20): the adoption's changes and Korrigo's names, with sources.
    env.macro(korrigo_pages.adopt_changes)
    env.macro(korrigo_pages.korrigo_names_table)
    define_layout_macros(env)  # issue 13: runbook header, home page's "Paged? Start here"


def on_post_page_macros(env: Any) -> None:
    """mkdocs-macros, after a page's macros: its conversion to HTML is reused on the next
    live reload when nothing it depends on changed (handbook/render_cache.py)."""
    render_cache.attach(env.page)


# --- runbook layout (issue 13) ------------------------------------------------------------


def define_layout_macros(env: Any) -> None:
    """`runbook_header()` (reads the page's front matter) and `paged_start()` (home page)."""

    def runbook_header(slug: str = "") -> str:
        """The runbook's header; `slug` names the runbook when another page shows it."""
        if slug:  # another page (the printable one) shows runbook `slug`: its file's
            return runbook_layout.header(slug, runbooks.get_runbook(slug).front)
        here = page_path(env)
        slug = posixpath.splitext(posixpath.basename(here))[0]
        meta = getattr(env.page, "meta", None)  # the builder's reading of the front matter
        if not meta:  # a port without page.meta
            return runbook_layout.header(slug, runbooks.get_runbook(slug).front)
        # MkDocs hands `last_reviewed` over as a date, Zensical as a string: the model
        # reads both the same way.
        return runbook_layout.header(slug, front_matter.from_builder(meta, here))

    def paged_start() -> str:
        """Alert -> runbook table and the symptom runbooks, linked from the page."""
        return runbook_layout.paged_block(page_path(env), load_rules(), runbooks.load_runbooks())

    def quick_checks(slug: str = "") -> str:
        """The runbook's quick checks (korrigo_sentry.oncall.checks), rendered."""
        from korrigo_sentry.oncall import checks

        slug = slug or posixpath.splitext(posixpath.basename(page_path(env)))[0]
        return runbook_layout.quick_checks(slug, checks.get(slug))

    def first_command_again(slug: str = "") -> str:
        """The header's first command, inline, with where it runs (issue 23: a Verification
        step names the host, the checkout and the container, never a bare command)."""
        slug = slug or posixpath.splitext(posixpath.basename(page_path(env)))[0]
        command = runbook_layout.first_command(slug, runbooks.get_runbook(slug).front)
        return f"`{command}`, on the server from the Korrigo checkout,"

    env.macro(runbook_header)
    env.macro(paged_start)
    env.macro(quick_checks)
    env.macro(first_command_again)
