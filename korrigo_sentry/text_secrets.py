"""Secrets that no key announces, found in free text (messages, values, source lines).

sentry-sdk only matches keys, and Sentry's own scrubbing (Relay) runs after the data has
left the server, so these patterns are written here.
"""

from __future__ import annotations

import re
from collections.abc import Callable

from sentry_sdk._types import SENSITIVE_DATA_SUBSTITUTE

FILTERED = SENSITIVE_DATA_SUBSTITUTE  # "[Filtered]", as sentry-sdk and Relay write it

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
            r"(?!\[Filtered\]|%[sdifr]|(?:bearer|basic|digest|token)\s+\[Filtered\])(?:'[^']*'|\"[^\"]*\"|[^\s,;&)}\]]+)"
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

#: Cheap pre-check: a string matching none of this holds nothing `_TEXT_RULES` would change
#: (a key term, an "@" inside a word, 13 digits, a dotted quad, a JWT or an auth scheme).
#: Matched against the lower-cased text: a case-insensitive alternation is 3x slower.
_QUICK = re.compile(rf"\w@\w|\d[\d -]{{11}}|\d\.\d+\.\d|eyj|bearer|basic|digest|{_KEY_TERMS}")


def scrub_text(text: str) -> str:
    """`text` with every secret-looking part replaced by `[Filtered]`."""
    if not _QUICK.search(text.lower()):
        return text
    for pattern, replacement in _TEXT_RULES:
        text = pattern.sub(replacement, text)
    return text
