"""No event lost to the scrubber, none sent unscrubbed (issue 21.1, issue 25.2).

sentry-sdk drops an event whose hook raises (`callback_error`). The pipeline must send
what it can vouch for instead: the event's skeleton, tagged, the failure logged once.
Expected values are written from the SDK's documented event shape, not read from
`guard.py`.
"""

from __future__ import annotations

import logging
from typing import Any

import pytest
import sentry_sdk
from django.test import override_settings
from django.utils.safestring import SafeString, mark_safe

import demo
from korrigo_sentry.privacy import event as event_module
from korrigo_sentry.privacy import guard
from korrigo_sentry.testing import sentry_capture

SECRET = "eleve.dupont@lycee.example.fr"
F = "[Filtered]"


def _broken_rule(*args: Any, **kwargs: Any) -> None:
    raise ValueError("a rule met a value it did not expect")


def _grade(student_email: str) -> None:
    note = f"no copy for {student_email}"
    raise LookupError(note)


def test_a_template_render_span_with_safestrings_is_sent() -> None:
    # The Django integration's render() puts `sentry_trace_meta` (a SafeString) in the
    # template span's data: before the fix, str() of it returned itself, the walk recursed
    # until RecursionError and the SDK dropped the transaction.
    demo.setup()
    templates = [{
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "OPTIONS": {"loaders": [("django.template.loaders.locmem.Loader",
                                 {"sheet.html": "{{ sentry_trace_meta }} {{ name }}"})]},
    }]  # fmt: skip
    import django.shortcuts

    with override_settings(TEMPLATES=templates), sentry_capture() as sent:
        with sentry_sdk.start_transaction(name="/exams/7/sheet/", op="http.server"):
            django.shortcuts.render(None, "sheet.html", {"name": mark_safe(SECRET)})
        transactions = sent.transactions
    assert len(transactions) == 1
    (span,) = [s for s in transactions[0]["spans"] if s["op"] == "template.render"]
    assert span["description"] == "sheet.html"
    assert span["data"]["context"]["name"] == F
    assert SECRET.encode() not in sent.wire
    assert guard.FAILURES == {}


def test_str_and_bytes_subclasses_are_read_as_text() -> None:
    class Tricky(str):
        def __str__(self) -> str:
            return self  # what SafeString does

    class Raw(bytes):
        def __bytes__(self) -> bytes:
            return self

    node = {"a": Tricky(SECRET), SafeString("student"): "Dupont", "b": Raw(SECRET.encode())}
    assert event_module.scrub_node(node, "extra", True) == {"a": F, "student": F, "b": F}


def test_a_cycle_ends_the_walk() -> None:
    # The walk writes in place and stops MAX_DEPTH levels down: it returns (the cycle
    # itself survives in place; breadcrumbs are copied by the SDK's serializer first).
    data: dict[str, Any] = {"step": "upload", "email": SECRET}
    data["self"] = data
    out = event_module.scrub_node(data, "data", True)
    assert out["email"] == F
    assert out["step"] == "upload"


def test_breadcrumb_data_is_copied_not_scrubbed_in_the_application() -> None:
    data: dict[str, Any] = {"step": "upload", "email": SECRET}
    data["self"] = data
    crumb = event_module.scrub_breadcrumb({"category": "upload", "data": data})
    assert crumb["data"] == {"step": "upload", "email": F, "self": "<cyclic>"}
    assert data["email"] == SECRET  # Korrigo's own dict is left as it was


def test_a_failing_rule_sends_the_skeleton_never_the_event(
    monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    # A version that catches the error and returns the raw event sends SECRET (issue 25.2);
    # the SDK's own behaviour (no guard) sends nothing at all. Both fail here.
    monkeypatch.setattr(event_module, "_user", _broken_rule)
    with sentry_capture() as sent:
        sentry_sdk.set_tag("student", SECRET)
        for _ in range(2):
            try:
                _grade(SECRET)
            except LookupError as error:
                sentry_sdk.capture_exception(error)
        events = sent.events
    assert len(events) == 2
    assert SECRET.encode() not in sent.wire
    exception = events[0]["exception"]["values"][0]
    assert exception["type"] == "LookupError"
    assert "value" not in exception
    frames = exception["stacktrace"]["frames"]
    assert [f["function"] for f in frames][-1] == "_grade"
    assert len(frames) == 2
    assert frames[-1]["module"] == "tests.privacy.test_unit_guard"
    assert isinstance(frames[-1]["lineno"], int)
    assert not any("vars" in f or "context_line" in f for f in frames)
    assert events[0]["tags"] == {"korrigo.scrubbing": "failed"}
    # Logged once for two failures, naming the hook and the error type, not the value.
    logged = [r for r in caplog.records if r.name == "korrigo_sentry.privacy"]
    assert len(logged) == 1
    assert "before_send" in logged[0].getMessage()
    assert "ValueError" in logged[0].getMessage()
    assert "did not expect" not in logged[0].getMessage()
    assert guard.FAILURES == {"before_send": 2}


def test_a_failing_rule_keeps_a_transaction_and_its_spans(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(event_module, "_user", _broken_rule)
    with sentry_capture() as sent:
        with (
            sentry_sdk.start_transaction(name=f"/students/{SECRET}/", op="http.server"),
            sentry_sdk.start_span(op="db", name=f"SELECT 1 WHERE email = '{SECRET}'"),
        ):
            pass
        transactions = sent.transactions
    assert len(transactions) == 1
    assert SECRET.encode() not in sent.wire
    txn = transactions[0]
    assert txn["tags"] == {"korrigo.scrubbing": "failed"}
    assert txn["contexts"]["trace"]["op"] == "http.server"
    assert [(s["op"], "description" in s) for s in txn["spans"]] == [("db", False)]


def test_a_failing_breadcrumb_rule_keeps_the_crumb_without_its_text(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(event_module, "_described", _broken_rule)
    with sentry_capture() as sent:
        sentry_sdk.add_breadcrumb(category="grading", message=f"mail to {SECRET}", level="info")
        monkeypatch.undo()
        sentry_sdk.capture_message("after the crumb")
        events = sent.events
    (crumb,) = events[0]["breadcrumbs"]["values"]
    assert crumb["category"] == "grading"
    assert crumb["message"] == "[korrigo.scrubbing failed]"
    assert SECRET.encode() not in sent.wire


def test_the_failure_log_never_becomes_an_event(
    monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    # ERROR records become events (settings.INTEGRATIONS): this one must not, or a failing
    # rule would feed itself.
    monkeypatch.setattr(event_module, "_user", _broken_rule)
    caplog.set_level(logging.ERROR, logger="korrigo_sentry.privacy")
    with sentry_capture() as sent:
        sentry_sdk.capture_message("one")
        events = sent.events
    assert [e.get("logentry", {}).get("message") or e.get("message") for e in events] == [None]
