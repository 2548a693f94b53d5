"""Hooks that never lose an event, and never let one leave unscrubbed.

sentry-sdk drops an event whose `before_send` raises (client report `callback_error`):
a bug in one rule, or a value no rule expected, would silently cost Korrigo the event
that shows the bug. Returning the event untouched instead would send whatever the rule
had not reached yet. So every hook of the pipeline goes through `guarded`: when the scrub
raises, what leaves is the event's skeleton (exception types, frames' module, function
and line, spans' ids and ops: code, never data) tagged `korrigo.scrubbing: failed`, and
the failure is logged once per hook, naming the exception type and the failing line only
(an exception's message can quote the very value being scrubbed).

Written by hand: the SDK has no "fallback on hook error" option.
"""

from __future__ import annotations

import functools
import logging
import traceback
from collections.abc import Callable
from typing import Any, TypeVar

from sentry_sdk.integrations.logging import ignore_logger

#: The tag every skeleton carries: a search for it in Sentry lists the events concerned.
FAILED_TAG = "korrigo.scrubbing"
FAILED_VALUE = "failed"

LOGGER = logging.getLogger("korrigo_sentry.privacy")
# This logger's records must not become Sentry events or breadcrumbs: they would go
# through the very hook that is failing.
ignore_logger(LOGGER.name)

#: Hooks whose failure was already logged (once per hook and process: one failing rule
#: meets every event, and the log must not grow with the traffic).
_REPORTED: set[str] = set()

#: How many times each hook fell back to a skeleton (read by tests and the fuzz).
FAILURES: dict[str, int] = {}

T = TypeVar("T")


def _plain_scalar(value: object) -> object:
    """A string, number, boolean or None as its exact type; anything else is dropped (None)."""
    if isinstance(value, str):
        return str.__str__(value)
    if isinstance(value, bool):
        return bool(value)
    if isinstance(value, int | float):
        return int(value) if isinstance(value, int) else float(value)
    return None


def pick(source: object, keys: tuple[str, ...]) -> dict[str, Any]:
    """The scalar values of `keys` in `source` (a mapping), converted to exact types."""
    if not isinstance(source, dict):
        return {}
    out = {}
    for key in keys:
        value = _plain_scalar(source.get(key))
        if value is not None:
            out[key] = value
    return out


_EVENT_KEYS = (
    "event_id", "timestamp", "start_timestamp", "level", "platform", "environment",
    "release", "dist", "type", "logger", "server_name",
)  # fmt: skip
_FRAME_KEYS = ("module", "function", "lineno", "in_app", "filename")
_SPAN_KEYS = (
    "span_id", "parent_span_id", "trace_id", "op", "status", "start_timestamp", "timestamp",
    "same_process_as_parent", "origin",
)  # fmt: skip
_TRACE_KEYS = ("trace_id", "span_id", "parent_span_id", "op", "status", "origin")


def _list(value: object) -> list[Any]:
    return list(value) if isinstance(value, list | tuple) else []


def _exception(value: object) -> dict[str, Any]:
    out = pick(value, ("type", "module"))
    mechanism = pick(value.get("mechanism") if isinstance(value, dict) else None,
                      ("type", "handled"))  # fmt: skip
    if mechanism:
        out["mechanism"] = mechanism
    stack = value.get("stacktrace") if isinstance(value, dict) else None
    frames = _list(stack.get("frames")) if isinstance(stack, dict) else []
    if frames:
        out["stacktrace"] = {"frames": [pick(f, _FRAME_KEYS) for f in frames]}
    return out


def event_skeleton(event: object) -> dict[str, Any]:
    """What of `event` is code and never data: enough to group it and find the bug."""
    out = pick(event, _EVENT_KEYS)
    if not isinstance(event, dict):
        return {"level": "error", "tags": {FAILED_TAG: FAILED_VALUE}}
    exception = event.get("exception")
    values = _list(exception.get("values")) if isinstance(exception, dict) else []
    if values:
        out["exception"] = {"values": [_exception(v) for v in values]}
    contexts = event.get("contexts")
    trace = contexts.get("trace") if isinstance(contexts, dict) else None
    if isinstance(trace, dict):
        out["contexts"] = {"trace": pick(trace, _TRACE_KEYS)}
    if event.get("type") == "transaction":
        # A transaction's name can hold a route's values: its op says what it was.
        op = out.get("contexts", {}).get("trace", {}).get("op", "transaction")
        out["transaction"] = f"<{op}: {FAILED_TAG} {FAILED_VALUE}>"
        out["transaction_info"] = {"source": "custom"}
        out["spans"] = [pick(s, _SPAN_KEYS) for s in _list(event.get("spans"))]
    out["tags"] = {FAILED_TAG: FAILED_VALUE}
    return out


def breadcrumb_skeleton(crumb: object) -> dict[str, Any]:
    """A breadcrumb's kind and time, its message and data gone."""
    out = pick(crumb, ("type", "category", "level", "timestamp"))
    out["message"] = f"[{FAILED_TAG} {FAILED_VALUE}]"
    return out


def _where(error: BaseException) -> str:
    """The innermost frame of `error` as `file:line in function` (code, not data)."""
    frames = traceback.extract_tb(error.__traceback__)
    if not frames:
        return "?"
    last = frames[-1]
    return f"{last.filename.rpartition('/')[2]}:{last.lineno} in {last.name}"


def report(hook: str, error: BaseException) -> None:
    """Count the failure; log it the first time `hook` fails (type and line, no message)."""
    FAILURES[hook] = FAILURES.get(hook, 0) + 1
    if hook in _REPORTED:
        return
    _REPORTED.add(hook)
    LOGGER.error(
        "korrigo_sentry: scrubbing failed in %s (%s at %s); events keep leaving as "
        "skeletons tagged %s=%s. Further failures of this hook are not logged.",
        hook, type(error).__name__, _where(error), FAILED_TAG, FAILED_VALUE,
    )  # fmt: skip


def guarded(
    hook: str, skeleton: Callable[[Any], Any]
) -> Callable[[Callable[..., T]], Callable[..., T]]:
    """Decorate a hook: on any exception, return `skeleton(payload)`, never the payload."""

    def decorate(scrub: Callable[..., T]) -> Callable[..., T]:
        @functools.wraps(scrub)
        def hook_function(payload: Any, *args: Any) -> T:
            try:
                return scrub(payload, *args)
            except Exception as error:  # any rule, any value: the payload must still leave
                report(hook, error)
                try:
                    return skeleton(payload)
                except Exception as second:  # the skeleton only copies scalars; never seen
                    report(f"{hook} (skeleton)", second)
                    return skeleton(None)

        return hook_function

    return decorate


def reset() -> None:
    """Forget logged and counted failures (tests)."""
    _REPORTED.clear()
    FAILURES.clear()
