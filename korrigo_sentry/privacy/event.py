"""The pass over one event or transaction (`before_send`, `before_send_transaction`).

Order: places whose shape is known (user, request, spans, breadcrumbs, Celery arguments),
then every string left through the key rules and value detectors, then Relay parity.
"""

from __future__ import annotations

import re
from typing import Any

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
_IDS = frozenset({"trace_id", "span_id", "parent_span_id", "thread.id"})
_HEX_ID = re.compile(r"[0-9a-f]{1,32}")


def filtered(value: object) -> object:
    """`[Filtered]`, keeping a mapping's keys so the event keeps its shape (cookies...)."""
    if isinstance(value, dict):
        return {k: FILTERED for k in value}
    return FILTERED


def scrub_event(event: dict[str, Any]) -> dict[str, Any]:
    """Scrub `event` (an error, message or transaction) in place and return it."""
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
    parity.relay_parity(event)
    return event


def scrub_breadcrumb(crumb: dict[str, Any]) -> dict[str, Any]:
    """One breadcrumb, before it waits in the scope (`before_breadcrumb`)."""
    _described(crumb, "category", "message")
    for key in ("message", "data"):
        if key in crumb:
            crumb[key] = scrub_node(crumb[key], key, key == "data")
    return crumb


def scrub_node(node: Any, key: str | None = None, user_data: bool = False) -> Any:
    """`node` with key rules (inside user data) and value detectors applied, in place."""
    kind = type(node)  # exact types: what the SDK's serializer produces, and fastest to test
    if kind is str:
        if key in _STRUCTURAL and not user_data:
            return node
        if key in _IDS and _HEX_ID.fullmatch(node):
            return node  # a trace, span or thread id: filtering it breaks the trace link
        return scrub_text(node)
    if kind is dict:
        library_frame = node.get("in_app") is False
        for k in list(node):
            v = node[k]
            if user_data and type(k) is str and is_denied(k):
                if v is not None and v != FILTERED:
                    node[k] = filtered(v)
                continue
            if library_frame and k in _SOURCE_LINES:
                continue  # installed libraries' source holds none of Korrigo's secrets
            scalar = type(v) in _SCALARS
            new_key = scrub_text(k) if user_data and type(k) is str else k
            if new_key != k:  # a key that is itself an address or a token, whatever its value
                del node[k]
            elif scalar:
                continue
            node[new_key] = v if scalar else scrub_node(v, k, user_data or k in _USER_DATA)
    elif kind is list:
        for i, v in enumerate(node):
            if type(v) not in _SCALARS:
                node[i] = scrub_node(v, key, user_data)
    elif kind is bytes:
        return scrub_text(node.decode("utf-8", "replace"))
    elif isinstance(node, str | dict | list):  # subclasses: rare, same rules
        return scrub_node(_plain(node), key, user_data)
    return node


#: Values no rule applies to (numbers, booleans, None).
_SCALARS = frozenset({int, float, bool, type(None)})


def _plain(node: Any) -> Any:
    """A str, dict or list subclass as its plain type, so the exact-type dispatch sees it."""
    plain_types: tuple[type, ...] = (str, dict, list)
    for plain in plain_types:
        if isinstance(node, plain):
            return plain(node)
    return node


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
        request["env"].pop("REMOTE_ADDR", None)


def _described(item: dict[str, Any], kind: str, text: str) -> None:
    rule = places.description_rule(str(item.get(kind) or ""))
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


def _celery_arguments(extra: object) -> None:
    """Celery task arguments can hold anything (a student's name, a copy's text)."""
    job = extra.get("celery-job") if isinstance(extra, dict) else None
    if isinstance(job, dict):
        for name in ("args", "kwargs"):
            if name in job:
                job[name] = FILTERED


def _logentry_params(entry: object) -> None:
    """Filter `%s` parameters the scrubbed, formatted message no longer shows."""
    if not isinstance(entry, dict) or not isinstance(entry.get("params"), list):
        return
    formatted = entry.get("formatted")
    if isinstance(formatted, str):
        entry["params"] = [
            p if isinstance(p, int | float) or str(p) in formatted else FILTERED
            for p in entry["params"]
        ]
