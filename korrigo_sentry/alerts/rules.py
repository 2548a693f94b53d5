"""Monitors and alerts as data: load `data/alerts.yaml` into pydantic models.

The models are Korrigo's own vocabulary (see the comments at the top of alerts.yaml);
the constraints that come from Sentry's API cite it here or in `sentry_schema`, whose
models check the exported payloads. A bad file gets one sentence naming the file, the
line, the item and the field (`AlertRuleError`), never a traceback.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from functools import cache
from pathlib import Path
from typing import Annotated, Any, Literal

import yaml
from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    PrivateAttr,
    StringConstraints,
    ValidationError,
    model_validator,
)

from korrigo_sentry.yaml_model import compose_yaml, line_of, read_yaml

#: The file shipped with the package.
DEFAULT_PATH = Path(__file__).resolve().parent.parent / "data" / "alerts.yaml"

#: The placeholders an alert's rationale may use; the pages fill them from the alert.
RATIONALE_FIELDS = ("window", "frequency", "threshold")
SEVERITIES = ("critical", "high", "medium", "low")
#: Metric aggregates the exporter and the local evaluator know, with their dataset and
#: unit. (Sentry accepts more; Korrigo states only what it can evaluate locally.)
AGGREGATES: dict[str, tuple[str, str]] = {
    "count()": ("errors", "events"),
    "p95(span.duration)": ("spans", "ms"),
}

Slug = Annotated[str, StringConstraints(pattern=r"^[a-z0-9][a-z0-9-]*$")]
Priority = Literal["high", "medium"]


class AlertRuleError(ValueError):
    """The file breaks a constraint. The message names the file, line, item and field."""

    def __init__(self, rule_id: str, field_name: str, problem: str, where: str = "") -> None:
        self.rule_id = rule_id
        self.field = field_name
        self.problem = problem
        self.where = where
        prefix = f"{where}: " if where else ""
        super().__init__(f"{prefix}{rule_id}, field {field_name!r}: {problem}")


class _Model(BaseModel):
    # No infinity or NaN (YAML's `.inf`, `.nan`, or `1e999`): JSON has neither, so an
    # infinite threshold was exported as `Infinity`, a body Sentry cannot parse, and NaN
    # was refused as "not greater than or equal to 0" instead of as not a number.
    model_config = ConfigDict(extra="forbid", frozen=True, allow_inf_nan=False)


# --- monitors ------------------------------------------------------------------------------


class ErrorMonitor(_Model):
    """The project's default Error monitor: Sentry creates it; alerts connect to it.

    getsentry/sentry-for-ai skills/sentry-create-monitor SKILL.md (@ c1aab39520fc…,
    read 2026-12-06): "The default monitors already exist, so a notification request
    usually needs **no monitor at all**"; getsentry/cli alerts.ts:295 @ e49c486…: "An
    issue alert workflow must connect to it via `detector_ids` to fire on new issues".
    """

    id: Slug
    type: Literal["error"]
    name: str = Field(min_length=1)
    description: str = ""


class MetricMonitor(_Model):
    """A number over a sliding window; opens an issue of `priority` when strictly `above`."""

    id: Slug
    type: Literal["metric"]
    name: str = Field(min_length=1, max_length=200)  # detector name limit (sentry_schema)
    description: str = ""
    dataset: Literal["errors", "spans"]
    aggregate: Literal["count()", "p95(span.duration)"]
    query: Literal["", "is_transaction:true"] = ""
    #: Seconds: `timeWindow` is in seconds in the detectors API (SnubaQueryValidator with
    #: `timeWindowSeconds=True`, metric_issue_detector.py @ 031256340ca8…).
    window_seconds: Literal[60, 300, 600, 900, 1800, 3600, 7200, 14400, 86400]
    environment: str | None = None
    above: float = Field(ge=0)
    priority: Priority
    resolve_at_or_below: float = Field(ge=0)

    @model_validator(mode="after")
    def _consistent(self) -> MetricMonitor:
        dataset, _ = AGGREGATES[self.aggregate]
        if self.dataset != dataset:
            raise ValueError(f"{self.aggregate} is computed on dataset {dataset!r}")
        if self.resolve_at_or_below > self.above:
            raise ValueError("resolve_at_or_below must not exceed `above`")
        return self

    @property
    def unit(self) -> str:
        """`events` for a count, `ms` for a duration."""
        return AGGREGATES[self.aggregate][1]


class UptimeMonitor(_Model):
    """An HTTP check. Limits mirror UptimeMonitorDataSourceValidator (see sentry_schema)."""

    id: Slug
    type: Literal["uptime"]
    name: str = Field(min_length=1, max_length=128)
    description: str = ""
    url: str = Field(max_length=255, pattern=r"^https://[^/\s]+/\S*$")
    interval_seconds: Literal[60, 300, 600, 1200, 1800, 3600]
    timeout_ms: int = Field(ge=1000, le=60_000)
    method: Literal["GET", "HEAD"] = "GET"
    environment: str | None = Field(default=None, max_length=64)

    @property
    def path(self) -> str:
        """The URL's path (`/api/health/live/`)."""
        return "/" + self.url.split("://", 1)[1].split("/", 1)[1]


Monitor = Annotated[ErrorMonitor | MetricMonitor | UptimeMonitor, Field(discriminator="type")]


class CronDecision(_Model):
    """Whether Celery beat tasks get cron monitors, and why."""

    adopted: bool
    reason: str = Field(min_length=1)


# --- alerts (workflows) ---------------------------------------------------------------------


class AlertAction(_Model):
    """Who is told: `email` to a team, `slack` to a #channel."""

    type: Literal["email", "slack"]
    target: str = Field(min_length=1)

    @model_validator(mode="after")
    def _channel(self) -> AlertAction:
        if self.type == "slack" and not self.target.startswith("#"):
            raise ValueError("a Slack target is a #channel")
        return self


class PriorityAtLeast(_Model):
    priority_at_least: Priority


class DeescalatingFrom(_Model):
    deescalating_from: Priority


class AlertRule(_Model):
    """One alert (a Sentry workflow), resolved against the monitors it acts on."""

    id: Slug
    name: str = Field(min_length=1, max_length=256)  # WorkflowValidator max_length=256
    description: str = ""
    monitors: tuple[Slug, ...] = Field(min_length=1)
    triggers: tuple[Literal["first_seen_event", "regression_event"], ...] = ()
    filters: tuple[PriorityAtLeast | DeescalatingFrom, ...] = ()
    filter_match: Literal["any", "all"] = "all"
    #: Workflow.config_schema: `"frequency": {"type": "integer", "minimum": 0}` (minutes,
    #: "How often the workflow should fire for a Group"). The legacy 5-minute minimum is gone.
    frequency_minutes: int = Field(ge=0)
    environment: str | None = None
    actions: tuple[AlertAction, ...] = Field(min_length=1)
    runbook: str | None = None
    severity: Literal["critical", "high", "medium", "low"]
    rationale: str = ""
    _monitors: tuple[ErrorMonitor | MetricMonitor | UptimeMonitor, ...] = PrivateAttr(())

    @model_validator(mode="after")
    def _checks(self) -> AlertRule:
        if self.runbook is not None and self.runbook != f"runbooks/{self.id}.md":
            raise ValueError(f"runbook must be 'runbooks/{self.id}.md' (or null)")
        try:
            self.rationale.format(**dict.fromkeys(RATIONALE_FIELDS, ""))
        except (KeyError, IndexError, ValueError) as exc:
            raise ValueError(f"rationale: unknown placeholder {exc}") from None
        if not self.triggers and not self.filters:
            raise ValueError("needs triggers or filters: otherwise every change notifies")
        return self

    # The alert seen through its monitor: what the pages, drills and evaluator read.
    @property
    def monitor(self) -> ErrorMonitor | MetricMonitor | UptimeMonitor:
        """The first monitor it acts on."""
        return self._monitors[0]

    @property
    def kind(self) -> str:
        """`issue` (error issues), `metric` or `uptime`: the monitor's type, in the old words."""
        return {"error": "issue"}.get(self.monitor.type, self.monitor.type)

    @property
    def slug(self) -> str:
        """The runbook page's slug (`runbooks/<slug>.md`); the id when there is none."""
        return Path(self.runbook).stem if self.runbook else self.id

    @property
    def threshold(self) -> float | None:
        return self.monitor.above if isinstance(self.monitor, MetricMonitor) else None

    @property
    def window_minutes(self) -> int | None:
        if isinstance(self.monitor, MetricMonitor):
            return self.monitor.window_seconds // 60
        return None

    @property
    def aggregate(self) -> str | None:
        return self.monitor.aggregate if isinstance(self.monitor, MetricMonitor) else None

    @property
    def query(self) -> str:
        return self.monitor.query if isinstance(self.monitor, MetricMonitor) else ""

    @property
    def unit(self) -> str | None:
        return self.monitor.unit if isinstance(self.monitor, MetricMonitor) else None


class AlertsFile(_Model):
    """The whole file: policy, monitors, the cron decision, alerts."""

    policy: dict[str, Annotated[int, Field(gt=0)]]
    monitors: tuple[Monitor, ...] = Field(min_length=1)
    cron_monitors: CronDecision
    alerts: tuple[AlertRule, ...] = Field(min_length=1)

    @model_validator(mode="after")
    def _references(self) -> AlertsFile:
        _unique("monitors", [m.id for m in self.monitors])
        _unique("alerts", [a.id for a in self.alerts])
        by_id = {m.id: m for m in self.monitors}
        for alert in self.alerts:
            missing = [m for m in alert.monitors if m not in by_id]
            if missing:
                raise ValueError(f"alert {alert.id!r}: unknown monitor {missing[0]!r}")
            kinds = {by_id[m].type for m in alert.monitors}
            if len(kinds) > 1:
                raise ValueError(f"alert {alert.id!r}: monitors of one type only")
            alert._monitors = tuple(by_id[m] for m in alert.monitors)
        return self


def _unique(what: str, ids: Sequence[str]) -> None:
    seen: set[str] = set()
    for item in ids:
        if item in seen:
            raise ValueError(f"{what}: id {item!r} is used twice")
        seen.add(item)


# --- loading, with file:line in every error (the line: yaml_model.line_of) -------------------


def _describe(data: Any, loc: Sequence[int | str]) -> tuple[str, str]:
    """(`alerts[2] 'high-error-rate'`, `frequency_minutes`) for an error location."""
    if len(loc) >= 2 and isinstance(loc[1], int) and isinstance(data, Mapping):
        items = data.get(loc[0])
        item = items[loc[1]] if isinstance(items, list) and loc[1] < len(items) else None
        ident = item.get("id") if isinstance(item, Mapping) else None
        label = f"{loc[0]}[{loc[1]}]" + (f" {ident!r}" if ident else "")
        tags = {"error", "metric", "uptime", "PriorityAtLeast", "DeescalatingFrom"}
        rest = [str(p) for p in loc[2:] if p not in tags]
        return label, ".".join(rest) or "(item)"
    return "(file)", ".".join(str(p) for p in loc) or "(file)"


def _locate(data: Any, loc: Sequence[int | str], message: str) -> Sequence[int | str]:
    """A whole-file error about one alert (`alert 'x': unknown monitor`) points at it."""
    found = re.search(r"alert '([^']+)'", message)
    if loc or not found or not isinstance(data, Mapping):
        return loc
    for index, item in enumerate(data.get("alerts") or []):
        if isinstance(item, Mapping) and item.get("id") == found.group(1):
            return ("alerts", index, "monitors")
    return loc


def _load(source: Path) -> AlertsFile:
    try:
        text = source.read_text(encoding="utf-8")
        data = read_yaml(text)
    except yaml.YAMLError as exc:
        raise AlertRuleError("(file)", "(yaml)", f"is not valid YAML: {exc}", str(source)) from None
    try:
        return AlertsFile.model_validate(data)
    except ValidationError as exc:
        first = exc.errors()[0]
        loc = _locate(data, first["loc"], first["msg"])
        line = line_of(compose_yaml(text), loc)
        label, field_name = _describe(data, loc)
        message = first["msg"].removeprefix("Value error, ")
        message = re.sub(r"^alert '[^']+': ", "", message)
        if first["type"] == "missing":
            message = "is missing"
        if first["type"] == "model_type":
            message = "the file must be a mapping of policy, monitors, cron_monitors and alerts"
        message += "; the fields are described at the top of the package's alerts.yaml"
        raise AlertRuleError(label, field_name, message, f"{source}:{line}") from None


@cache
def _load_default() -> AlertsFile:
    return _load(DEFAULT_PATH)


def load_file(path: str | Path | None = None) -> AlertsFile:
    """The whole file (the package's by default), validated."""
    return _load_default() if path is None else _load(Path(path))


def load_rules(path: str | Path | None = None) -> list[AlertRule]:
    """Every alert of the file, in file order."""
    return list(load_file(path).alerts)


def load_monitors(path: str | Path | None = None) -> list[Any]:
    """Every monitor of the file, in file order."""
    return list(load_file(path).monitors)


def load_policy(path: str | Path | None = None) -> dict[str, int]:
    """The on-call response times of the file's `policy:` block, in minutes."""
    return dict(load_file(path).policy)


def get_rule(rule_id: str, path: str | Path | None = None) -> AlertRule:
    """The alert with this id; KeyError naming the known ids otherwise."""
    rules = load_rules(path)
    for rule in rules:
        if rule.id == rule_id:
            return rule
    raise KeyError(f"no alert {rule_id!r}; known: {', '.join(r.id for r in rules)}")


def get_monitor(monitor_id: str, path: str | Path | None = None) -> Any:
    """The monitor with this id; KeyError naming the known ids otherwise."""
    monitors = load_monitors(path)
    for monitor in monitors:
        if monitor.id == monitor_id:
            return monitor
    raise KeyError(f"no monitor {monitor_id!r}; known: {', '.join(m.id for m in monitors)}")
