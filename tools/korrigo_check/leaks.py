"""Search captured envelopes for recorded personal values, verbatim and encoded.

Every envelope's raw bytes are searched (case-sensitive, the value not inside a longer
word). A hit inside code only (source lines, file and function names, installed packages'
names, SQL text) is counted apart: Korrigo's tests write their fixtures in their code, and
production code never holds a student's name; anywhere else it is a leak. A value that is
also a word of Korrigo's application code ("Test", "User", "Audit": fixtures' names that are
ordinary words) is counted apart as ambiguous: its hits may be that word, not the person.
"""

from __future__ import annotations

import html
import json
import re
import urllib.parse
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from sentry_sdk.envelope import Envelope

#: Values shorter than this are recorded but not searched: "Li" or "12" match anything.
MIN_LENGTH = 4
#: Keys whose values are code, not data: a frame's source lines and location, the list of
#: installed packages.
CODE_KEYS = frozenset({"pre_context", "context_line", "post_context", "abs_path", "filename",
                       "module", "function", "package", "modules"})  # fmt: skip


@dataclass(frozen=True)
class Leak:
    """A recorded value found in an envelope."""

    kind: str
    value: str
    form: str  # verbatim, json, url, html...
    envelope: int  # its index in the run
    context: str  # the bytes around it, decoded
    in_code_only: bool = False  # found only in source lines, code locations or SQL
    ambiguous: bool = False  # the value is also a word of the application's code


def envelopes(path: Path) -> list[bytes]:
    """Every envelope the plugin appended to `path` (8-byte big-endian length, then bytes)."""
    data = path.read_bytes() if path.exists() else b""
    found, at = [], 0
    while at < len(data):
        size = int.from_bytes(data[at : at + 8], "big")
        found.append(data[at + 8 : at + 8 + size])
        at += 8 + size
    return found


def item_types(raw: list[bytes]) -> dict[str, int]:
    """How many items of each type (event, transaction...) the envelopes hold."""
    counts: dict[str, int] = {}
    for envelope in raw:
        for item in Envelope.deserialize(envelope).items:
            counts[item.type or "?"] = counts.get(item.type or "?", 0) + 1
    return counts


def forms(value: str) -> dict[str, bytes]:
    """The ways `value` can be written in an envelope, lower-cased: as is, JSON-escaped
    (ASCII and not), URL-encoded (both ways), HTML-escaped, and a date as DD/MM/YYYY."""
    found = {
        "verbatim": value,
        "json": json.dumps(value)[1:-1],
        "url": urllib.parse.quote(value),
        "url+": urllib.parse.quote_plus(value),
        "html": html.escape(value),
    }
    if len(value) == 10 and value[4] == value[7] == "-":  # an ISO date
        found["date"] = f"{value[8:]}/{value[5:7]}/{value[:4]}"
    return {form: text.encode("utf-8") for form, text in found.items()}


def _pattern(needle: bytes) -> re.Pattern[bytes]:
    """`needle`, not inside a longer word or name ("Test" is not found in "TestCase", nor
    "admin" in "admin_audit")."""
    return re.compile(rb"(?<![A-Za-z0-9_])" + re.escape(needle) + rb"(?![A-Za-z0-9_])")


def _without_code(value: object) -> object:
    """A JSON payload without its code: CODE_KEYS, and SQL (query breadcrumbs, db spans)."""
    if isinstance(value, dict):
        sql = value.get("category") == "query" or str(value.get("op", "")).startswith("db")
        return {
            key: _without_code(item)
            for key, item in value.items()
            if key not in CODE_KEYS and not (sql and key in ("message", "description"))
        }
    if isinstance(value, list):
        return [_without_code(item) for item in value]
    return value


def data_only(envelope: bytes) -> bytes:
    """The envelope's items without their code, serialized both ways (UTF-8 and ASCII JSON)."""
    parts = []
    for item in Envelope.deserialize(envelope).items:
        payload = item.get_bytes()
        try:
            data = _without_code(json.loads(payload))
        except ValueError:  # an attachment: searched as it is
            parts.append(payload)
            continue
        parts.append(json.dumps(data, ensure_ascii=False).encode("utf-8"))
        parts.append(json.dumps(data).encode("utf-8"))
    return b"\n".join(parts)


def search(values: dict[str, list[str]], raw: list[bytes], code: bytes = b"") -> Iterator[Leak]:
    """Each (value, envelope) where a form of the value appears (the first form found);
    `code` is the application's source, to mark values that are also its words."""
    stripped: dict[int, bytes] = {}
    for kind, found in values.items():
        for value in found:
            if len(value) < MIN_LENGTH:
                continue
            patterns = {form: _pattern(needle) for form, needle in forms(value).items()}
            ambiguous = bool(patterns["verbatim"].search(code))
            for index, envelope in enumerate(raw):
                for form, pattern in patterns.items():
                    match = pattern.search(envelope)
                    if match is None:
                        continue
                    if index not in stripped:
                        stripped[index] = data_only(envelope)
                    code_only = not any(p.search(stripped[index]) for p in patterns.values())
                    around = envelope[max(0, match.start() - 60) : match.end() + 60]
                    context = around.decode("utf-8", "replace").replace("\n", " ")
                    yield Leak(kind, value, form, index, context, code_only, ambiguous)
                    break
