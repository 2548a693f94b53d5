"""The pass over one event or transaction (`before_send`, `before_send_transaction`).

Order: places whose shape is known (user, request, spans, breadcrumbs, Celery arguments),
then every string left through the key rules and value detectors, then Relay parity.
"""

from __future__ import annotations

import json
import re
from typing import Any

from sentry_sdk.serializer import serialize

import korrigo_sentry.privacy.parity as parity
import korrigo_sentry.privacy.places as places
import korrigo_sentry.privacy.urls as urls
from korrigo_sentry import settings
from korrigo_sentry.privacy.keys import is_denied
from korrigo_sentry.privacy.rule import FILTERED
from korrigo_sentry.privacy.text import scrub_text

#: Keys of the event's own structure whose string values are never secrets.
_STRUCTURAL = frozenset(
    {
        "event_id", "trace_id", "span_id", "parent_span_id", "timestamp", "start_timestamp",
        "platform", "level", "logger", "type", "module", "function", "filename", "abs_path",
        "op", "origin", "status", "release", "environment", "sdk", "modules", "packages",
        "integrations", "transaction_info", "category", "mechanism", "source", "lineno",
    }
)  # fmt: skip

#: Top-level sections the SDK fills from the environment, never from Korrigo's data.
_PROTOCOL_ONLY = frozenset({"modules", "sdk", "debug_meta"})

#: A frame's source lines: scanned for Korrigo's own frames, not for installed libraries.
_SOURCE_LINES = frozenset({"pre_context", "context_line", "post_context"})

#: Containers whose keys are chosen by Korrigo's code or its users, not by the protocol.
_USER_DATA = frozenset({"vars", "data", "extra", "tags", "request", "user", "params", "contexts"})

_HEADERS_ALLOWED = frozenset(h.lower() for h in settings.HEADER_ALLOWLIST)
#: Keys whose hexadecimal value is an id the SDK made: filtering it breaks a link (a trace,
#: a streamed span's segment, a check-in's pair of in_progress and ok, an item's event).
_IDS = frozenset({"trace_id", "span_id", "parent_span_id", "thread.id", "check_in_id",
                  "event_id", "sentry.segment.id"})  # fmt: skip
_HEX_ID = re.compile(r"[0-9a-f]{1,32}")


def is_sdk_id(key: object, value: object) -> bool:
    """`value` is the hexadecimal id the SDK writes under `key` (kept as it is)."""
    return key in _IDS and isinstance(value, str) and _HEX_ID.fullmatch(value) is not None


def filtered(value: object) -> object:
    """`[Filtered]`, keeping a mapping's keys so the event keeps its shape (cookies...)."""
    if isinstance(value, dict):
        return {k: FILTERED for k in value}
    return FILTERED


def scrub_event(event: dict[str, Any]) -> dict[str, Any]:
    """Scrub `event` (an error, message or transaction) in place and return it."""
    _logentry_named_params(event.get("logentry"))
    _user(event)
    _request(event.get("request"))
    name = event.get("transaction")
    if isinstance(name, str):
        event["transaction"] = urls.scrub_path(name) if name.startswith("/") else scrub_text(name)
    for span in event.get("spans") or ():
        if isinstance(span, dict):
            _described(span, "op", "description")
    for crumb in (event.get("breadcrumbs") or {}).get("values") or ():
        if isinstance(crumb, dict):
            _described(crumb, "category", "message")
    _celery_arguments(event.get("extra"))
    for key, value in event.items():
        if key not in _PROTOCOL_ONLY:
            event[key] = scrub_node(value, key, key in _USER_DATA)
    _logentry_params(event.get("logentry"))
    _tag_values(event.get("tags"))
    parity.relay_parity(event)
    return event


def scrub_breadcrumb(crumb: dict[str, Any]) -> dict[str, Any]:
    """One breadcrumb, before it waits in the scope (`before_breadcrumb`).

    Its `data` is still the application's own object here (the SDK serialises breadcrumbs
    only when an event is sent): the SDK's serializer copies it first, so the walk never
    writes into Korrigo's dicts and meets no cycle, broken `__repr__` or custom type.
    """
    if "data" in crumb:
        crumb["data"] = serialize(crumb["data"])
    _described(crumb, "category", "message")
    for key in ("message", "data"):
        if key in crumb:
            crumb[key] = scrub_node(
                crumb[key],
                key,  # pragma: no mutate (in neither _STRUCTURAL nor _IDS, as None is not)
                key == "data",
            )
    return crumb


def scrub_node(node: Any, key: str | None = None, user_data: bool = False, depth: int = 0) -> Any:
    """`node` with key rules (inside user data) and value detectors applied, in place.

    Whatever `node` holds, the walk ends: string and bytes subclasses are read as plain
    text (a Django `SafeString` is its own `str()`, so converting with `str()` would never
    reach a plain string), containers deeper than `MAX_DEPTH` (a cycle the SDK's
    serializer never saw, in a breadcrumb's data) are filtered, and an object no JSON
    type describes keeps only its type's name.
    """
    kind = type(node)  # exact types: what the SDK's serializer produces, and fastest to test
    if kind is str:
        if key in _STRUCTURAL and not user_data:
            return node
        if key in _IDS and _HEX_ID.fullmatch(node):
            return node  # an id the SDK made: filtering it breaks a link
        return scrub_text(node)
    if kind is dict:
        if depth > MAX_DEPTH:
            return FILTERED
        library_frame = node.get("in_app") is False
        for k in list(node):
            v = node[k]
            if isinstance(k, str) and k.__class__ is not str:
                del node[k]  # a str subclass as key: the key rules read plain strings
                k = str.__str__(k)
                node[k] = v
            if user_data and type(k) is str and is_denied(k):
                if v is not None and v != FILTERED:
                    node[k] = filtered(v)
                continue
            if library_frame and k in _SOURCE_LINES:
                continue  # installed libraries' source holds none of Korrigo's secrets
            new_key = scrub_text(k) if user_data and type(k) is str else k
            if new_key != k:  # a key that is itself an address or a token, whatever its value
                del node[k]
            elif type(v) in _SCALARS and not (type(v) is int and v >= _CARD_MIN):
                continue  # scrub_node would return it unchanged: skipped, for speed only
            node[new_key] = scrub_node(v, k, user_data or k in _USER_DATA, depth + 1)
        return node
    if kind is list:
        if depth > MAX_DEPTH:
            return FILTERED
        for i, v in enumerate(node):
            if type(v) not in _SCALARS or (type(v) is int and v >= _CARD_MIN):
                node[i] = scrub_node(v, key, user_data, depth + 1)
        return node
    if kind is int:
        return scrub_number(node)
    if kind in _SCALARS:
        return node
    if isinstance(node, str):  # SafeString and other subclasses: str() may return self
        return scrub_node(str.__str__(node), key, user_data)  # a string has no depth
    if isinstance(node, bytes | bytearray):
        return scrub_text(bytes(memoryview(node)).decode(errors="replace"))  # UTF-8
    # (bool needs no branch of its own: it cannot be subclassed, so `kind in _SCALARS`
    # above caught it.) IntEnum, numpy-like ints: their value, through the detectors.
    if isinstance(node, int):
        return scrub_number(int.__index__(node))
    if isinstance(node, float):
        return float(node)
    if isinstance(node, dict):
        return scrub_node(dict(node.items()), user_data=user_data, depth=depth)  # no key read
    if isinstance(node, list | tuple | set | frozenset):
        return scrub_node(list(node), key, user_data, depth)
    return f"<{kind.__name__}>"  # not JSON: nothing of its value can be vouched for


#: Values no rule applies to (numbers, booleans, None); ints from `_CARD_MIN` up are
#: checked against the card detector (a card number held as an `int`).
_SCALARS = frozenset({int, float, bool, type(None)})
#: The smallest 13-digit and the largest 19-digit numbers that pass the Luhn check: card
#: numbers (ISO/IEC 7812, 13 to 19 digits) lie between them.
_CARD_MIN = 1_000_000_000_009
_CARD_MAX = 9_999_999_999_999_999_998

#: Containers nested deeper than this are filtered: the SDK's serializer stops at 10 levels
#: for frame variables, so only an unserialised cycle (breadcrumb data) goes further.
MAX_DEPTH = 64


def scrub_number(number: int) -> int | str:
    """An integer of 13 to 19 digits passing the Luhn checksum is a card number: filtered."""
    if _CARD_MIN <= number <= _CARD_MAX:
        digits = str(number)
        if scrub_text(digits) != digits:
            return FILTERED
    return number


def _user(event: dict[str, Any]) -> None:
    user = event.get("user")
    if isinstance(user, dict):
        if user.get("id") is not None:
            event["user"] = {"id": user["id"]}
        else:
            event.pop("user")


def _request(request: Any) -> None:
    if not isinstance(request, dict):
        return
    if isinstance(request.get("url"), str):
        request["url"] = urls.scrub_url(request["url"])
    if isinstance(request.get("query_string"), str):
        request["query_string"] = urls.scrub_query(request["query_string"])
    headers = request.get("headers")
    if isinstance(headers, dict):
        request["headers"] = {
            k: (v if str(k).lower() in _HEADERS_ALLOWED else FILTERED) for k, v in headers.items()
        }
    request.pop("cookies", None)
    if isinstance(request.get("env"), dict):
        request["env"].pop(
            "REMOTE_ADDR",  # pragma: no mutate (parity.relay_parity pops it again, always last)
            None,
        )


def _described(item: dict[str, Any], kind: str, text: str) -> None:
    op = item.get(kind)
    rule = places.description_rule(op) if isinstance(op, str) else None
    if rule is not None and isinstance(item.get(text), str):
        item[text] = rule(item[text])
    tags = item.get("tags")
    if isinstance(tags, dict) and isinstance(tags.get("redis.key"), str):
        tags["redis.key"] = places.reduce_key(tags["redis.key"])
    data = item.get("data")
    if isinstance(data, dict):
        if isinstance(data.get("redis.key"), str):
            data["redis.key"] = places.reduce_key(data["redis.key"])
        if isinstance(data.get("cache.key"), list):
            data["cache.key"] = [places.reduce_key(str(k)) for k in data["cache.key"]]
        for field in ("url", "http.query", "http.fragment"):
            if isinstance(data.get(field), str) and data[field]:
                value = data[field]
                data[field] = (
                    urls.scrub_url(value) if field == "url"
                    else urls.scrub_query(value) if field == "http.query"
                    else FILTERED
                )  # fmt: skip


def _tag_values(tags: object) -> None:
    """A tag's value as the text Sentry accepts (`set_tag("x", {...})` is a container:
    Relay drops it as invalid data), written after scrubbing, cut at Sentry's 200."""
    if isinstance(tags, dict):
        for name, value in tags.items():
            if not isinstance(value, str | int | float | bool) and value is not None:
                tags[name] = json.dumps(
                    value,
                    default=str,  # pragma: no mutate (the walk above left only JSON types)
                    ensure_ascii=False,
                )[:200]


def _celery_arguments(extra: object) -> None:
    """Celery task arguments can hold anything (a student's name, a copy's text)."""
    job = extra.get("celery-job") if isinstance(extra, dict) else None
    if isinstance(job, dict):
        for name in ("args", "kwargs"):
            if name in job:
                job[name] = FILTERED


#: What `privacy.models` makes of a personal model instance or an uploaded file.
_SENTRY_REPR = re.compile(r"<\w+ (?:pk|name)=[^<>]*>|<\w+: <\w+ pk=[^<>]*>>")


def _logentry_named_params(entry: object) -> None:
    """`log.error("%(student)s failed", {"student": name})`: the value of a denylisted
    parameter is also in the formatted message, where no key says what it is. Before
    the walk filters the parameter, its value is masked in the message."""
    if not isinstance(entry, dict) or not isinstance(entry.get("params"), dict):
        return
    formatted = entry.get("formatted")
    if not isinstance(formatted, str):
        return
    for name, value in entry["params"].items():
        if isinstance(name, str) and is_denied(name) and value is not None:
            text = str(value)
            if len(text) >= 2:
                formatted = formatted.replace(text, FILTERED)
    entry["formatted"] = formatted


def _logentry_params(entry: object) -> None:
    """Filter `%s` parameters the scrubbed, formatted message no longer shows."""
    if not isinstance(entry, dict) or not isinstance(entry.get("params"), list):
        return
    formatted = entry.get("formatted")
    message = entry.get("message")
    if isinstance(message, str) and any(
        isinstance(p, str) and _SENTRY_REPR.fullmatch(p) for p in entry["params"]
    ):
        # logging formatted the message with the object's own `__str__` (a student's
        # name); the params went through the SDK's serializer (`<Student pk=12>`): format
        # again from those. A message the params do not fit keeps only its template.
        try:
            formatted = message.replace("%r", "%s") % tuple(entry["params"])
        except (TypeError, ValueError, KeyError):
            formatted = message
        entry["formatted"] = formatted
    if isinstance(formatted, str):
        entry["params"] = [
            p if isinstance(p, int | float) or str(p) in formatted else FILTERED
            for p in entry["params"]
        ]
