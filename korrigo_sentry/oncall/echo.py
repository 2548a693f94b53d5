"""What a command may echo of a value or of a server's answer: cut short, keys removed.

Every text that comes from outside the command (a configuration value, an HTTP body, an
exception's message) passes through `redact` before it is printed: a Sentry key must never
reach a terminal, a log or a JSON report, in any form a server or a library writes it back.
"""

from __future__ import annotations

import json
import re
from urllib.parse import quote

#: The longest text a command echoes from a value or a server's answer.
ECHO_LIMIT = 200
_CREDENTIALS = re.compile(r"(?<=://)[^@/\s]+(?=@)")
_KEY_LIKE = re.compile(r"[0-9a-fA-F]{16,}")


def cut(text: str, limit: int = ECHO_LIMIT) -> str:
    """`text` on one line, at most `limit` characters (then `... (N characters)`)."""
    text = " ".join(text.split())
    return text if len(text) <= limit else f"{text[:limit]}... ({len(text)} characters)"


def key_forms(key: str) -> set[str]:
    """The ways a server or a log may write `key` back: as is, percent-encoded, JSON- or
    backslash-escaped, its UTF-8 bytes read as Latin-1, its non-ASCII characters replaced."""
    forms = {
        key,
        quote(key, safe=""),
        json.dumps(key)[1:-1],
        key.encode("unicode_escape").decode("ascii"),
        key.encode("utf-8", "replace").decode("latin-1"),
        key.encode("ascii", "replace").decode("ascii"),
        key.encode("ascii", "backslashreplace").decode("ascii"),
        key.encode("ascii", "ignore").decode("ascii"),
    }
    return {form for form in forms if len(form) >= 4}


def redact(text: str, *keys: str | None) -> str:
    """`text` without any form of `keys`, any URL's credentials, any run of hex digits as
    long as half a Sentry key, cut to `ECHO_LIMIT`: what every command echoes passes here."""
    for key in keys:
        if key:
            for form in sorted(key_forms(key), key=len, reverse=True):
                text = text.replace(form, "***")
    text = _CREDENTIALS.sub("***", text)
    return cut(_KEY_LIKE.sub("***", text))


def dsn_keys(dsn: str | None) -> tuple[str, ...]:
    """The public and secret keys of `dsn` (nothing when it does not parse)."""
    from sentry_sdk.utils import BadDsn, Dsn

    try:
        parsed = Dsn(dsn or "")
    except (BadDsn, ValueError):
        return ()
    return tuple(k for k in (parsed.public_key, parsed.secret_key) if k)
