"""Relay's event normalisation, as Sentry's ingest runs it, and what it flags.

`StoreNormalizer` is the code Sentry runs on every event it accepts: it fixes what it can
and records what it refused in the event's `errors` list and its `_meta` tree. An event
that comes back with such a record, or that Relay raises on (a transaction without a
trace, timestamps reversed), would lose data or be dropped in production.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from sentry_relay import RelayError, StoreNormalizer

#: What Relay's store endpoint allows (seconds): events from the future or older than
#: 30 days get their timestamp replaced and an error recorded.
MAX_SECS_IN_FUTURE = 60
MAX_SECS_IN_PAST = 30 * 24 * 3600
#: Relay refuses an event or transaction item larger than this (its `max_event_size`).
MAX_EVENT_BYTES = 1024 * 1024


def normalizer(sent_at: str | None = None) -> StoreNormalizer:
    """A normalizer configured like Sentry's ingest (unknown attributes are refused)."""
    return StoreNormalizer(
        project_id=1,
        protocol_version="7",
        remove_other=True,
        normalize_user_agent=True,
        max_secs_in_future=MAX_SECS_IN_FUTURE,
        max_secs_in_past=MAX_SECS_IN_PAST,
        sent_at=sent_at,
    )


_DEFAULT = normalizer()


def normalize(event: dict[str, Any], sent_at: str | None = None) -> tuple[dict | None, list[str]]:
    """Relay's normalised `event` and the problems it flagged, one line per field.

    The event is None when Relay refuses it outright.
    """
    try:
        out = (normalizer(sent_at) if sent_at else _DEFAULT).normalize_event(event)
    except RelayError as error:
        # The Rust message is the first line; a native stack trace follows it.
        return None, [f"refused: {str(error.message).splitlines()[0]}"]
    problems = [_describe(entry) for entry in out.get("errors") or ()]
    named = {entry.get("name") for entry in out.get("errors") or ()}
    problems += [
        f"{path}: {', '.join(map(_error_name, errs))}"
        for path, errs in meta_errors(out.get("_meta"))
        if path not in named
    ]
    return out, problems


def meta_errors(meta: Any, path: str = "") -> Iterator[tuple[str, list[Any]]]:
    """(field path, errors) for every `err` entry in a Relay `_meta` tree."""
    if not isinstance(meta, dict):
        return
    for key, value in meta.items():
        if key == "" and isinstance(value, dict) and value.get("err"):
            yield path, value["err"]
        elif key:
            yield from meta_errors(value, f"{path}.{key}" if path else key)


def _error_name(err: Any) -> str:
    return str(err[0] if isinstance(err, list) else err)


def _describe(entry: dict[str, Any]) -> str:
    name = entry.get("name") or "(event)"
    details = entry.get("reason") or ""
    shown = f" (got {_short(entry['value'])})" if "value" in entry else ""
    return f"{name}: {entry.get('type', 'error')}{' - ' + details if details else ''}{shown}"


def _short(value: Any) -> str:
    text = repr(value)
    return text if len(text) <= 60 else text[:57] + "..."
