"""The tap's reading of envelopes and of Bugsink's rate-limit header (no stack needed)."""

from __future__ import annotations

import io
import json

from sentry_sdk.envelope import Envelope

from drills.tap import _strip_transaction_limit, parse_envelope


def test_parse_envelope_reads_every_item_as_the_sdk_writes_it() -> None:
    envelope = Envelope(headers={"event_id": "a" * 32})
    envelope.add_event({"event_id": "a" * 32, "message": "line one\nline two"})
    envelope.add_transaction({"type": "transaction", "transaction": "/exams/1/"})
    out = io.BytesIO()
    envelope.serialize_into(out)

    items = parse_envelope(out.getvalue())

    assert [header["type"] for header, _ in items] == ["event", "transaction"]
    assert json.loads(items[0][1])["message"] == "line one\nline two"
    assert json.loads(items[1][1])["transaction"] == "/exams/1/"


def test_parse_envelope_without_lengths() -> None:
    # Sentry's envelope format allows items without `length`: the payload ends at the newline.
    body = b'{}\n{"type":"event"}\n{"message":"a"}\n{"type":"client_report"}\n{}\n'
    assert [(h["type"], p) for h, p in parse_envelope(body)] == [
        ("event", b'{"message":"a"}'),
        ("client_report", b"{}"),
    ]


def test_only_bugsinks_transaction_limit_is_dropped() -> None:
    # On a 200 Bugsink announces it keeps no transactions; the 429's key-wide limit stays.
    assert _strip_transaction_limit("86400:transaction;span:organization") == ""
    assert _strip_transaction_limit("60::key, 86400:transaction;span:organization") == "60::key"
