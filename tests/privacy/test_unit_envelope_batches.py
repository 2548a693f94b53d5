"""The envelope pass over the items it scrubs itself: batches, sessions, check-ins, headers.

Payloads are written in the wire format the SDK sends and Relay reads: a batch of logs,
metrics or spans is `{"items": [...]}` with each attribute as `{"value": ..., "type": ...}`
(sentry-sdk's `serialize_attribute`); aggregated sessions are `{"attrs": {...},
"aggregates": [...]}` (Sentry's session-aggregates payload, where a bucket may carry a
`did`); a check-in is the crons payload (`check_in_id`, `monitor_slug`, `status`).
"""

from __future__ import annotations

import json
from typing import Any

import pytest
from sentry_sdk.envelope import Envelope, Item, PayloadRef

from korrigo_sentry.privacy import envelope as envelope_module
from korrigo_sentry.privacy import guard
from korrigo_sentry.privacy.envelope import mask_filename, scrub_envelope

SECRET = "eleve.durand@lycee.example.fr"
F = "[Filtered]"
VISA = 4111111111111111  # the Visa test number every payment provider publishes
TRACE = "771a43a4192642f0b136d5159a501700"
SPAN = "b0e6f15b45c36b12"


def _raise(*args: Any, **kwargs: Any) -> None:
    raise ValueError("a rule met a value it did not expect")


def _one(kind: str, payload: Any, **headers: Any) -> Any:
    """The payload of the one item of type `kind` left after the pass, as JSON."""
    envelope = Envelope(headers={})
    envelope.add_item(Item(payload=PayloadRef(json=payload), type=kind, headers=headers))
    (item,) = scrub_envelope(envelope).items
    return json.loads(item.get_bytes())


def _s(value: Any) -> dict[str, Any]:
    return {"value": value, "type": "string"}


def _i(value: int) -> dict[str, Any]:
    return {"value": value, "type": "integer"}


# --- logs, metrics and spans, as batches -----------------------------------------------------


@pytest.mark.parametrize("kind", ["log", "trace_metric", "span"])
def test_every_entry_of_a_batch_is_read_past_one_that_is_not_an_entry(kind: str) -> None:
    batch = {"items": [
        "not an entry",
        {"body": f"mailed {SECRET}", "level": "info", "trace_id": TRACE,
         "attributes": {"sentry.sdk.name": _s("sentry.python"), "note": _s(SECRET)}},
        {"name": f"mailed/{SECRET}", "value": 1, "type": "counter",
         "attributes": {"sentry.severity_number": _i(9), "cards": _i(VISA)}},
    ]}  # fmt: skip
    assert _one(kind, batch) == {"items": [
        "not an entry",
        {"body": f"mailed {F}", "level": "info", "trace_id": TRACE,
         "attributes": {"sentry.sdk.name": _s("sentry.python"), "note": _s(F)}},
        {"name": f"mailed/{F}", "value": 1, "type": "counter",
         "attributes": {"sentry.severity_number": _i(9), "cards": _i(F)}},
    ]}  # fmt: skip


def test_the_sdk_s_numbers_are_kept_its_text_is_read() -> None:
    # `sentry.*` numbers are the SDK's own state (a sequence, a severity); its strings can
    # quote Korrigo's values: a log's parameters are `sentry.message.parameter.*`.
    attributes = {
        "sentry.timestamp.sequence": _i(VISA),
        "sentry.message.parameter.who": _s(SECRET),
        "student": _s("Jeanne Dupont"),
    }
    (entry,) = _one("log", {"items": [{"body": "x", "attributes": attributes}]})["items"]
    assert entry["attributes"] == {
        "sentry.timestamp.sequence": _i(VISA),
        "sentry.message.parameter.who": _s(F),
        "student": _s(F),
    }


def test_a_segment_s_span_id_links_its_spans_and_the_next_attribute_is_still_read() -> None:
    # A 16-digit hexadecimal string reads as a token anywhere else: here it is the id
    # that groups a segment's streamed spans, and must reach Sentry as it is.
    attributes = {"sentry.segment.id": _s(SPAN), "password": _s("hunter2"), "n": _i(2),
                  "ref": _s("9f86d081884c7d659a2feaa0c55ad015")}  # fmt: skip
    (entry,) = _one("span", {"items": [{"name": "GET /exams/", "attributes": attributes}]})["items"]
    assert entry["attributes"] == {
        "sentry.segment.id": _s(SPAN),
        "password": {"value": F, "type": "string"},
        "n": _i(2),
        "ref": _s(F),  # a 32-digit hex value elsewhere than under an id key: a token
    }


def test_a_batch_without_items_is_sent_as_it_is() -> None:
    assert _one("log", {"version": 2}) == {"version": 2}


# --- sessions --------------------------------------------------------------------------------


def test_aggregated_sessions_keep_counts_and_numeric_ids_only() -> None:
    sessions = {
        "attrs": {"release": "korrigo@0123abc", "environment": "production",
                  "ip_address": "203.0.113.7", "user_agent": "Mozilla/5.0 (X11)"},
        "aggregates": [
            {"started": "2026-12-06T09:00:00Z", "did": SECRET, "exited": 3},
            {"started": "2026-12-06T09:00:00Z", "did": "42", "exited": 1},
            {"started": "2026-12-06T09:00:00Z", "did": 43, "errored": 1},
            {"started": "2026-12-06T09:01:00Z", "exited": 5},
            "not a bucket",
        ],
    }  # fmt: skip
    assert _one("sessions", sessions) == {
        "attrs": {"release": "korrigo@0123abc", "environment": "production"},
        "aggregates": [
            {"started": "2026-12-06T09:00:00Z", "exited": 3},
            {"started": "2026-12-06T09:00:00Z", "did": "42", "exited": 1},
            {"started": "2026-12-06T09:00:00Z", "did": 43, "errored": 1},
            {"started": "2026-12-06T09:01:00Z", "exited": 5},
            "not a bucket",
        ],
    }  # fmt: skip


def test_aggregated_sessions_without_attributes_or_buckets() -> None:
    assert _one("sessions", {"aggregates": None}) == {"attrs": {}, "aggregates": None}


def test_an_item_carried_as_bytes_is_scrubbed_the_same() -> None:
    # An envelope parsed back from the wire (a proxy, send-test's recording) holds bytes.
    envelope = Envelope(headers={})
    raw = json.dumps({"did": SECRET, "status": "ok", "attrs": {"ip_address": "203.0.113.7"}})
    envelope.add_item(Item(payload=PayloadRef(bytes=raw.encode()), type="session"))
    (item,) = scrub_envelope(envelope).items
    assert json.loads(item.get_bytes()) == {"status": "ok", "attrs": {}}


# --- check-ins -------------------------------------------------------------------------------


def test_a_check_in_is_walked_as_user_data_its_ids_kept() -> None:
    check_in = {
        "check_in_id": TRACE, "monitor_slug": "nightly-grades", "status": "error",
        "environment": "production", "duration": 12.5,
        "contexts": {"trace": {"trace_id": TRACE, "span_id": SPAN}},
        # another sender's check-in may carry anything: a denied key is filtered whatever
        # its value, a detected value wherever it is
        "password": "hunter2", "note": f"mailed {SECRET}",
    }  # fmt: skip
    assert _one("check_in", check_in) == {
        "check_in_id": TRACE, "monitor_slug": "nightly-grades", "status": "error",
        "environment": "production", "duration": 12.5,
        "contexts": {"trace": {"trace_id": TRACE, "span_id": SPAN}},
        "password": F, "note": f"mailed {F}",
    }  # fmt: skip


# --- when the pass itself fails --------------------------------------------------------------


def test_a_trace_header_that_cannot_be_read_keeps_its_ids_only(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(envelope_module, "scrub_text", _raise)
    envelope = Envelope(headers={"trace": {
        "trace_id": TRACE, "public_key": "0123456789abcdef0123456789abcdef",
        "release": "korrigo@0123abc", "transaction": f"send_report {SECRET}",
    }})  # fmt: skip
    scrub_envelope(envelope)
    assert envelope.headers["trace"] == {
        "trace_id": TRACE, "public_key": "0123456789abcdef0123456789abcdef",
    }  # fmt: skip
    assert guard.FAILURES == {"envelope header": 1}


def test_events_and_transactions_survive_a_failing_pass_other_items_do_not(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # Events and transactions were scrubbed by their hook (`before_send`...): the pass
    # failing on them must not lose them. A log batch was scrubbed by its hook too, but
    # the pass is where its batch is read: unread, it is dropped, like an attachment.
    monkeypatch.setattr(envelope_module, "_headers", _raise)
    envelope = Envelope(headers={})
    for kind in ("event", "transaction", "log", "attachment", "session"):
        envelope.add_item(Item(payload=PayloadRef(json={"k": kind}), type=kind))
    assert [item.type for item in scrub_envelope(envelope).items] == ["event", "transaction"]
    assert guard.FAILURES == {
        "envelope event": 1, "envelope transaction": 1, "envelope log": 1,
        "envelope attachment": 1, "envelope session": 1,
    }  # fmt: skip


def test_an_item_without_a_type_is_dropped() -> None:
    envelope = Envelope(headers={})
    envelope.add_item(Item(payload=PayloadRef(json={"note": SECRET})))
    assert scrub_envelope(envelope).items == []


# --- file names ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("copie_dupont_marie.pdf", f"{F}.pdf"),
        ("C:\\Users\\marie.dupont\\copie", F),  # a Windows path: only the last part counts
        ("C:\\Users\\marie\\.bashrc", F),  # a Windows hidden file
        ("scans/marie.dupont/copie", F),
        ("home/eleve/.bashrc", F),  # a hidden file: its name is all there is
        ("copie.dupont.pdf", f"{F}.pdf"),  # the last dot starts the extension
        ("SCAN.PDF", f"{F}.PDF"),
        ("notes.dupont_marie_1reB", F),  # too long, or not letters and digits: no extension
        ("Dupont Marie", F),
    ],
)
def test_an_uploaded_file_keeps_its_kind_not_its_name(name: str, expected: str) -> None:
    assert mask_filename(name) == expected
