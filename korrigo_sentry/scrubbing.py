"""Remove secrets and personal data from every event before it leaves Korrigo.

Three passes over the serialized event that `before_send` receives:

1. Keys: any mapping key containing a `DENYLIST` term (case-insensitive, `-` read as `_`)
   has its value replaced. This reuses sentry-sdk's `EventScrubber` for the regions it
   knows (request, extra, user, breadcrumbs, frame variables, span data) and extends it to
   contexts, tags and any depth.
2. Text: every string left goes through `text_secrets.scrub_text` (`password=...`,
   `Authorization: Bearer ...`, JWTs, DSN keys, card numbers, e-mail and IP addresses).
3. Relay parity: whatever Sentry's server-side defaults would still filter (`relay_parity`).

The user is reduced to its `id`. Harmless text survives, so an event still says what broke.
"""

from __future__ import annotations

import functools
import re
from typing import Any

from sentry_sdk.scrubber import DEFAULT_DENYLIST, DEFAULT_PII_DENYLIST, EventScrubber

from korrigo_sentry import settings
from korrigo_sentry.relay_parity import relay_filter, relay_parity
from korrigo_sentry.text_secrets import FILTERED, scrub_text

__all__ = ["DENYLIST", "FILTERED", "before_breadcrumb", "before_send", "before_send_transaction",
           "is_denied", "relay_filter", "scrub_event", "scrub_text"]  # fmt: skip


#: Every key term scrubbed, normalised to lower case with `_` for `-`.
DENYLIST: list[str] = sorted(
    {
        term.lower().replace("-", "_")
        for term in (*DEFAULT_DENYLIST, *DEFAULT_PII_DENYLIST, *settings.EXTRA_DENYLIST)
    }
)

#: Keys of the event's own structure whose string values are never secrets.
_STRUCTURAL = frozenset(
    {
        "event_id", "trace_id", "span_id", "parent_span_id", "timestamp", "start_timestamp",
        "platform", "level", "logger", "type", "module", "function", "filename", "abs_path",
        "op", "origin", "status", "release", "environment", "sdk", "modules", "packages",
        "integrations", "transaction", "transaction_info", "category", "mechanism",
    }
)  # fmt: skip

#: Top-level sections the SDK fills from the environment, never from Korrigo's data.
_PROTOCOL_ONLY = frozenset({"modules", "sdk", "debug_meta"})

#: A frame's source lines: scanned for Korrigo's own frames, not for installed libraries.
_SOURCE_LINES = frozenset({"pre_context", "context_line", "post_context"})

#: Containers whose keys are chosen by Korrigo's code or its users, not by the protocol.
_USER_DATA = frozenset({"vars", "data", "extra", "tags", "request", "user", "params", "contexts"})

#: Every DENYLIST term in one alternation: one search per key instead of a loop.
_DENIED = re.compile("|".join(map(re.escape, DENYLIST)))


@functools.lru_cache(maxsize=4096)  # events repeat the same keys; keys are not secrets
def is_denied(key: str) -> bool:
    """True when `key` contains one of the `DENYLIST` terms."""
    return _DENIED.search(key.lower().replace("-", "_")) is not None


class KorrigoScrubber(EventScrubber):
    """sentry-sdk's scrubber with substring key matching, more regions and a text pass."""

    def __init__(self) -> None:
        super().__init__(denylist=list(DENYLIST), recursive=True, pii_denylist=[])

    def scrub_dict(self, d: object) -> None:
        if not isinstance(d, dict):
            return
        for key, value in d.items():
            if isinstance(key, str) and is_denied(key) and value not in (None, FILTERED):
                d[key] = _filtered(value)
            else:
                self.scrub_dict(value)
                self.scrub_list(value)

    def scrub_user(self, event: dict[str, Any]) -> None:
        user = event.get("user")
        if isinstance(user, dict):
            kept = {"id": user["id"]} if user.get("id") is not None else {}
            if kept:
                event["user"] = kept
            else:
                event.pop("user")

    def scrub_event(self, event: dict[str, Any]) -> None:
        super().scrub_event(event)
        for region in ("contexts", "tags", "request"):  # extra: done by the SDK's pass
            self.scrub_dict(event.get(region))
        _scrub_task_arguments(event.get("extra"))
        _scrub_logentry(event.get("logentry"))
        _scrub_strings(event)
        relay_parity(event)


def _filtered(value: object) -> object:
    """`[Filtered]`, keeping a mapping's keys so the event keeps its shape (cookies...)."""
    if isinstance(value, dict):
        return {k: FILTERED for k in value}
    return FILTERED


def _scrub_task_arguments(extra: object) -> None:
    """Celery task arguments can hold anything (a student's name, a copy's text)."""
    job = extra.get("celery-job") if isinstance(extra, dict) else None
    if isinstance(job, dict):
        for name in ("args", "kwargs"):
            if name in job:
                job[name] = FILTERED


def _scrub_logentry(entry: object) -> None:
    """Filter `%s` parameters whose value the formatted, scrubbed message no longer shows."""
    if not isinstance(entry, dict) or not isinstance(entry.get("params"), list):
        return
    params = entry["params"]
    template = entry.get("message") or ""
    try:
        formatted = template % tuple(params) if params else template
    except (TypeError, ValueError):
        formatted = " ".join([template, *map(str, params)])
    cleaned = scrub_text(formatted)
    entry["params"] = [p if str(p) in cleaned else FILTERED for p in params]
    if "formatted" in entry or params:
        entry["formatted"] = cleaned


def _scrub_strings(node: Any, key: str | None = None, user_data: bool = False) -> Any:
    """Apply `scrub_text` to every string below `node`, in place; returns the new value.

    Strings under the event's structural keys are left alone, except inside containers
    of user data (frame variables, extra, tags, request...), where any key can appear.
    """
    if isinstance(node, str):
        if (key in _STRUCTURAL and not user_data) or _is_trace_id(key, node):
            return node
        return scrub_text(node)
    if isinstance(node, dict):
        library_frame = node.get("in_app") is False
        for k, v in node.items():
            if k in _PROTOCOL_ONLY and not user_data:
                continue  # package versions, SDK name: nothing of Korrigo's
            if library_frame and k in _SOURCE_LINES:
                continue  # installed libraries' source holds none of Korrigo's secrets
            node[k] = _scrub_strings(v, k, user_data or k in _USER_DATA)
    elif isinstance(node, list):
        for i, v in enumerate(node):
            node[i] = _scrub_strings(v, key, user_data)
    return node


def _is_trace_id(key: str, value: str) -> bool:
    """A trace, span or thread id: hex or digits, sometimes long enough to look like a card.

    Filtering it would make the id invalid, and Relay would drop the event's trace link.
    """
    return key in _IDS and bool(_HEX_ID.fullmatch(value))


_IDS = frozenset({"trace_id", "span_id", "parent_span_id", "thread.id"})
_HEX_ID = re.compile(r"[0-9a-f]{1,32}")

_SCRUBBER = KorrigoScrubber()


def scrub_event(event: dict[str, Any]) -> dict[str, Any]:
    """Scrub `event` in place and return it."""
    _SCRUBBER.scrub_event(event)
    return event


def before_send(event: dict[str, Any], hint: dict[str, Any]) -> dict[str, Any]:
    """`before_send` hook: errors and messages."""
    return scrub_event(event)


def before_send_transaction(event: dict[str, Any], hint: dict[str, Any]) -> dict[str, Any]:
    """`before_send_transaction` hook: performance events and their spans."""
    for span in event.get("spans") or ():
        if isinstance(span, dict) and isinstance(span.get("description"), str):
            span["description"] = scrub_text(span["description"])
    return scrub_event(event)


def before_breadcrumb(crumb: dict[str, Any], hint: dict[str, Any]) -> dict[str, Any]:
    """`before_breadcrumb` hook: scrub early, so no secret waits in the scope."""
    _SCRUBBER.scrub_dict(crumb.get("data"))
    if isinstance(crumb.get("message"), str):
        crumb["message"] = scrub_text(crumb["message"])
    _scrub_strings(crumb.get("data"))
    return crumb
