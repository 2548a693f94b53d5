"""The envelope pass: the transaction name in the trace header, and installing it once."""

from __future__ import annotations

from typing import Any

from sentry_sdk.envelope import Envelope

from korrigo_sentry.privacy.envelope import install, scrub_envelope

F = "[Filtered]"


def test_a_transaction_name_that_is_not_a_path_is_scrubbed_as_text() -> None:
    # A Celery task's transaction is named by the task, and may carry what it was given:
    # only the address goes, the task name stays readable.
    envelope = Envelope(
        headers={"trace": {"trace_id": "ab" * 16, "transaction": "send_report eleve@lycee.fr"}}
    )
    scrub_envelope(envelope)
    assert envelope.headers["trace"] == {"trace_id": "ab" * 16, "transaction": f"send_report {F}"}


class _Recorder:
    """A transport that keeps what it is given."""

    def __init__(self) -> None:
        self.got: list[Envelope] = []

    def capture_envelope(self, envelope: Envelope) -> Any:
        self.got.append(envelope)


def test_installing_twice_wraps_the_transport_once() -> None:
    transport = _Recorder()
    install(transport)
    wrapped = transport.capture_envelope
    install(transport)
    assert transport.capture_envelope is wrapped
    envelope = Envelope(headers={"trace": {"trace_id": "ab" * 16, "user_segment": "vip"}})
    transport.capture_envelope(envelope)
    (sent,) = transport.got
    assert sent.headers["trace"] == {"trace_id": "ab" * 16}


def test_no_transport_no_wrapping() -> None:
    install(None)  # Sentry off: nothing to wrap, and no error
