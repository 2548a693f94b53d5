"""The doctor's ingest line against a loopback ingest: over quota is a warning (the key is
good), a refusal quoting the DSN never shows its key, and the probe says which SDK asks.

From outside: Sentry answers 429 with `X-Sentry-Rate-Limits` when a project is over quota
(Sentry's SDK documentation, "Rate Limiting"); Bugsink's 403 quotes the DSN it refused
(bugsink `ingest/views.py`, read 2026-12-06); an SDK names itself in `X-Sentry-Auth` as
`sentry_client=sentry.python/<version>` (Sentry's SDK documentation, "Authentication").
"""

from __future__ import annotations

from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler

import pytest
import sentry_sdk

from korrigo_sentry.oncall import doctor
from tests import loopback

KEY = "a1b2c3d4e5f60718293a4b5c6d7e8f90"


@pytest.fixture
def ingest(monkeypatch: pytest.MonkeyPatch) -> Iterator[dict]:
    """`answer`: (status, headers, body) the next POST gets; `auth`: the headers it sent."""
    for name in ("https_proxy", "HTTPS_PROXY", "http_proxy", "HTTP_PROXY", "all_proxy"):
        monkeypatch.delenv(name, raising=False)
    state: dict = {"answer": (200, {}, b""), "auth": []}

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            self.rfile.read(int(self.headers["Content-Length"]))
            state["auth"].append(self.headers["X-Sentry-Auth"])
            status, headers, body = state["answer"]
            self.send_response(status)
            for name, value in headers.items():
                self.send_header(name, value)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args: object) -> None:
            pass

    with loopback.serve(Handler) as port:
        state["dsn"] = f"http://{KEY}@127.0.0.1:{port}/7"
        yield state


def test_an_accepted_key_names_the_sdk_that_asked(ingest: dict) -> None:
    result = doctor._check_ingest(ingest["dsn"], network=True)
    assert (result.name, result.status) == ("ingest", "ok")
    assert f"sentry_client=sentry.python/{sentry_sdk.VERSION}" in ingest["auth"][0]


def test_over_quota_is_a_warning_the_key_being_good(ingest: dict) -> None:
    ingest["answer"] = (429, {"X-Sentry-Rate-Limits": "60:error:organization:usage_exceeded"}, b"")
    result = doctor._check_ingest(ingest["dsn"], network=True)
    assert (result.name, result.status) == ("ingest", "warn")
    assert result.detail.startswith(
        "key accepted, but Sentry is not taking events from this project now (HTTP 429): "
    )


def test_a_refusal_quoting_the_dsn_does_not_show_its_key(ingest: dict) -> None:
    # Not hex (a pasted value, a self-hosted ingest's key): only the DSN's own key list masks it.
    mistyped = "qwertyuiopqwertyuiopqwertyuiopqw"
    dsn = ingest["dsn"].replace(KEY, mistyped)
    ingest["answer"] = (403, {}, f"Project not found or key incorrect (key {mistyped})".encode())
    result = doctor._check_ingest(dsn, network=True)
    assert (result.name, result.status) == ("ingest", "fail")
    assert mistyped not in result.detail
    assert result.detail.endswith(" (send-test says more)")
