"""`korrigo_sentry.oncall.delivery` against servers on loopback: the key probe as Relay reads
it, the proxy and the CA bundle as sentry-sdk chooses them, and the outcomes `make mutate`
found untested (issue 24).

From outside: Relay answers a key that is not 32 characters with 400 (tests/relay_standin.py,
from relay-server's `request_meta.rs`); a client report is `{"timestamp": ...,
"discarded_events": [...]}` (Relay's `ClientReport`); sentry-sdk sends an https DSN through
`http_proxy` when `https_proxy` is unset, and trusts `REQUESTS_CA_BUNDLE` (its
`_get_pool_options`), which OpenSSL itself never reads.
"""

from __future__ import annotations

import calendar
import json
import socket
import ssl
import time
import urllib.error
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler
from pathlib import Path

import pytest
from pytest_httpserver import HTTPServer

from korrigo_sentry.oncall import delivery
from korrigo_sentry.oncall.delivery import Target, classify_error, classify_response
from tests import loopback
from tests.relay_standin import standin
from tests.test_send_test import make_certificate

CLIENT = "sentry.python/2.0.0"
KEY = "a1b2c3d4e5f60718293a4b5c6d7e8f90"
NETWORK_ENV = ("SSL_CERT_FILE", "REQUESTS_CA_BUNDLE", "https_proxy", "HTTPS_PROXY", "http_proxy",
               "HTTP_PROXY", "no_proxy", "NO_PROXY", "all_proxy", "ALL_PROXY")  # fmt: skip


@pytest.fixture
def bare_env(monkeypatch: pytest.MonkeyPatch) -> pytest.MonkeyPatch:
    """No proxy and no CA bundle from the machine running the tests."""
    for name in NETWORK_ENV:
        monkeypatch.delenv(name, raising=False)
    return monkeypatch


def test_a_key_that_is_not_a_key_is_a_malformed_dsn(
    bare_env: pytest.MonkeyPatch, httpserver: HTTPServer
) -> None:
    ingest = standin(httpserver)
    where = delivery.target(ingest.dsn(key="a" * 31), CLIENT)  # a character lost
    outcome = delivery.check_key(where, timeout=5)

    assert (outcome.kind.name, outcome.status) == ("bad_request", 400)
    assert outcome.sentence == (
        "Sentry refused the DSN as malformed (HTTP 400): its key is not a project key (a "
        "character lost or changed in a copy); copy the DSN again from the project's Client "
        "Keys (DSN) settings."
    )


def test_a_key_relay_knows_is_accepted(
    bare_env: pytest.MonkeyPatch, httpserver: HTTPServer
) -> None:
    ingest = standin(httpserver)
    outcome = delivery.check_key(delivery.target(ingest.dsn(), CLIENT), timeout=5)
    received = ingest.received

    assert (outcome.kind.name, outcome.status) == ("accepted", 200)
    assert received == [["client_report"]]  # one item: Relay checks the key, stores nothing


@pytest.fixture
def tokyo(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """A machine whose local time is not UTC (UTC+9): a naive local time would show."""
    monkeypatch.setenv("TZ", "Asia/Tokyo")
    time.tzset()
    yield
    monkeypatch.undo()
    time.tzset()


def test_the_key_probe_is_one_empty_client_report_sent_now(tokyo: None) -> None:
    before = time.time()
    header, item_header, payload = delivery.key_probe().split(b"\n")[:3]
    after = time.time()

    sent_at = json.loads(header)["sent_at"]
    assert sent_at.endswith("Z")  # UTC, as Relay reads `sent_at`
    moment = calendar.timegm(time.strptime(sent_at[:19], "%Y-%m-%dT%H:%M:%S"))
    assert before - 1 <= moment <= after + 1
    assert json.loads(item_header)["type"] == "client_report"
    report = json.loads(payload)
    assert set(report) == {"timestamp", "discarded_events"}
    assert report["discarded_events"] == []  # nothing to count: no outcome, no quota
    assert before <= report["timestamp"] <= after


# --- the proxy and the CA bundle, as sentry-sdk chooses them ------------------------------


def test_an_https_dsn_goes_through_http_proxy_when_https_proxy_is_unset(
    bare_env: pytest.MonkeyPatch,
) -> None:
    seen: list[str] = []

    class Proxy(BaseHTTPRequestHandler):  # by hand: a proxy's CONNECT, which werkzeug cannot take
        def do_CONNECT(self) -> None:
            seen.append(self.requestline)
            self.send_response(403)
            self.end_headers()

        def log_message(self, *args: object) -> None:
            pass

    with socket.socket() as closed:  # where the ingest would be: nothing listens
        closed.bind(("127.0.0.1", 0))
        port = closed.getsockname()[1]
    with loopback.serve(Proxy) as proxy_port:
        bare_env.setenv("http_proxy", f"http://127.0.0.1:{proxy_port}")
        where = delivery.target(f"https://{KEY}@127.0.0.1:{port}/1", CLIENT)
        outcome = delivery.check_key(where, timeout=5)

    assert seen == [f"CONNECT 127.0.0.1:{port} HTTP/1.0"]
    assert outcome.kind.name == "proxy"
    assert outcome.sentence.startswith(f"The proxy http://127.0.0.1:{proxy_port} did not let")


def test_a_ca_named_by_requests_ca_bundle_is_trusted(
    bare_env: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    cert, key = make_certificate(tmp_path, "IP:127.0.0.1")
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(cert, key)

    bare_env.setenv("REQUESTS_CA_BUNDLE", str(cert))  # read by sentry-sdk, not by OpenSSL
    with loopback.server(ssl_context=context) as ingest:
        ingest.expect_request("/api/1/envelope/", method="POST").respond_with_data(b"")
        where = delivery.target(f"https://{KEY}@127.0.0.1:{ingest.port}/1", CLIENT)
        outcome = delivery.check_key(where, timeout=5)

    assert (outcome.kind.name, outcome.status) == ("accepted", 200)


# --- sentences ------------------------------------------------------------------------------

LONG = Target("https://x/api/1/envelope/", "a", "h" * 81, 443, "https", None, "")


def test_a_host_longer_than_80_characters_is_cut_and_one_of_80_is_kept() -> None:
    refused = urllib.error.URLError(ConnectionRefusedError(111, "Connection refused"))
    assert classify_error(refused, LONG, 5).sentence == (
        f"The connection to {'h' * 80}...:443 was refused: nothing listens there, or a "
        "firewall rejects it."
    )
    exactly = Target(**{**LONG.__dict__, "host": "h" * 80})
    assert classify_error(refused, exactly, 5).sentence.startswith(
        f"The connection to {'h' * 80}:443 was refused"
    )


@pytest.mark.parametrize(
    ("status", "sentence"),
    [
        (400, "Sentry refused the request as malformed (HTTP 400): most often a DSN whose key "
         "is not a key (cut or mistyped)."),
        (401, "Sentry could not read the request's authentication (HTTP 401): the DSN Korrigo "
         "holds is not the one Sentry shows (cut or mistyped)."),
    ],
)  # fmt: skip
def test_an_empty_answer_adds_no_detail(status: int, sentence: str) -> None:
    assert classify_response(status, None, LONG, "").sentence == sentence  # type: ignore[arg-type]


def test_no_rate_limit_header_is_no_limit() -> None:
    assert delivery.parse_rate_limits(None) == []
    assert delivery.parse_rate_limits("") == []


def test_a_certificate_error_ending_with_a_period_is_quoted_without_it() -> None:
    error = ssl.SSLCertVerificationError(1, "unable to get local issuer certificate.")
    error.verify_message, error.verify_code = "", 20
    outcome = classify_error(urllib.error.URLError(error), LONG, 5)
    assert "(unable to get local issuer certificate): an intercepting" in outcome.sentence
