"""The privacy floor: what Sentry's own server-side scrubbing would still remove.

Relay scrubs every event after it has left Korrigo's server, with the project's "Data
Scrubber" settings. Korrigo's client scrubber must already have removed anything Sentry's
default scrubbers would: the floor runs an event through them and reports each value that
would change. An empty report means nothing Sentry would scrub was ever sent. The
default scrubbers are those of Korrigo's recommended project set-up (`project`): every
default rule of a new project (`SERVER_DEFAULTS`), but for the one that replaces a whole
breadcrumb message containing "password", "auth" or "token:".
"""

from __future__ import annotations

import copy
from collections.abc import Callable, Iterator
from typing import Any

from sentry_relay import convert_datascrubbing_config, pii_strip_event

#: The project settings of a new Sentry project (Security & Privacy > Data Scrubber).
DATASCRUBBING_DEFAULTS: dict[str, Any] = {
    "scrubData": True,
    "scrubDefaults": True,
    "scrubIpAddresses": True,
    "sensitiveFields": [],
    "excludeFields": [],
}

#: The same settings as the PII config Relay actually runs.
SERVER_DEFAULTS: dict[str, Any] = convert_datascrubbing_config(DATASCRUBBING_DEFAULTS)


def server_scrub(event: dict[str, Any], config: dict[str, Any] | None = None) -> dict[str, Any]:
    """`event` as Relay stores it after scrubbing (with `_meta`); `config` defaults to Sentry's."""
    return pii_strip_event(SERVER_DEFAULTS if config is None else config, event)


def floor_problems(
    normalized: dict[str, Any], scrub: Callable[[dict[str, Any]], dict[str, Any]] | None = None
) -> list[str]:
    """One line per value that Sentry's default scrubbing would still change.

    `normalized` is the event as Relay's normaliser returns it (scrubbing runs after it);
    `scrub` is the server-side scrubbing (default: a new project's, `SERVER_DEFAULTS`; the
    fake transport's checks pass Korrigo's recommended set-up, `project.floor_scrub`).
    The lines name the field and Relay's rule, never the value.
    """
    if scrub is None:
        scrub = server_scrub
    before = {k: v for k, v in normalized.items() if k not in ("_meta", "errors")}
    after = scrub(copy.deepcopy(before))
    meta = after.pop("_meta", None) or {}
    return [
        f"{name}: {_rule(meta, keys) or 'changed'} ({_what(old)})"
        for name, keys, old in changed(before, after)
    ]


def changed(
    before: Any, after: Any, name: str = "", keys: tuple[str, ...] = ()
) -> Iterator[tuple[str, tuple[str, ...], Any]]:
    """(readable path, `_meta` path, old value) for every leaf that differs."""
    if isinstance(before, dict) and isinstance(after, dict):
        for key in sorted(before.keys() | after.keys()):
            yield from changed(before.get(key), after.get(key), _join(name, key), (*keys, key))
    elif isinstance(before, list) and isinstance(after, list) and len(before) == len(after):
        for index, (old, new) in enumerate(zip(before, after, strict=True)):
            at = (*keys, str(index))
            if _is_pair(old) and _is_pair(new) and old[0] == new[0]:
                # Relay keeps headers and tags as [name, value] pairs: name them by key.
                yield from changed(old[1], new[1], _join(name, old[0]), (*at, "1"))
            else:
                yield from changed(old, new, _join(name, index), at)
    elif before != after:
        yield name, keys, before


def _is_pair(item: Any) -> bool:
    return isinstance(item, list) and len(item) == 2 and isinstance(item[0], str)


def _join(path: str, key: Any) -> str:
    return f"{path}.{key}" if path else str(key)


def _rule(meta: dict[str, Any], keys: tuple[str, ...]) -> str:
    """The Relay rules recorded in `_meta` at `keys`, e.g. `@password:filter`."""
    node: Any = meta
    for part in keys:
        if not isinstance(node, dict):
            return ""
        node = node.get(part, {})
    remarks = node.get("", {}).get("rem", []) if isinstance(node, dict) else []
    return ", ".join(dict.fromkeys(str(r[0]) for r in remarks))


def _what(value: Any) -> str:
    """Describe a value without showing it: the floor's report must not leak it again."""
    if isinstance(value, str):
        return f"a string of {len(value)} characters"
    return f"a {type(value).__name__}"
