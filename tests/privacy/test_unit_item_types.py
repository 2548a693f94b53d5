"""Every envelope item type the installed SDK can send has a written decision (issue 21.2).

The item types are read from the installed sentry-sdk's own source (every
`Item(type="...")`, every batcher's `TYPE`, every branch of `Item.data_category`), not
from a list written here: an SDK upgrade that adds a type fails this test until the
pipeline decides what to do with it. Then each decision is checked on what the SDK
really sends, through `init_sentry()`.
"""

from __future__ import annotations

import ast
import functools
import inspect
import json
import textwrap
from pathlib import Path

import pytest
import sentry_sdk
from sentry_sdk.envelope import Envelope, Item, PayloadRef

from korrigo_sentry.privacy import envelope as envelope_module
from korrigo_sentry.privacy.envelope import ITEM_DECISIONS, scrub_envelope
from korrigo_sentry.testing import sentry_capture

SECRET = "eleve.durand@lycee.example.fr"
F = "[Filtered]"


def _constant(node: ast.AST) -> str | None:
    return node.value if isinstance(node, ast.Constant) and isinstance(node.value, str) else None


@functools.cache  # two tests read it; parsing the SDK's sources is most of their cost
def sdk_item_types() -> frozenset[str]:
    """The envelope item types named anywhere in the installed sentry_sdk package."""
    found: set[str] = set()
    for path in Path(sentry_sdk.__file__).parent.rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Call):
                func = node.func
                name = func.id if isinstance(func, ast.Name) else getattr(func, "attr", None)
                if name == "Item":
                    found.update(
                        value for kw in node.keywords if kw.arg == "type"
                        if (value := _constant(kw.value))
                    )  # fmt: skip
            elif isinstance(node, ast.Assign) and any(
                isinstance(t, ast.Name) and t.id == "TYPE" for t in node.targets
            ):
                value = _constant(node.value)
                if value:
                    found.add(value)  # the batchers' `TYPE = "log"`...
    source = inspect.getsource(Item.data_category.fget)  # type: ignore[attr-defined]
    category = ast.parse(textwrap.dedent(source))
    for node in ast.walk(category):
        if isinstance(node, ast.Compare) and isinstance(node.left, ast.Name):
            found.update(v for c in node.comparators if (v := _constant(c)))
    return frozenset(found)


def test_the_scan_reads_the_sdk() -> None:
    # Types every SDK since 1.x sends (Sentry's envelope documentation): the scan works.
    assert {"event", "transaction", "attachment", "session", "client_report"} <= sdk_item_types()


def test_every_item_type_of_the_installed_sdk_has_a_decision() -> None:
    assert sdk_item_types() - set(ITEM_DECISIONS) == set()


def test_a_type_without_a_decision_is_dropped() -> None:
    envelope = Envelope(headers={})
    envelope.add_item(Item(payload=PayloadRef(json={"note": SECRET}), type="replay_recording"))
    envelope.add_item(Item(payload=PayloadRef(json={"frames": []}), type="profile"))
    assert scrub_envelope(envelope).items == []


def test_item_headers_are_allowlisted_and_file_names_masked() -> None:
    envelope = Envelope(headers={})
    envelope.add_item(Item(payload=PayloadRef(bytes=b"ok"), type="attachment",
                           filename="copie_dupont_marie.pdf",
                           headers={"x-student": SECRET}))  # fmt: skip
    (item,) = scrub_envelope(envelope).items
    assert item.headers == {
        "type": "attachment", "filename": "[Filtered].pdf",
        "content_type": "application/octet-stream",
    }  # fmt: skip


def test_an_uploaded_file_name_is_masked_on_the_wire() -> None:
    with sentry_capture() as sent:
        sentry_sdk.get_isolation_scope().add_attachment(
            bytes=b"scan", filename="Copie de Zoe Lefevre.txt"
        )
        sentry_sdk.capture_message("upload failed")
    assert b"Zoe" not in sent.wire
    (item,) = [i for i in Envelope.deserialize(sent.payloads[0]).items if i.type == "attachment"]
    assert item.headers["filename"] == "[Filtered].txt"


def test_a_session_keeps_no_address_and_no_e_mail() -> None:
    with sentry_capture() as sent:
        scope = sentry_sdk.get_isolation_scope()
        scope.set_user({"email": SECRET, "ip_address": "203.0.113.7"})
        scope.start_session()
        scope.end_session()
        sentry_sdk.get_client().session_flusher.flush()
    sessions = sent.items("session", "sessions")
    assert sessions, "the session was not sent"
    assert SECRET.encode() not in sent.wire
    assert b"203.0.113.7" not in sent.wire
    for session in sessions:
        assert "did" not in session
        assert session["attrs"] == {"release": "korrigo@0123abc", "environment": "test"}


def test_a_numeric_user_id_stays_the_session_s_did() -> None:
    envelope = Envelope(headers={})
    envelope.add_item(Item(payload=PayloadRef(json={"did": "42", "status": "ok"}),
                           type="session"))  # fmt: skip
    (item,) = scrub_envelope(envelope).items
    assert json.loads(item.get_bytes()) == {"did": "42", "status": "ok"}


def test_metrics_attributes_and_a_card_number_value() -> None:
    with sentry_capture() as sent:
        sentry_sdk.metrics.count("copies.graded", 1, attributes={
            "student_email": SECRET, "note": f"mailed {SECRET}", "exam": 7,
        })  # fmt: skip
        sentry_sdk.metrics.gauge("payment", 4111111111111111)  # Visa test card
        sentry_sdk.get_client().flush()
    metrics = [entry for batch in sent.items("trace_metric") for entry in batch["items"]]
    by_name = {m["name"]: m for m in metrics}
    assert set(by_name) == {"copies.graded", "payment"}
    attributes = by_name["copies.graded"]["attributes"]
    assert attributes["student_email"]["value"] == F
    assert attributes["note"]["value"] == f"mailed {F}"
    assert attributes["exam"]["value"] == 7
    assert by_name["payment"]["value"] == 0
    assert SECRET.encode() not in sent.wire
    assert b"4111111111111111" not in sent.wire


def test_logs_body_and_parameters() -> None:
    with sentry_capture(enable_logs=True) as sent:
        sentry_sdk.logger.info("mailed {who} about exam {exam}", who=SECRET, exam=7)
        sentry_sdk.get_client().flush()
    logs = [entry for batch in sent.items("log") for entry in batch["items"]]
    assert [entry["body"] for entry in logs] == [f"mailed {F} about exam 7"]
    attributes = logs[0]["attributes"]
    assert attributes["sentry.message.parameter.who"]["value"] == F
    assert attributes["sentry.message.parameter.exam"]["value"] == 7
    assert attributes["sentry.message.template"]["value"] == "mailed {who} about exam {exam}"
    assert SECRET.encode() not in sent.wire


def test_a_client_report_keeps_its_counts_only() -> None:
    envelope = Envelope(headers={})
    report = {"timestamp": 1.0, "discarded_events": [
        {"reason": "sample_rate", "category": "error", "quantity": 2, "note": SECRET}],
        "extra": SECRET}  # fmt: skip
    envelope.add_item(Item(payload=PayloadRef(json=report), type="client_report"))
    (item,) = scrub_envelope(envelope).items
    assert json.loads(item.get_bytes()) == {
        "timestamp": 1.0,
        "discarded_events": [{"reason": "sample_rate", "category": "error", "quantity": 2}],
    }


def test_an_item_whose_scrub_fails_is_dropped_not_sent(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(envelope_module._SCRUB, "check_in", lambda item: 1 / 0)
    envelope = Envelope(headers={})
    envelope.add_item(Item(payload=PayloadRef(json={"monitor_slug": SECRET}), type="check_in"))
    assert scrub_envelope(envelope).items == []
