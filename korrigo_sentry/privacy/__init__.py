"""Nothing personal leaves Korrigo: one pipeline over every part of every envelope.

Runs inside Korrigo (installed by `init_sentry()` as the SDK's hooks); for whoever changes
what may be sent. Its rules are listed on the Privacy page.

Where each part is scrubbed, and why there:

- `before_send` / `before_send_transaction` (`event.scrub_event`): errors, messages and
  transactions with their spans, after the SDK serialised them (frame variables are
  reprs by then, which is why key rules also run inside text);
- `before_breadcrumb` (`event.scrub_breadcrumb`): each breadcrumb before it waits in the
  scope, so no secret sits in memory until the next event;
- `before_send_log`, `before_send_metric`, `before_send_span` (`telemetry`): the
  attribute-based items, which never reach `before_send`;
- the transport (`envelope.install`): the envelope as it leaves, its header's trace
  context, item headers, attachments, sessions, client reports, and every other item type
  by a written decision (`envelope.ITEM_DECISIONS`); the SDK builds it after `before_send`
  (which saw the attachments in its hint but is not where Korrigo scrubs them);
- `settings.DATA_COLLECTION`: what the SDK must not collect at all (user identity,
  cookies, bodies, SQL parameters; headers and query parameters by allowlist).

Every rule is data with a name and a reason (`RULES`), rendered on the privacy page.
Every hook is `guard.guarded`: a rule that raises costs the event its values, never the
event itself, and never sends it unscrubbed.
"""

from __future__ import annotations

from typing import Any

from korrigo_sentry.privacy import (
    envelope,
    frame_locals,
    keys,
    models,
    parity,
    places,
    telemetry,
    text,
    urls,
)  # fmt: skip
from korrigo_sentry.privacy.envelope import install, scrub_envelope
from korrigo_sentry.privacy.event import scrub_breadcrumb, scrub_event
from korrigo_sentry.privacy.guard import breadcrumb_skeleton, event_skeleton, guarded
from korrigo_sentry.privacy.keys import DENYLIST, is_denied
from korrigo_sentry.privacy.parity import relay_filter
from korrigo_sentry.privacy.rule import FILTERED, Rule
from korrigo_sentry.privacy.text import scrub_text

__all__ = [
    "DENYLIST", "FILTERED", "RULES", "Rule", "before_breadcrumb", "before_send",
    "before_send_log", "before_send_metric", "before_send_span", "before_send_transaction",
    "install", "is_denied", "relay_filter", "scrub_breadcrumb", "scrub_envelope",
    "scrub_event", "scrub_text",
]  # fmt: skip

#: Every rule of the pipeline, in the order the privacy page lists them.
RULES: list[Rule] = [
    *keys.RULES, *text.RULES, *urls.RULES, *places.RULES, *models.RULES, *frame_locals.RULES,
    *telemetry.RULES, *envelope.RULES,
]  # fmt: skip


@guarded("before_send", event_skeleton)
def before_send(event: dict[str, Any], hint: dict[str, Any]) -> dict[str, Any]:
    """`before_send` hook: errors and messages."""
    frame_locals.apply(parity._frames(event))
    return scrub_event(event)


@guarded("before_send_transaction", event_skeleton)
def before_send_transaction(event: dict[str, Any], hint: dict[str, Any]) -> dict[str, Any]:
    """`before_send_transaction` hook: performance events and their spans."""
    return scrub_event(event)


@guarded("before_breadcrumb", breadcrumb_skeleton)
def before_breadcrumb(crumb: dict[str, Any], hint: dict[str, Any]) -> dict[str, Any]:
    """`before_breadcrumb` hook: scrub early, so no secret waits in the scope."""
    return scrub_breadcrumb(crumb)


@guarded("before_send_log", telemetry.log_skeleton)
def before_send_log(log: Any, hint: dict[str, Any]) -> Any:
    """`before_send_log` hook: Sentry logs (`enable_logs`)."""
    return telemetry.scrub_log(log)


@guarded("before_send_metric", telemetry.metric_skeleton)
def before_send_metric(metric: Any, hint: dict[str, Any]) -> Any:
    """`before_send_metric` hook: metrics (`enable_metrics`, on by default)."""
    return telemetry.scrub_metric(metric)


@guarded("before_send_span", telemetry.span_skeleton)
def before_send_span(span: Any, hint: dict[str, Any]) -> Any:
    """`before_send_span` hook: spans streamed one by one (`trace_lifecycle="stream"`)."""
    return telemetry.scrub_span(span)
