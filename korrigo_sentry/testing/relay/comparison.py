"""Relay's server-side defaults and Korrigo's client scrubber, side by side.

Each sample is planted in an event shaped as the SDK sends it, then run through Sentry's
default scrubbing (Relay) and through Korrigo's `scrub_event`; a row says what each left.
The privacy page renders the rows, so the table is computed, never typed.
"""

from __future__ import annotations

import copy
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from korrigo_sentry.privacy import scrub_event
from korrigo_sentry.testing.relay.floor import server_scrub
from korrigo_sentry.testing.relay.ingest import normalize

_JWT = "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiI0MiJ9.c2lnbmF0dXJlLXNhbXBsZQ"


@dataclass(frozen=True)
class Sample:
    """A value planted somewhere in an event, and how to read it back after scrubbing."""

    what: str
    where: str
    event: dict[str, Any]
    read: Callable[[dict[str, Any]], Any]


def _message(text: str) -> tuple[dict[str, Any], Callable[[dict[str, Any]], Any]]:
    return {"message": text}, lambda e: e["logentry"]["formatted"]


def _extra(key: str, value: str) -> tuple[dict[str, Any], Callable[[dict[str, Any]], Any]]:
    return {"extra": {key: value}}, lambda e: (e.get("extra") or {}).get(key)


def _header(name: str, value: str) -> tuple[dict[str, Any], Callable[[dict[str, Any]], Any]]:
    def read(event: dict[str, Any]) -> Any:
        headers = (event.get("request") or {}).get("headers") or []
        return next((v for k, v in headers if k == name), None)

    return {"request": {"method": "GET", "headers": {name: value}}}, read


def _frame_var(key: str, value: str) -> tuple[dict[str, Any], Callable[[dict[str, Any]], Any]]:
    frame = {"function": "grade", "module": "korrigo.grading", "vars": {key: value}}
    event = {"exception": {"values": [{"type": "GradingError", "stacktrace": {"frames": [frame]}}]}}

    def read(e: dict[str, Any]) -> Any:
        return e["exception"]["values"][0]["stacktrace"]["frames"][0].get("vars", {}).get(key)

    return event, read


def _user(**user: str) -> tuple[dict[str, Any], Callable[[dict[str, Any]], Any]]:
    def read(e: dict[str, Any]) -> Any:
        kept = {k: v for k, v in (e.get("user") or {}).items() if k in user and v is not None}
        return ", ".join(f"{k}={v}" for k, v in kept.items()) or None

    return {"user": {"id": "42", **user}}, read


SAMPLES: list[Sample] = [
    Sample(what, where, *plant)
    for what, where, plant in [
        ("`password=...` in a message", "message", _message("login failed: password=hunter2")),
        ("e-mail address", "message", _message("no mail sent to jeanne.martin@example.org")),
        ("e-mail address", "`extra['contact']`", _extra("contact", "jeanne.martin@example.org")),
        ("JSON Web Token", "message", _message(f"session {_JWT} expired")),
        ("Bearer token", "message", _message("Authorization: Bearer 9f8e7d6c5b4a")),
        ("Bearer token", "`Authorization` header", _header("Authorization", "Bearer 9f8e7d6c5b4a")),
        ("card number", "message", _message("payment 4111 1111 1111 1111 refused")),
        ("card number", "`extra['reference']`", _extra("reference", "4111111111111111")),
        ("IP address", "message", _message("request from 203.0.113.7 refused")),
        ("IP address", "`extra['origin']`", _extra("origin", "203.0.113.7")),
        ("IP address", "`user.ip_address`", _user(ip_address="203.0.113.7")),
        ("e-mail and name", "`user`", _user(email="jeanne.martin@example.org", username="jmartin")),
        ("key containing `secret`", "`extra['client_secret']`", _extra("client_secret", "abc")),
        ("key containing `password`", "frame variable", _frame_var("db_password", "hunter2")),
        ("value mentioning `auth`", "frame variable", _frame_var("step", "authenticate teacher")),
        ("student's name", "`extra['student_name']`", _extra("student_name", "Jeanne Martin")),
        ("OCR text of a copy", "`extra['ocr_text']`", _extra("ocr_text", "Answer 1: mitochondria")),
        ("DSN key", "message", _message("bad DSN https://examplePublicKey@o0.ingest.sentry.io/0")),
    ]
]  # fmt: skip


def comparison_rows() -> list[dict[str, Any]]:
    """One row per sample: what Relay's defaults and Korrigo's client scrubber leave of it.

    Keys: `what`, `where`, `sent` (the planted value), `relay` and `korrigo` (the value
    left, None when removed), `relay_removes` and `korrigo_removes` (booleans).
    """
    rows = []
    for sample in SAMPLES:
        sent = sample.read(_normalized(sample.event))
        relay = sample.read(server_scrub(_normalized(sample.event)))
        korrigo = sample.read(_normalized(scrub_event(copy.deepcopy(sample.event))))
        rows.append(
            {
                "what": sample.what,
                "where": sample.where,
                "sent": sent,
                "relay": relay,
                "korrigo": korrigo,
                "relay_removes": relay != sent,
                "korrigo_removes": korrigo != sent,
            }
        )
    return rows


def _normalized(event: dict[str, Any]) -> dict[str, Any]:
    """`event` in the shape Relay stores (so both sides are read at the same place)."""
    out, _problems = normalize(copy.deepcopy(event))
    assert out is not None, "a comparison sample must be a valid event"
    out.pop("_meta", None)
    return out


def scrubbing_comparison_table() -> str:
    """The rows as a Markdown table (the privacy page's `scrubbing_comparison_table()`)."""

    def cell(value: Any, removes: bool) -> str:
        shown = "removed" if value is None else f"`{value}`".replace("|", "\\|")
        return f"{shown} ({'scrubbed' if removes else '**kept**'})"

    lines = [
        "| What | Where | Sent | Sentry's server-side defaults (Relay) "
        "| Korrigo's client scrubber |",
        "|---|---|---|---|---|",
    ]
    for row in comparison_rows():
        sent = f"`{row['sent']}`".replace("|", "\\|")
        relay = cell(row["relay"], row["relay_removes"])
        korrigo = cell(row["korrigo"], row["korrigo_removes"])
        lines.append(f"| {row['what']} | {row['where']} | {sent} | {relay} | {korrigo} |")
    return "\n".join(lines)
