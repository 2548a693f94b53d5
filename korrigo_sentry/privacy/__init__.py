"""Nothing personal leaves Korrigo: one pipeline over every part of every envelope.

Runs inside Korrigo (installed by `init_sentry()` as the SDK's hooks); for whoever changes
what may be sent. Its rules are listed on the Privacy page.

Where each part is scrubbed, and why there:

- `before_send` / `before_send_transaction` (`event.scrub_event`): errors, messages and
  transactions with their spans, after the SDK serialised them (frame variables are
  reprs by then, which is why key rules also run inside text);
- `before_breadcrumb` (`event.scrub_breadcrumb`): each breadcrumb before it waits in the
  scope, so no secret sits in memory until the next event;
- the transport (`envelope.install`): the envelope as it leaves, its header's trace
  context and its attachment items included; the SDK builds it after `before_send` (which
  saw the attachments in its hint but is not where Korrigo scrubs them);
- `settings.DATA_COLLECTION`: what the SDK must not collect at all (user identity,
  cookies, bodies, SQL parameters; headers and query parameters by allowlist).

Every rule is data with a name and a reason (`RULES`), rendered on the privacy page.
"""

from __future__ import annotations

from typing import Any

from korrigo_sentry.privacy import keys, places, text, urls
from korrigo_sentry.privacy.envelope import install, scrub_envelope
from korrigo_sentry.privacy.event import scrub_breadcrumb, scrub_event
from korrigo_sentry.privacy.keys import DENYLIST, is_denied
from korrigo_sentry.privacy.parity import relay_filter
from korrigo_sentry.privacy.rule import FILTERED, Rule
from korrigo_sentry.privacy.text import scrub_text

__all__ = [
    "DENYLIST", "FILTERED", "RULES", "Rule", "before_breadcrumb", "before_send",
    "before_send_transaction", "install", "is_denied", "relay_filter", "scrub_breadcrumb",
    "scrub_envelope", "scrub_event", "scrub_text",
]  # fmt: skip

#: Every rule of the pipeline, in the order the privacy page lists them.
RULES: list[Rule] = [*keys.RULES, *text.RULES, *urls.RULES, *places.RULES]


def before_send(event: dict[str, Any], hint: dict[str, Any]) -> dict[str, Any]:
    """`before_send` hook: errors and messages."""
    return scrub_event(event)


def before_send_transaction(event: dict[str, Any], hint: dict[str, Any]) -> dict[str, Any]:
    """`before_send_transaction` hook: performance events and their spans."""
    return scrub_event(event)


def before_breadcrumb(crumb: dict[str, Any], hint: dict[str, Any]) -> dict[str, Any]:
    """`before_breadcrumb` hook: scrub early, so no secret waits in the scope."""
    return scrub_breadcrumb(crumb)
