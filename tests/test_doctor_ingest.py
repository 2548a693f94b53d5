"""The doctor's ingest line against a loopback ingest: over quota is a warning (the key is
good), a refusal quoting the DSN never shows its key, and the probe says which SDK asks.

From outside: Sentry answers 429 with `X-Sentry-Rate-Limits` when a project is over quota
(Sentry's SDK documentation, "Rate Limiting"); Bugsink's 403 quotes the DSN it refused
(bugsink `ingest/views.py`, read 2026-12-06); an SDK names itself in `X-Sentry-Auth` as
`sentry_client=sentry.python/<version>` (Sentry's SDK documentation, "Authentication").
"""

from __future__ import annotations

import pytest
import sentry_sdk
from pytest_httpserver import HTTPServer
from werkzeug import Request, Response

from korrigo_sentry.oncall import doctor
from tests import loopback

KEY = "a1b2c3d4e5f60718293a4b5c6d7e8f90"


@pytest.fixture
def ingest(monkeypatch: pytest.MonkeyPatch, httpserver: HTTPServer) -> dict:
    """`answer`: (status, headers, body) the next POST gets; `auth`: the headers it sent."""
    for name in ("https_proxy", "HTTPS_PROXY", "http_proxy", "HTTP_PROXY", "all_proxy"):
        monkeypatch.delenv(name, raising=False)
    state: dict = {"answer": (200, {}, b""), "auth": []}

    def answer(request: Request) -> Response:
        state["auth"].append(request.headers["X-Sentry-Auth"])
        status, headers, body = state["answer"]
        return Response(body, status, headers)

    httpserver.expect_request("/api/7/envelope/", method="POST").respond_with_handler(answer)
    state["dsn"] = loopback.dsn(httpserver, KEY, "7")
    return state


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
