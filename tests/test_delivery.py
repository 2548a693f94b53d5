"""`korrigo_sentry.oncall.delivery` one outcome at a time: the sentence each HTTP answer and
each network failure gives, the rate-limit header as Sentry writes it, what is posted.

Sentry's side: `X-Sentry-Rate-Limits` is `retry_after:categories:scope:reason_code`
(Sentry's SDK developer documentation, "Rate Limiting"); envelopes are POSTed with
`Content-Type: application/x-sentry-envelope` and the `X-Sentry-Auth` header (same
documentation, "Envelopes"). Servers are on 127.0.0.1.
"""

from __future__ import annotations

import socket
import ssl
import threading
import urllib.error
from email.message import Message
from pathlib import Path

import certifi
import pytest
from inline_snapshot import snapshot
from pytest_httpserver import HTTPServer

from korrigo_sentry.oncall import delivery
from korrigo_sentry.oncall.delivery import RateLimit, Target, classify_error, classify_response
from tests import loopback

WHERE = Target(
    url="https://ingest.example/api/1/envelope/",
    auth_header="Sentry sentry_key=k",
    host="ingest.example",
    port=443,
    scheme="https",
    proxy=None,
    ca_file="",
)
PROXIED = Target(**{**WHERE.__dict__, "proxy": "http://proxy.example:3128"})


def headers(**values: str) -> Message:
    message = Message()
    for name, value in values.items():
        message[name.replace("_", "-")] = value
    return message


# --- HTTP answers -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("status", "body", "kind"),
    [
        (200, "", "accepted"),
        (299, "", "accepted"),
        (300, "", "rejected"),
        (400, "", "bad_request"),
        (401, "bad key", "unauthorized"),
        (403, "", "forbidden"),
        (403, "project disabled", "forbidden"),
        (413, "", "too_large"),
        (503, "", "server_error"),
        (418, "", "rejected"),
        (418, "teapot", "rejected"),
    ],
)
def test_each_http_answer_has_its_kind_status_and_sentence(
    status: int, body: str, kind: str
) -> None:
    outcome = classify_response(status, headers(), WHERE, body)
    assert (outcome.kind.name, outcome.status) == (kind, status)
    # The sentence on-call reads, by answer ("status body").
    assert (
        outcome.sentence
        == snapshot(
            {
                "200": "Sentry accepted the event (HTTP 200).",
                "299": "Sentry accepted the event (HTTP 299).",
                "300": "Sentry answered HTTP 300: the event was not accepted.",
                "400": "Sentry refused the request as malformed (HTTP 400): most often a DSN whose key is not a key (cut or mistyped).",
                "401 bad key": "Sentry could not read the request's authentication (HTTP 401: bad key): the DSN Korrigo holds is not the one Sentry shows (cut or mistyped).",
                "403": "Sentry refused the event (HTTP 403): the key is unknown, deleted or disabled, or the project does not accept events.",
                "403 project disabled": "Sentry refused the event (HTTP 403: project disabled): the key is unknown, deleted or disabled, or the project does not accept events.",
                "413": "Sentry refused the event as too large (HTTP 413).",
                "503": "Sentry failed to take the event (HTTP 503): retry in a few minutes; if it lasts, check Sentry's status page.",
                "418": "Sentry answered HTTP 418: the event was not accepted.",
                "418 teapot": "Sentry answered HTTP 418: teapot: the event was not accepted.",
            }
        )[f"{status} {body}".rstrip()]
    )
    assert (outcome.retry_after, outcome.rate_limits) == (None, ())


def test_the_body_is_optional() -> None:
    outcome = classify_response(418, headers(), WHERE)
    assert outcome.sentence == snapshot("Sentry answered HTTP 418: the event was not accepted.")


def test_a_429_reads_sentrys_header_and_retry_after() -> None:
    outcome = classify_response(
        429,
        headers(X_Sentry_Rate_Limits="60:error;transaction:organization:usage_exceeded",
                Retry_After="30"),
        WHERE,
    )  # fmt: skip
    assert (outcome.kind.name, outcome.status, outcome.retry_after) == ("rate_limited", 429, 30)
    assert outcome.rate_limits == (
        RateLimit(60, ("error", "transaction"), "organization", "usage_exceeded"),
    )
    assert outcome.sentence == snapshot(
        "Sentry is not taking events from this project now (HTTP 429): error, transaction limited (organization scope) for 60 s, reason usage_exceeded; Retry-After 30 s."
    )
    assert outcome.as_dict() == {
        "outcome": "rate_limited",
        "exit_code": 13,
        "sentence": outcome.sentence,
        "http_status": 429,
        "retry_after": 30,
        "rate_limits": [
            {"retry_after": 60, "categories": ["error", "transaction"],
             "scope": "organization", "reason": "usage_exceeded"},
        ],
    }  # fmt: skip


def test_a_429_without_headers_says_the_sdk_waits_60_s() -> None:
    outcome = classify_response(429, headers(), WHERE)
    assert outcome.sentence == snapshot(
        "Sentry is not taking events from this project now (HTTP 429): no rate-limit header, so the SDK waits 60 s."
    )
    assert (outcome.retry_after, outcome.rate_limits) == (None, ())


@pytest.mark.parametrize(
    ("header", "limits"),
    [
        ("60::organization", [RateLimit(60, (), "organization", "")]),
        ("60:", [RateLimit(60, (), "", "")]),
        ("5:error", [RateLimit(5, ("error",), "", "")]),
        ("oops:error, 7:error;;default:key:x", [RateLimit(7, ("error", "default"), "key", "x")]),
        ("60, 10:error", [RateLimit(10, ("error",), "", "")]),  # the first has no categories
        ("", []),
    ],
)
def test_rate_limit_entries_as_the_sdk_reads_them(header: str, limits: list[RateLimit]) -> None:
    assert delivery.parse_rate_limits(header) == limits


def test_a_rate_limit_describes_itself_in_words() -> None:
    assert [RateLimit(60, ()).describe(), RateLimit(5, ("error",), "key").describe()] == snapshot(
        ["all categories limited for 60 s", "error limited (key scope) for 5 s"]
    )


# --- network failures ----------------------------------------------------------------------------


def test_a_proxy_failure_names_the_proxy() -> None:
    refused = urllib.error.URLError(ConnectionRefusedError(111, "Connection refused"))
    outcome = classify_error(refused, PROXIED, 5)
    assert outcome.kind.name == "proxy"
    assert outcome.sentence == snapshot(
        "The proxy http://proxy.example:3128 did not let the request through to Sentry (Connection refused)."
    )
    tunnel = OSError("Tunnel connection failed: 407 Proxy Authentication Required")
    assert classify_error(tunnel, PROXIED, 5).sentence == snapshot(
        "The proxy http://proxy.example:3128 did not let the request through to Sentry (Tunnel connection failed: 407 Proxy Authentication Required)."
    )


def test_without_a_proxy_a_refused_connection_names_the_host() -> None:
    refused = urllib.error.URLError(ConnectionRefusedError(111, "Connection refused"))
    assert classify_error(refused, WHERE, 5).sentence == snapshot(
        "The connection to ingest.example:443 was refused: nothing listens there, or a firewall rejects it."
    )


def test_a_timeout_whatever_its_shape() -> None:
    for error in (TimeoutError(), urllib.error.URLError("_ssl.c:990: The handshake operation "
                                                        "timed out")):  # fmt: skip
        outcome = classify_error(error, WHERE, 2.5)
        assert outcome.kind.name == "timeout"
        assert outcome.sentence == snapshot(
            "ingest.example:443 did not answer within 2.5 s: a firewall dropping the packets, or a network that is down."
        )


def test_other_tls_and_network_errors_keep_their_detail() -> None:
    tls = urllib.error.URLError(ssl.SSLError(1, "[SSL: WRONG_VERSION_NUMBER] wrong version"))
    outcome = classify_error(tls, WHERE, 5)
    assert outcome.kind.name == "network"  # not the certificate: never said to be
    assert "WRONG_VERSION_NUMBER" in outcome.sentence  # OpenSSL's detail is kept
    assert outcome.sentence == snapshot(
        "The request to ingest.example:443 failed ([SSL: WRONG_VERSION_NUMBER] wrong version)."
    )
    reset = urllib.error.URLError(ConnectionResetError(104, "Connection reset by peer"))
    assert [classify_error(e, WHERE, 5).sentence for e in (reset, ValueError())] == snapshot(
        [
            "The request to ingest.example:443 failed (Connection reset by peer).",
            "The request to ingest.example:443 failed (ValueError).",
        ]
    )


def test_a_certificate_error_without_openssls_words_keeps_the_errors() -> None:
    error = ssl.SSLCertVerificationError(1, "certificate verify failed.")
    error.verify_message, error.verify_code = "", 63
    outcome = classify_error(urllib.error.URLError(error), WHERE, 5)
    assert outcome.kind.name == "tls_certificate"  # 63 is not a host-name mismatch
    assert outcome.sentence == snapshot(
        "The TLS certificate ingest.example presented is not trusted (certificate verify failed): an intercepting proxy, or a CA bundle missing from this image."
    )


# --- the target and what is posted ------------------------------------------------------------


def test_the_ca_bundle_is_chosen_as_sentry_sdk_chooses_it(monkeypatch: pytest.MonkeyPatch) -> None:
    dsn = "https://k@ingest.example/1"
    for name in ("SSL_CERT_FILE", "REQUESTS_CA_BUNDLE", "https_proxy", "HTTPS_PROXY",
                 "http_proxy", "HTTP_PROXY", "no_proxy", "NO_PROXY"):  # fmt: skip
        monkeypatch.delenv(name, raising=False)
    assert delivery.target(dsn, "sentry.python/2").ca_file == certifi.where()
    monkeypatch.setenv("REQUESTS_CA_BUNDLE", "/etc/ssl/bundle.pem")
    assert delivery.target(dsn, "sentry.python/2").ca_file == "/etc/ssl/bundle.pem"
    monkeypatch.setenv("SSL_CERT_FILE", "/etc/ssl/cert.pem")
    assert delivery.target(dsn, "sentry.python/2").ca_file == "/etc/ssl/cert.pem"
    where = delivery.target(dsn, "korrigo-client/1.0")
    assert "sentry_client=korrigo-client/1.0" in where.auth_header
    assert "sentry_key=k" in where.auth_header


@pytest.fixture
def ingest(httpserver: HTTPServer) -> str:
    """Answers 418 with Retry-After and a body that is not UTF-8 (`/long/`: 200 characters)."""
    headers = {"Retry-After": "12"}
    httpserver.expect_request("/long/", method="POST").respond_with_data(b"x" * 200, 418, headers)
    httpserver.expect_request("/api/1/envelope/", method="POST").respond_with_data(
        "caf\u00e9 \xff".encode("latin-1"), 418, headers
    )
    return httpserver.url_for("").rstrip("/")


def _local(url: str) -> Target:
    return Target(url, "Sentry sentry_key=k", "127.0.0.1", 0, "http", None, certifi.where())


def test_an_envelope_is_posted_with_sentrys_headers_and_the_answer_read(
    ingest: str, httpserver: HTTPServer
) -> None:
    outcome = delivery.deliver(b"envelope", _local(f"{ingest}/api/1/envelope/"), timeout=5)
    (request,) = loopback.requests(httpserver)
    assert request.get_data() == b"envelope"
    assert request.headers["Content-Type"] == "application/x-sentry-envelope"
    assert request.headers["X-Sentry-Auth"] == "Sentry sentry_key=k"
    # the body, decoded as UTF-8 with the bad bytes replaced, in the sentence
    assert (
        outcome.sentence
        == "Sentry answered HTTP 418: caf\ufffd \ufffd: the event was not accepted."
    )


def test_a_long_answer_is_cut_at_160_characters(ingest: str) -> None:
    outcome = delivery.deliver(b"e", _local(f"{ingest}/long/"), timeout=5)
    assert (
        outcome.sentence == f"Sentry answered HTTP 418: {'x' * 160}...: the event was not accepted."
    )


def test_an_answer_of_exactly_160_characters_is_kept_whole() -> None:
    class Answer:
        def read(self, size: int) -> bytes:
            assert size == 4096  # never more than the first 4 KiB of an error page
            return b"y" * 160

    assert delivery._body(Answer()) == "y" * 160


def test_an_unreadable_answer_has_no_body() -> None:
    class Broken:
        def read(self, size: int) -> bytes:
            raise OSError("connection reset")

    assert delivery._body(Broken()) == ""


def test_a_key_probe_through_a_listening_socket_that_closes_is_a_network_failure(
    tmp_path: Path,
) -> None:
    with socket.socket() as listener:
        listener.bind(("127.0.0.1", 0))
        listener.listen()
        port = listener.getsockname()[1]

        def close_at_once() -> None:
            conn, _ = listener.accept()
            conn.close()

        thread = threading.Thread(target=close_at_once, daemon=True)
        thread.start()
        where = _local(f"http://127.0.0.1:{port}/api/1/envelope/")
        outcome = delivery.check_key(where, timeout=5)  # doctor's probe (issue 23: a POST)
        thread.join()
    assert outcome.kind.name == "network"
    assert outcome.sentence.startswith("The request to 127.0.0.1:0 failed (")
