"""Relay parity: filter on the client what Sentry's default server-side scrubbing would.

Sentry's ingest (Relay) replaces a whole value that merely contains a word like
"password" or "auth", and always drops the client's address. Korrigo does it first, so
nothing Sentry would scrub ever leaves the server (but breadcrumb messages, whose text
Korrigo's Sentry project keeps: `korrigo_sentry.testing.relay.project`).
`korrigo_sentry.testing.relay`'s privacy floor checks every event the tests send against
Relay itself.
"""

from __future__ import annotations

import re
from typing import Any

from korrigo_sentry.privacy.rule import FILTERED

#: Matched against lower-cased text (a case-insensitive alternation is 3x slower).
_RELAY_VALUE = re.compile(
    r"(password|secret|passwd|api[-_]key|apikey|auth|credentials|mysql_pwd|privatekey"
    r"|private[-_]key|token[^\s]*[:=]|^otp$|^two[-_]factor$|\bbearer\s+\S)"
)


#: Relay's `BEARER_TOKEN_REGEX` (relay-pii/src/regexes.rs), as `@bearer:filter` applies it.
_BEARER = re.compile(r"(?i)\b(Bearer\s+)([^\s]+)")


#: Strings already found not to match (span data and source values repeat); bounded.
_NO_MATCH: set[str] = set()
#: Relay never filters a User-Agent header by its name (no word of the pattern is in it).
_USER_AGENT = "user-agent"


def _matches(text: str) -> bool:
    if text in _NO_MATCH:
        return False
    if _RELAY_VALUE.search(text.lower()) is not None:
        return True
    # The memo holds only strings the pattern did not match: its bounds, and what it keeps,
    # change memory and speed only (make bench), never the answer. (The pragmas also hide
    # `len(None)`, which would raise.)
    if len(_NO_MATCH) >= 8192:  # pragma: no mutate (the memo's bound: memory only)
        _NO_MATCH.clear()
    if len(text) <= 512:  # pragma: no mutate (the memo's bound: speed only)
        _NO_MATCH.add(text)  # pragma: no mutate (None kept instead: every string searched)
    return False


def relay_parity(event: dict[str, Any]) -> None:
    """Filter, where Relay looks, every value Relay's defaults would filter."""
    request = event.get("request")
    if isinstance(request, dict):
        if isinstance(request.get("env"), dict):
            request["env"].pop("REMOTE_ADDR", None)
        for key in ("data", "query_string", "cookies", "env", "headers"):
            if key in request:
                # No key: none of these field names holds a word of Relay's pattern.
                request[key] = relay_filter(request[key])
    if "extra" in event:
        event["extra"] = relay_filter(event["extra"])
    for name, context in (event.get("contexts") or {}).items():
        if name != "trace" or not isinstance(context, dict):
            event["contexts"][name] = relay_filter(context)
        elif "data" in context:  # a trace context's op and description stay readable
            context["data"] = relay_filter(context["data"])
    for crumb in (event.get("breadcrumbs") or {}).get("values") or ():
        # A breadcrumb's message is text, like a log message: the text rules mask the
        # secret in it and the rest stays (Korrigo's Sentry project no longer wipes it
        # whole: data/scrubbing_settings.yaml), but for a Bearer token, which the project's
        # `@bearer:filter` replaces with its scheme. Its data is filtered like Relay does.
        if isinstance(crumb.get("message"), str):
            crumb["message"] = _BEARER.sub(FILTERED, crumb["message"])
        if "data" in crumb:
            crumb["data"] = relay_filter(crumb["data"])
    for frame in _frames(event):
        if "vars" in frame:
            frame["vars"] = relay_filter(frame["vars"])
    if isinstance(event.get("logentry"), dict) and "params" in event["logentry"]:
        event["logentry"]["params"] = relay_filter(event["logentry"]["params"])
    if "server_name" in event:
        event["server_name"] = relay_filter(event["server_name"])
    for span in event.get("spans") or ():
        if isinstance(span, dict):
            for key in ("data", "tags"):
                if key in span:
                    span[key] = relay_filter(span[key])


def relay_filter(node: Any, key: str | None = None) -> Any:
    """`node` with each value Relay's `@password` / `@bearer` rules match filtered."""
    if isinstance(key, str) and key.casefold() != _USER_AGENT and _matches(key):
        return node if node is None else FILTERED
    kind = type(node)
    if kind is str:
        return FILTERED if _matches(node) else node
    if kind is dict:
        return {k: relay_filter(v, k) for k, v in node.items()}
    if kind is list:
        return [relay_filter(v) for v in node]
    return node


def _frames(event: dict[str, Any]) -> list[dict[str, Any]]:
    found: list[Any] = []
    for region in ("exception", "threads"):
        for value in (event.get(region) or {}).get("values") or ():
            found += (value.get("stacktrace") or {}).get("frames") or ()
    return [frame for frame in found if isinstance(frame, dict)]
