"""`python -m korrigo_sentry send-test` against a Sentry stand-in on 127.0.0.1.

The command uses sentry-sdk's real HTTP transport; the receiver below decodes what
arrives (compressed envelopes) and answers with a chosen HTTP status.
"""

from __future__ import annotations

import gzip
import json
import socket
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest
from sentry_sdk.envelope import Envelope

from korrigo_sentry.cli import main
from korrigo_sentry.commands.send_test import TEST_EXCEPTION, TEST_MESSAGE, TEST_TAG, SendTestError
from korrigo_sentry.settings import ENV_VARS

Capture = pytest.CaptureFixture[str]
KEY = "loopbackPublicKey"
PROJECT = "1"


@dataclass
class Received:
    path: str
    headers: dict[str, str]
    envelope: Envelope


@dataclass
class Receiver:
    """A minimal Sentry ingest endpoint: keeps each envelope, answers `status`."""

    status: int = 200
    body: bytes = b'{"id": "ok"}'
    received: list[Received] = field(default_factory=list)
    port: int = 0

    @property
    def dsn(self) -> str:
        return f"http://{KEY}@127.0.0.1:{self.port}/{PROJECT}"

    def events(self) -> list[dict[str, Any]]:
        return [
            item.payload.json
            for request in self.received
            for item in request.envelope.items
            if item.type == "event"
        ]


def decode(body: bytes, encoding: str | None) -> bytes:
    """Undo the transport's compression (gzip by default; brotli when it is installed)."""
    if encoding == "gzip":
        return gzip.decompress(body)
    if encoding == "br":
        brotli = pytest.importorskip("brotli", reason="the SDK sent brotli")
        return brotli.decompress(body)
    assert encoding in (None, "identity"), encoding
    return body


@pytest.fixture
def receiver() -> Iterator[Receiver]:
    state = Receiver()

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            raw = self.rfile.read(int(self.headers["Content-Length"]))
            data = decode(raw, self.headers.get("Content-Encoding"))
            state.received.append(
                Received(self.path, dict(self.headers), Envelope.deserialize(data))
            )
            self.send_response(state.status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(state.body)))
            self.end_headers()
            self.wfile.write(state.body)

        def log_message(self, *args: Any) -> None:
            """Quiet: pytest shows failures, not every request."""

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    state.port = server.server_address[1]
    thread = threading.Thread(target=server.serve_forever, args=(0.05,), daemon=True)
    thread.start()
    try:
        yield state
    finally:
        server.shutdown()
        server.server_close()
        thread.join()


@pytest.fixture(autouse=True)
def clean_environment(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """No Sentry variable or proxy from the shell, no `.env` from the repository."""
    for variable in (*ENV_VARS, "http_proxy", "HTTP_PROXY", "https_proxy", "HTTPS_PROXY"):
        monkeypatch.delenv(variable, raising=False)
    monkeypatch.chdir(tmp_path)


def send_test(
    monkeypatch: pytest.MonkeyPatch, capsys: Capture, dsn: str | None, *args: str
) -> tuple[int, str, str]:
    """Run `send-test` with `dsn` in the environment; the key must never be printed."""
    if dsn is not None:
        monkeypatch.setenv("SENTRY_DSN", dsn)
    monkeypatch.setenv("SENTRY_ENVIRONMENT", "staging")
    status = main(["send-test", "--timeout", "5", *args])
    out, err = capsys.readouterr()
    assert KEY not in out + err
    return status, out, err


def test_message_and_exception_arrive(
    monkeypatch: pytest.MonkeyPatch, capsys: Capture, receiver: Receiver
) -> None:
    status, out, _ = send_test(monkeypatch, capsys, receiver.dsn)

    assert status == 0, out
    events = receiver.events()
    messages = [e for e in events if e.get("message") == TEST_MESSAGE]
    exceptions = [e for e in events if "exception" in e]
    assert len(messages) == 1
    assert len(exceptions) == 1
    (exception,) = exceptions[0]["exception"]["values"]
    assert exception["type"] == SendTestError.__name__
    assert exception["value"] == TEST_EXCEPTION
    tag, value = TEST_TAG
    assert all(event["tags"][tag] == value for event in events)
    assert all(event["environment"] == "staging" for event in events)
    assert "✓ message delivered: HTTP 200" in out
    assert "✓ exception delivered: HTTP 200" in out


def test_key_travels_in_the_auth_header_not_in_the_url(
    monkeypatch: pytest.MonkeyPatch, capsys: Capture, receiver: Receiver
) -> None:
    send_test(monkeypatch, capsys, receiver.dsn)

    assert receiver.received
    for request in receiver.received:
        assert request.path == f"/api/{PROJECT}/envelope/"
        assert f"sentry_key={KEY}" in request.headers["X-Sentry-Auth"]
        other_headers = {k: v for k, v in request.headers.items() if k != "X-Sentry-Auth"}
        assert KEY not in json.dumps(other_headers)
        # In the body, the key only appears as the trace's `public_key` (the SDK puts it
        # there for Sentry's dynamic sampling); no event carries it.
        headers = dict(request.envelope.headers)
        trace = dict(headers.pop("trace", {}))
        assert trace.pop("public_key", KEY) == KEY
        assert KEY not in json.dumps([headers, trace])
        for item in request.envelope.items:
            assert KEY not in item.payload.get_bytes().decode()


@pytest.mark.parametrize(("status", "phrase"), [(500, "Internal Server Error"), (403, "Forbidden")])
def test_http_error_is_a_clear_failure(
    monkeypatch: pytest.MonkeyPatch, capsys: Capture, receiver: Receiver, status: int, phrase: str
) -> None:
    receiver.status = status
    # A server that echoes the key back: the command must still not print it.
    receiver.body = json.dumps({"detail": f"project rejected key {KEY}"}).encode()

    code, out, _ = send_test(monkeypatch, capsys, receiver.dsn)

    assert code == 1
    assert f"✗ message not delivered: HTTP {status} {phrase}" in out
    assert "project rejected key ***" in out
    assert "did not accept" in out


def test_rate_limited_is_a_failure(
    monkeypatch: pytest.MonkeyPatch, capsys: Capture, receiver: Receiver
) -> None:
    receiver.status = 429

    code, out, _ = send_test(monkeypatch, capsys, receiver.dsn)

    assert code == 1
    assert "HTTP 429" in out


def test_unreachable_server_is_a_clear_failure(
    monkeypatch: pytest.MonkeyPatch, capsys: Capture
) -> None:
    with socket.socket() as probe:  # a loopback port nobody listens on
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]

    code, out, _ = send_test(monkeypatch, capsys, f"http://{KEY}@127.0.0.1:{port}/{PROJECT}")

    assert code == 1
    assert "✗ message not delivered" in out
    assert "Connection" in out or "connection" in out


def test_missing_dsn_stops_before_sending(monkeypatch: pytest.MonkeyPatch, capsys: Capture) -> None:
    code, _, err = send_test(monkeypatch, capsys, None)

    assert code == 2
    assert "SENTRY_DSN is not set" in err


def test_malformed_dsn_stops_before_sending(
    monkeypatch: pytest.MonkeyPatch, capsys: Capture, receiver: Receiver
) -> None:
    code, _, err = send_test(monkeypatch, capsys, f"http://{KEY}@127.0.0.1:{receiver.port}/x")

    assert code == 2
    assert "SENTRY_DSN" in err
    assert receiver.received == []


def test_sdk_client_is_restored_afterwards(
    sentry: Any, monkeypatch: pytest.MonkeyPatch, capsys: Capture, receiver: Receiver
) -> None:
    import sentry_sdk

    before = sentry_sdk.get_client()
    status, out, _ = send_test(monkeypatch, capsys, receiver.dsn)

    assert status == 0, out
    assert sentry_sdk.get_client() is before
    assert len(receiver.events()) == 2  # the test events went to the receiver...
    assert sentry.events == []  # ...not here


def test_sdk_debug_log_does_not_print_the_key(
    monkeypatch: pytest.MonkeyPatch, capfd: Capture, receiver: Receiver
) -> None:
    # SENTRY_DEBUG=1 turns on the SDK's own log (written to the process's stderr).
    monkeypatch.setenv("SENTRY_DEBUG", "1")

    status, _, err = send_test(monkeypatch, capfd, receiver.dsn)

    assert status == 0
    assert "[sentry] DEBUG" in err  # the log was shown (and checked for the key)
    assert len(receiver.events()) == 2
