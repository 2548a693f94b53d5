"""What leaves when scrubbing fails: the skeletons, field by field, and the one log line.

The events are written as sentry-sdk sends them (the event payload of Sentry's developer
documentation: `exception.values[]` with `type`, `value`, `module`, `mechanism` and
`stacktrace.frames[]`; `contexts.trace`; a transaction's `spans[]`). A skeleton keeps what
is code (types, modules, functions, line numbers, ids, ops) so Sentry still groups the
event and shows where it broke, and nothing that is data (messages, values, variables,
tags, user, request). `korrigo.scrubbing: failed` is the tag on-call searches for.
"""

from __future__ import annotations

import logging
from typing import Any

import pytest

from korrigo_sentry import privacy
from korrigo_sentry.privacy import event as event_module
from korrigo_sentry.privacy import guard

SECRET = "eleve.durand@lycee.example.fr"
TRACE = "771a43a4192642f0b136d5159a501700"
SPAN = "b0e6f15b45c36b12"
FAILED = {"korrigo.scrubbing": "failed"}


def _deeper() -> None:
    raise ValueError(f"a rule met {SECRET}")


def _broken_rule(*args: Any, **kwargs: Any) -> None:
    _deeper()


def _frame(function: str, lineno: int) -> dict[str, Any]:
    return {
        "module": "grading.views", "function": function, "lineno": lineno, "in_app": True,
        "filename": "grading/views.py", "abs_path": "/srv/korrigo/grading/views.py",
        "context_line": f"    send_mail({SECRET!r})", "vars": {"email": SECRET},
    }  # fmt: skip


def _error_event() -> dict[str, Any]:
    return {
        "event_id": "9ec79c33ec9942ab8353589fcb2e04dc", "timestamp": 1765011600.25,
        "level": "error", "platform": "python", "environment": "production",
        "release": "korrigo@0123abc", "dist": "7", "logger": "grading",
        "server_name": "web-1",
        "exception": {"values": [
            {"type": "SMTPRecipientsRefused", "value": f"refused {SECRET}",
             "module": "smtplib",
             "mechanism": {"type": "django", "handled": False, "data": {"to": SECRET}},
             "stacktrace": {"frames": [_frame("grade", 41), _frame("send", 7)]}},
            {"type": "KeyError", "value": repr(SECRET), "stacktrace": None},
        ]},
        "contexts": {"trace": {"trace_id": TRACE, "span_id": SPAN, "op": "http.server",
                               "status": "internal_error", "data": {"email": SECRET}}},
        "tags": {"student": SECRET}, "extra": {"email": SECRET},
        "user": {"email": SECRET}, "request": {"url": f"https://korrigo.example/?e={SECRET}"},
        "message": f"failed for {SECRET}",
    }  # fmt: skip


def _code_frame(function: str, lineno: int) -> dict[str, Any]:
    return {"module": "grading.views", "function": function, "lineno": lineno,
            "in_app": True, "filename": "grading/views.py"}  # fmt: skip


def test_an_error_s_skeleton_keeps_its_code_and_ids_never_its_data(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(event_module, "_user", _broken_rule)
    out = privacy.before_send(_error_event(), {})
    assert out == {
        "event_id": "9ec79c33ec9942ab8353589fcb2e04dc", "timestamp": 1765011600.25,
        "level": "error", "platform": "python", "environment": "production",
        "release": "korrigo@0123abc", "dist": "7", "logger": "grading",
        "server_name": "web-1",
        "exception": {"values": [
            {"type": "SMTPRecipientsRefused", "module": "smtplib",
             "mechanism": {"type": "django", "handled": False},
             "stacktrace": {"frames": [_code_frame("grade", 41), _code_frame("send", 7)]}},
            {"type": "KeyError"},
        ]},
        "contexts": {"trace": {"trace_id": TRACE, "span_id": SPAN, "op": "http.server",
                               "status": "internal_error"}},
        "tags": FAILED,
    }  # fmt: skip
    assert guard.FAILURES == {"before_send": 1}


def test_a_handled_exception_stays_handled() -> None:
    event = {
        "exception": {
            "values": [{"type": "LookupError", "mechanism": {"type": "generic", "handled": True}}]
        }
    }
    assert guard.event_skeleton(event)["exception"] == {
        "values": [{"type": "LookupError", "mechanism": {"type": "generic", "handled": True}}]
    }


def test_an_event_whose_parts_are_not_what_the_protocol_says_still_leaves() -> None:
    event = {"level": "warning", "exception": {"values": None}, "contexts": None}
    assert guard.event_skeleton(event) == {"level": "warning", "tags": FAILED}
    event = {
        "level": "warning",
        "exception": {
            "values": [
                {"type": "E", "stacktrace": {"frames": {"0": "not a list"}}},
                "not an exception",
            ]
        },
    }
    assert guard.event_skeleton(event) == {
        "level": "warning", "exception": {"values": [{"type": "E"}, {}]}, "tags": FAILED,
    }  # fmt: skip


def test_anything_that_is_not_an_event_becomes_a_tagged_error() -> None:
    assert guard.event_skeleton(None) == {"level": "error", "tags": FAILED}
    assert guard.event_skeleton(["not", "an", "event"]) == {"level": "error", "tags": FAILED}


def test_a_transaction_s_skeleton_is_named_by_its_op_and_keeps_its_spans(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(event_module, "_user", _broken_rule)
    transaction = {
        "type": "transaction", "transaction": f"/students/{SECRET}/",
        "transaction_info": {"source": "url"}, "start_timestamp": 1765011600.0,
        "timestamp": 1765011600.5,
        "contexts": {"trace": {"trace_id": TRACE, "span_id": SPAN, "op": "http.server"}},
        "spans": [{"span_id": "a1b2c3d4e5f60718", "parent_span_id": SPAN, "trace_id": TRACE,
                   "op": "db", "description": f"SELECT 1 WHERE email = '{SECRET}'",
                   "status": "ok", "start_timestamp": 1765011600.1,
                   "timestamp": 1765011600.2, "same_process_as_parent": True,
                   "origin": "auto.db.django", "data": {"db.params": [SECRET]}}],
    }  # fmt: skip
    out = privacy.before_send_transaction(transaction, {})
    assert out == {
        "type": "transaction", "start_timestamp": 1765011600.0, "timestamp": 1765011600.5,
        "contexts": {"trace": {"trace_id": TRACE, "span_id": SPAN, "op": "http.server"}},
        "transaction": "<http.server: korrigo.scrubbing failed>",
        "transaction_info": {"source": "custom"},  # the name is no longer the URL's
        "spans": [{"span_id": "a1b2c3d4e5f60718", "parent_span_id": SPAN, "trace_id": TRACE,
                   "op": "db", "status": "ok", "start_timestamp": 1765011600.1,
                   "timestamp": 1765011600.2, "same_process_as_parent": True,
                   "origin": "auto.db.django"}],
        "tags": FAILED,
    }  # fmt: skip


def test_a_transaction_without_a_trace_context_is_named_transaction() -> None:
    out = guard.event_skeleton({"type": "transaction", "transaction": SECRET})
    assert out == {
        "type": "transaction", "transaction": "<transaction: korrigo.scrubbing failed>",
        "transaction_info": {"source": "custom"}, "spans": [], "tags": FAILED,
    }  # fmt: skip
    assert (
        guard.event_skeleton({"type": "transaction", "contexts": {"trace": {}}})["transaction"]
        == "<transaction: korrigo.scrubbing failed>"
    )


def test_a_breadcrumb_s_skeleton_keeps_its_kind_and_time() -> None:
    crumb = {"type": "http", "category": "httplib", "level": "warning",
             "timestamp": 1765011600.75, "message": f"GET /?e={SECRET}",
             "data": {"url": SECRET}}  # fmt: skip
    assert guard.breadcrumb_skeleton(crumb) == {
        "type": "http", "category": "httplib", "level": "warning",
        "timestamp": 1765011600.75, "message": "[korrigo.scrubbing failed]",
    }  # fmt: skip


def test_the_failure_is_logged_once_with_its_type_and_innermost_line(
    monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    monkeypatch.setattr(event_module, "_user", _broken_rule)
    line = _deeper.__code__.co_firstlineno + 1  # the `raise` of _deeper
    with caplog.at_level(logging.ERROR, logger="korrigo_sentry.privacy"):
        privacy.before_send(_error_event(), {})
        privacy.before_send(_error_event(), {})
    assert [(r.name, r.getMessage()) for r in caplog.records] == [(
        "korrigo_sentry.privacy",
        "korrigo_sentry: scrubbing failed in before_send (ValueError at "
        f"test_unit_skeletons.py:{line} in _deeper); events keep leaving as skeletons "
        "tagged korrigo.scrubbing=failed. Further failures of this hook are not logged.",
    )]  # fmt: skip
    assert guard.FAILURES == {"before_send": 2}


def test_an_error_never_raised_is_logged_without_a_line(caplog: pytest.LogCaptureFixture) -> None:
    with caplog.at_level(logging.ERROR, logger="korrigo_sentry.privacy"):
        guard.report("envelope header", KeyError("trace"))
    assert [r.getMessage() for r in caplog.records] == [
        "korrigo_sentry: scrubbing failed in envelope header (KeyError at ?); events keep "
        "leaving as skeletons tagged korrigo.scrubbing=failed. Further failures of this "
        "hook are not logged."
    ]
