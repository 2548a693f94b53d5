"""Pydantic mirror of Sentry's validators for the Monitors & Alerts API (detectors, workflows).

Why this exists: the real validators are Django REST Framework serializers inside the
`sentry` server package; they need Sentry's settings, Postgres and Snuba to import, so
they cannot run here. These models copy the constraints those validators enforce on a
request body, one field at a time, each with the file, commit and verbatim declaration it
mirrors (getsentry/sentry, read through the code index on 2026-12-06; where the index did
not report a commit, the comment says so). `alerts export` checks every payload it emits
against them, and tests/test_alerts_export.py checks them against bodies copied from
Sentry's own tests.

What is NOT mirrored (needs Sentry's database): that ids exist, per-organisation limits
(`MAX_WORKFLOWS_PER_ORG`), the uptime per-domain cap, Snuba's parsing of `query` and
`aggregate`, the action registry's per-integration checks.

A reference to an object created in the same run (`${detector:error-count}`) is accepted
where Sentry takes an id: `alerts apply` replaces it before sending.
"""

from __future__ import annotations

from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, StringConstraints, model_validator

#: `${detector:<id>}`, `${workflow:<id>}`, `${project:<slug>}`: filled in by `alerts apply`.
REFERENCE = r"^\$\{(detector|workflow|project|team|integration):[A-Za-z0-9_.#-]+\}$"
Reference = Annotated[str, StringConstraints(pattern=REFERENCE)]
Id = int | Reference


class _Body(BaseModel):
    """A request body: camelCase keys (Sentry's CamelSnakeSerializer), nothing unknown."""

    model_config = ConfigDict(extra="forbid", frozen=True)


# --- conditions and groups ---------------------------------------------------------------

#: DataConditionGroup.Type — src/sentry/workflow_engine/models/data_condition_group.py
#: (commit 19bfbb95a09f22ca41a1505119058c72823ca082 per the file index):
#: `ANY = "any"`, `ANY_SHORT_CIRCUIT = "any-short"`, `ALL = "all"`, `NONE = "none"`.
LogicType = Literal["any", "any-short", "all", "none"]

#: DetectorPriorityLevel values a metric monitor's condition may open at —
#: src/sentry/incidents/metric_issue_detector.py @ 031256340ca8b3a95d1018918042da983ab14089:
#: `supported_condition_results = frozenset((DetectorPriorityLevel.HIGH,
#: DetectorPriorityLevel.MEDIUM, DetectorPriorityLevel.OK))`; HIGH=75, MEDIUM=50, OK=0
#: (getsentry/sentry-for-ai skills/sentry-create-monitor SKILL.md @ c1aab395…:
#: "`conditionResult` accepts only `75` (high), `50` (medium), and `0` (resolved).").
PRIORITY = {"high": 75, "medium": 50, "ok": 0}

#: Condition types a metric monitor accepts — same file: `supported_conditions =
#: frozenset((Condition.GREATER, Condition.LESS, Condition.ANOMALY_DETECTION))`. The
#: resolve row uses `lte`/`gte` (Condition.LESS_OR_EQUAL in Sentry's own test body,
#: tests/sentry/workflow_engine/endpoints/test_validators.py @ 8c80d31d…, and in the
#: metric-alert migration, src/sentry/workflow_engine/migration_helpers/alert_rule.py @
#: ab987402503cd7db057c4bd0f5f8fb05c8e949c1: `Condition.LESS_OR_EQUAL if
#: alert_rule.threshold_type == AlertRuleThresholdType.ABOVE.value`).
MetricConditionType = Literal["gt", "lt", "gte", "lte"]


class MetricCondition(_Body):
    """One row of a metric monitor's `conditionGroup`."""

    type: MetricConditionType
    comparison: float
    conditionResult: Literal[75, 50, 0]


class MetricConditionGroup(_Body):
    """`conditionGroup` of a metric monitor.

    Limits: src/sentry/incidents/metric_issue_detector.py @ 031256340ca8…:
    `if len(conditions) > 2: raise serializers.ValidationError("Too many conditions")` (a
    newer version allows 3: sentry-for-ai SKILL.md "At most 3 conditions"; we keep the
    stricter 2). A resolving row is required: SKILL.md "A resolving condition
    (`conditionResult: 0`) is **required** unless the condition is `anomaly_detection`.
    Omitting it fails with “Resolution condition required”."
    """

    logicType: LogicType = "any"
    conditions: list[MetricCondition] = Field(min_length=1, max_length=2)

    @model_validator(mode="after")
    def _one_resolution(self) -> MetricConditionGroup:
        if not any(c.conditionResult == 0 for c in self.conditions):
            raise ValueError("Resolution condition required")
        return self


#: Workflow condition types Korrigo uses — `Condition` in
#: src/sentry/workflow_engine/models/data_condition.py [code index id 3672514268, commit
#: not reported]: `FIRST_SEEN_EVENT = "first_seen_event"`, `REGRESSION_EVENT =
#: "regression_event"`, `ISSUE_PRIORITY_GREATER_OR_EQUAL =
#: "issue_priority_greater_or_equal"`, `ISSUE_PRIORITY_DEESCALATING =
#: "issue_priority_deescalating"`.
TriggerType = Literal["first_seen_event", "regression_event", "reappeared_event"]
FilterType = Literal["issue_priority_greater_or_equal", "issue_priority_deescalating"]


class TriggerCondition(_Body):
    """A trigger row: `comparison` and `conditionResult` are booleans (SKILL.md: "a bare
    boolean for a trigger")."""

    type: TriggerType
    comparison: Literal[True]
    conditionResult: bool


class Triggers(_Body):
    """`triggers`: SKILL.md "`triggers.logicType` must be `any-short` whenever the group
    contains a real trigger condition"; "`triggers.actions` is always `[]`"."""

    logicType: LogicType
    conditions: list[TriggerCondition]
    actions: list[Any] = Field(default_factory=list, max_length=0)

    @model_validator(mode="after")
    def _short_circuit(self) -> Triggers:
        if self.conditions and self.logicType != "any-short":
            raise ValueError("a trigger group with conditions must be `any-short`")
        return self


class PriorityFilter(_Body):
    """An action-filter row on the issue's priority (an integer comparison, as the
    metric-alert migration writes it: `comparison=PRIORITY_MAP.get(...)`,
    `condition_result=True`, alert_rule.py @ ab987402…)."""

    type: FilterType
    comparison: Literal[75, 50]
    conditionResult: Literal[True]


#: Action.Type — src/sentry/workflow_engine/models/action.py @
#: 015789c2450b74af112495a1794060f663c52b40: `SLACK = "slack"`, `EMAIL = "email"` (the
#: two Korrigo uses; the enum has more).
ActionType = Literal["email", "slack"]


class ActionConfig(_Body):
    """`config` of an action: `target_type`, `target_identifier`, `target_display`
    (JSONConfigBase of action.py @ 015789c2…). Slack with `targetType: specific` and a
    display: Sentry's test_base_workflow.py TestWorkflowValidatorUpdate (@ a newer
    version, code index id 8027739438): `"target_identifier": "foo", "target_display":
    "bar", "target_type": "specific"`."""

    targetType: Literal["team", "user", "issue_owners", "specific"]
    targetIdentifier: Id | str | None
    targetDisplay: str | None = None


class WorkflowAction(_Body):
    """One action. test_base_workflow.py @ dafa4c4abf9ce533eff2deca5015288d02d747e5:
    an action with `"config": {}` is invalid (`test_valid_data__with_invalid_action_filters`:
    `assert validator.is_valid() is False`), so `config` is required here."""

    type: ActionType
    integrationId: Id | None = None
    data: dict[str, Any] = Field(default_factory=dict)
    config: ActionConfig

    @model_validator(mode="after")
    def _slack_needs_integration(self) -> WorkflowAction:
        if self.type == "slack" and self.integrationId is None:
            raise ValueError("a slack action needs integrationId")
        return self


class ActionFilter(_Body):
    """An entry of `actionFilters`: workflow.py validator @ a0c30886…: "Missing actions
    key in action filter"."""

    logicType: LogicType
    conditions: list[PriorityFilter]
    actions: list[WorkflowAction] = Field(min_length=1)


class WorkflowConfig(_Body):
    """`Workflow.config_schema` — src/sentry/workflow_engine/models/workflow.py [code
    index id 1350705771, commit not reported]: `"frequency": {"description": "How often
    the workflow should fire for a Group (minutes)", "type": "integer", "minimum": 0}`,
    `"additionalProperties": False`."""

    frequency: int = Field(ge=0)


class WorkflowIn(_Body):
    """POST /api/0/organizations/{org}/workflows/ — WorkflowValidator,
    src/sentry/workflow_engine/endpoints/validators/base/workflow.py @
    a0c30886047cd15381b5576502250f86d60cf3a2: `name =
    serializers.CharField(required=True, max_length=256)`, `enabled =
    serializers.BooleanField(required=False, default=True)`, `config`, `triggers =
    BaseDataConditionGroupValidator(required=False)`, `action_filters =
    serializers.ListField(required=False)`. `detectorIds` and `environment` (by name)
    are sent by current clients (getsentry/cli alerts.ts @ e49c486…: "An issue alert
    workflow must connect to it via `detector_ids` to fire on new issues")."""

    name: str = Field(min_length=1, max_length=256)
    enabled: bool = True
    environment: str | None = None
    config: WorkflowConfig
    detectorIds: list[Id] = Field(min_length=1)  # SKILL.md: "A workflow with no
    # `detectorIds` is org-level and never fires." (a Korrigo rule, not Sentry's)
    triggers: Triggers
    actionFilters: list[ActionFilter]


# --- detectors -----------------------------------------------------------------------------


class MetricDataSource(_Body):
    """`dataSources[]` of a metric monitor (SnubaQueryValidator with
    `timeWindowSeconds=True`, metric_issue_detector.py @ 031256340ca8…). Field set from
    Sentry's OrganizationDetectorIndexPostTest (tests/sentry/workflow_engine/endpoints/
    test_organization_detector_index.py @ 8e34bc433ecfb7585470e200d8d458118cf804f1):
    `"queryType"`, `"dataset"`, `"query"`, `"aggregate"`, `"timeWindow": 3600`,
    `"environment"`, `"eventTypes"`. queryType 0 = errors (`SnubaQuery.Type.ERROR`), 1 =
    performance; span datasets: docs "Create a Monitor for a Project" ("Throughput Metric
    Monitor": `"dataset":"events_analytics_platform"`)."""

    queryType: Literal[0, 1]
    dataset: Literal["events", "events_analytics_platform"]
    query: str
    aggregate: str = Field(min_length=1)
    #: Seconds. The windows of the legacy metric alerts, which the new UI offers too
    #: (1, 5, 10, 15, 30, 60, 120, 240, 1440 minutes); SnubaQueryValidator's own list was
    #: not re-read (research note monitors_api.md §2): kept as Korrigo's constraint.
    timeWindow: Literal[60, 300, 600, 900, 1800, 3600, 7200, 14400, 86400]
    environment: str | None = None
    eventTypes: list[Literal["error", "default", "trace_item_span"]] = Field(min_length=1)

    @model_validator(mode="after")
    def _dataset_matches(self) -> MetricDataSource:
        spans = self.dataset == "events_analytics_platform"
        if spans != (self.queryType == 1) or spans != (self.eventTypes == ["trace_item_span"]):
            raise ValueError("queryType, dataset and eventTypes disagree")
        return self


class DetectorConfig(_Body):
    """Metric `config`: getsentry/cli alerts.ts:616 @ e49c486…: `config: { detectionType:
    "static" }`."""

    detectionType: Literal["static", "percent", "dynamic"]


class MetricDetectorIn(_Body):
    """POST /api/0/organizations/{org}/detectors/ with `type: metric_issue` —
    BaseDetectorTypeValidator, src/sentry/workflow_engine/endpoints/validators/base/
    detector.py @ 02d899ce327695356178760d34579bd83d0e2e55: `name =
    serializers.CharField(required=True, max_length=200, ...)`; `dataSources` "required
    when creating a detector"; MetricIssueDetectorValidator: `condition_group =
    MetricIssueConditionGroupValidator(required=True)`."""

    name: str = Field(min_length=1, max_length=200)
    type: Literal["metric_issue"]
    projectId: Id
    description: str | None = None
    dataSources: list[MetricDataSource] = Field(min_length=1, max_length=1)
    conditionGroup: MetricConditionGroup
    config: DetectorConfig
    workflowIds: list[Id] = Field(default_factory=list)


#: UptimeSubscription.IntervalSeconds and SupportedHTTPMethods — src/sentry/uptime/models.py
#: [code index id 5823487808, commit not reported]: 60, 300, 600, 1200, 1800, 3600 seconds;
#: GET POST HEAD PUT DELETE PATCH OPTIONS.
UptimeInterval = Literal[60, 300, 600, 1200, 1800, 3600]
HttpMethod = Literal["GET", "POST", "HEAD", "PUT", "DELETE", "PATCH", "OPTIONS"]

#: src/sentry/uptime/endpoints/validators.py @ 00a289f87c0e24256d978d1e8d058bc99d4edbaf:
#: `MAX_REQUEST_SIZE_BYTES = 1000` (request line, headers and body together).
MAX_REQUEST_SIZE_BYTES = 1000


class UptimeDataSource(_Body):
    """`dataSources[0]` of an uptime monitor: UptimeMonitorDataSourceValidator, same file
    and commit: `url = URLField(required=True, max_length=255)`, `interval_seconds =
    serializers.ChoiceField(required=True, choices=UptimeSubscription.IntervalSeconds...)`,
    `timeout_ms = serializers.IntegerField(required=True, min_value=1000,
    max_value=60_000)`, `method`, `headers` (pairs), `trace_sampling =
    serializers.BooleanField(required=False, default=False)`, `body =
    serializers.CharField(required=False, allow_null=True)`."""

    url: str = Field(max_length=255, pattern=r"^https?://[^/\s]+(/\S*)?$")
    intervalSeconds: UptimeInterval
    timeoutMs: int = Field(ge=1000, le=60_000)
    method: HttpMethod = "GET"
    headers: list[tuple[str, str]] = Field(default_factory=list)
    body: str | None = None
    traceSampling: bool = False

    @model_validator(mode="after")
    def _request_size(self) -> UptimeDataSource:
        # Re-implemented: the validator's helper measures the request Sentry would send;
        # this counts method, URL, headers and body the same rough way (bytes of UTF-8).
        size = len(f"{self.method} {self.url} HTTP/1.1\r\n".encode())
        size += sum(len(f"{k}: {v}\r\n".encode()) for k, v in self.headers)
        size += len((self.body or "").encode())
        if size > MAX_REQUEST_SIZE_BYTES:
            raise ValueError(f"request is {size} bytes, over {MAX_REQUEST_SIZE_BYTES}")
        return self


class UptimeDetectorIn(_Body):
    """POST /detectors/ with `type: uptime_domain_failure` (sentry-for-ai SKILL.md @
    c1aab395…: "Fall back to `/detectors/` with `type: uptime_domain_failure`");
    UptimeMonitorValidator: `name = serializers.CharField(required=True, max_length=128)`,
    `environment = serializers.CharField(max_length=64, required=False, allow_null=True)`."""

    name: str = Field(min_length=1, max_length=128)
    type: Literal["uptime_domain_failure"]
    projectId: Id
    description: str | None = None
    environment: str | None = Field(default=None, max_length=64)
    dataSources: list[UptimeDataSource] = Field(min_length=1, max_length=1)
    config: dict[str, Any] = Field(default_factory=dict)
    workflowIds: list[Id] = Field(default_factory=list)


def check_workflow(payload: dict[str, Any]) -> WorkflowIn:
    """Validate a workflow body as Sentry's validator would (ValidationError otherwise)."""
    return WorkflowIn.model_validate(payload)


def check_detector(payload: dict[str, Any]) -> MetricDetectorIn | UptimeDetectorIn:
    """Validate a detector body by its `type` (ValidationError otherwise)."""
    if payload.get("type") == "uptime_domain_failure":
        return UptimeDetectorIn.model_validate(payload)
    return MetricDetectorIn.model_validate(payload)
