"""Remove secrets and personal data from every event before it leaves Korrigo.

Two passes, both over the serialized event that `before_send` receives:

1. Keys: any mapping key containing a `DENYLIST` term (case-insensitive, `-` read as `_`)
   has its value replaced. This reuses sentry-sdk's `EventScrubber` for the regions it
   knows (request, extra, user, breadcrumbs, frame variables, span data) and extends it to
   contexts, tags and any depth.
2. Text: every string left is searched for secrets that no key announces (`password=...`,
   `Authorization: Bearer ...`, JWTs, DSN keys, card numbers, e-mail and IP addresses).
   sentry-sdk only matches keys and Relay only runs on Sentry's side, after the data has
   left the server, so this pass is written here.

The user is reduced to its `id`. Harmless text survives, so an event still says what broke.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

from sentry_sdk._types import SENSITIVE_DATA_SUBSTITUTE
from sentry_sdk.scrubber import DEFAULT_DENYLIST, DEFAULT_PII_DENYLIST, EventScrubber

from korrigo_sentry import settings

FILTERED = SENSITIVE_DATA_SUBSTITUTE  # "[Filtered]", as sentry-sdk and Relay write it

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

#: Containers whose keys are chosen by Korrigo's code or its users, not by the protocol.
_USER_DATA = frozenset({"vars", "data", "extra", "tags", "request", "user", "params", "contexts"})

_KEY_TERMS = "|".join(
    ["password", "passwd", "pwd", "secret", "token", "api_?key", "apikey", "private_?key",
     "credentials?", "session(?:id)?", "csrf(?:token)?", "auth", "dsn", "jwt"]
)  # fmt: skip

#: (pattern, replacement) applied to every non-structural string, in order.
_TEXT_RULES: list[tuple[re.Pattern[str], str | Callable[[re.Match[str]], str]]] = [
    # an Authorization header quoted in text: whatever its scheme, the credentials go
    (
        re.compile(r"(?i)\b((?:proxy-)?authorization['\"]?\s*[:=]\s*['\"]?\w+)\s+[^\s'\",;]+"),
        rf"\1 {FILTERED}",
    ),
    # Bearer xyz / Basic xyz / Token xyz elsewhere: credentials hold a digit or a symbol,
    # which keeps "token rejected" readable
    (
        re.compile(r"(?i)\b(bearer|basic|token|digest)\s+(?=[\w.~+/=-]*[\d.~+/=_-])[\w.~+/=-]{8,}"),
        rf"\1 {FILTERED}",
    ),
    # JSON Web Tokens
    (re.compile(r"\beyJ[A-Za-z0-9_-]{5,}\.[A-Za-z0-9_-]{5,}\.[A-Za-z0-9_-]*"), FILTERED),
    # password=..., "token": "...", api_key: ...
    (
        re.compile(
            rf"(?i)(\b[\w.-]*(?:{_KEY_TERMS})[\w.-]*['\"]?\s*(?:=|:)\s*)"
            r"(?!\[Filtered\]|%[sdifr])(?:'[^']*'|\"[^\"]*\"|[^\s,;&)}\]]+)"
        ),
        rf"\1{FILTERED}",
    ),
    # a DSN or any URL carrying credentials: keep the scheme and the host
    (re.compile(r"(?i)\b(https?://)[^\s/@:'\"]+(?::[^\s/@'\"]*)?@"), rf"\1{FILTERED}@"),
    # e-mail addresses
    (re.compile(r"[\w.+-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)+"), FILTERED),
    # card-like numbers: 13 to 19 digits, spaces or dashes allowed between them
    (re.compile(r"(?<![\w.])\d(?:[ -]?\d){12,18}(?![\w.])"), FILTERED),
    # IPv4 addresses
    (re.compile(r"(?<![\w.])(?:\d{1,3}\.){3}\d{1,3}(?![\w.])"), FILTERED),
]

#: Cheap pre-check: a string matching none of this holds nothing `_TEXT_RULES` would change.
_QUICK = re.compile(rf"(?i)[=:@]|\d[\d -]{{11}}|\d\.\d+\.\d|eyJ|basic|digest|{_KEY_TERMS}")


def is_denied(key: str) -> bool:
    """True when `key` contains one of the `DENYLIST` terms."""
    normal = key.lower().replace("-", "_")
    return any(term in normal for term in DENYLIST)


def scrub_text(text: str) -> str:
    """`text` with every secret-looking part replaced by `[Filtered]`."""
    if not _QUICK.search(text):
        return text
    for pattern, replacement in _TEXT_RULES:
        text = pattern.sub(replacement, text)
    return text


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
        for region in ("contexts", "tags", "extra", "request"):
            self.scrub_dict(event.get(region))
        _scrub_task_arguments(event.get("extra"))
        _scrub_logentry(event.get("logentry"))
        _scrub_strings(event)


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
        return node if key in _STRUCTURAL and not user_data else scrub_text(node)
    if isinstance(node, dict):
        for k, v in node.items():
            node[k] = _scrub_strings(v, k, user_data or k in _USER_DATA)
    elif isinstance(node, list):
        for i, v in enumerate(node):
            node[i] = _scrub_strings(v, key, user_data)
    return node


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
