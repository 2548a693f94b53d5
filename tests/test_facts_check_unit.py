"""`tools.facts_check` piece by piece: the URL each fact is re-read at, how each failure of a
source reads in the report, and what the HTTP fetcher sends and gives back.

Servers are on 127.0.0.1; facts are built here, so each expected line is written as the
maintainer reading `make facts-check` must see it.
"""

from __future__ import annotations

import socket
import urllib.error
from datetime import date
from email.message import Message

import pytest
from inline_snapshot import snapshot
from pytest_httpserver import HTTPServer

from korrigo_sentry.oncall.facts import Fact
from tests import loopback
from tools import facts_check

COMMIT = "0123456789abcdef0123456789abcdef01234567"


def fact(fact_id: str, source: str, *excerpts: str) -> Fact:
    return Fact(fact_id, "A statement.", source, excerpts, date(2026, 12, 6), ("all",), 90)


DOCS = fact(
    "docs.sample",
    f"https://github.com/getsentry/sentry-docs/blob/{COMMIT}/docs/alerts.mdx#L3",
    "Alerts notify you.",
)
RELAY = fact(
    "relay.sample",
    f"https://github.com/getsentry/relay/blob/{COMMIT}/relay-pii/src/regexes.rs",
    "password",
)


def test_each_file_is_read_at_its_commit_and_on_its_default_branch() -> None:
    assert facts_check.raw_url(DOCS, "https://raw.example/") == (
        f"https://raw.example/getsentry/sentry-docs/{COMMIT}/docs/alerts.mdx"
    )
    assert facts_check.latest_url(DOCS, "https://raw.example/") == (
        "https://raw.example/getsentry/sentry-docs/master/docs/alerts.mdx"
    )
    assert facts_check.raw_url(RELAY, "https://raw.example") == (
        f"https://raw.example/getsentry/relay/{COMMIT}/relay-pii/src/regexes.rs"
    )
    assert facts_check.raw_url(RELAY) == (
        f"https://raw.githubusercontent.com/getsentry/relay/{COMMIT}/relay-pii/src/regexes.rs"
    )


def test_a_base_url_keeps_its_own_path_only_its_trailing_slash_goes() -> None:
    # A mirror's path may end with any letter (here an X, which a sloppier strip would eat).
    assert facts_check.raw_url(RELAY, "https://mirror.example/raw-X//") == (
        f"https://mirror.example/raw-X/getsentry/relay/{COMMIT}/relay-pii/src/regexes.rs"
    )


def _http_error(url: str, code: int) -> urllib.error.HTTPError:
    return urllib.error.HTTPError(url, code, "Not Found", Message(), None)


def test_a_source_answering_an_http_error_is_drift_not_offline() -> None:
    def gone(url: str) -> str:
        raise _http_error(url, 404)

    results = facts_check.check([DOCS, RELAY], "https://raw.example", gone)

    assert [(r.fact.id, r.url, r.error, r.missing) for r in results] == [
        ("docs.sample", f"https://raw.example/getsentry/sentry-docs/{COMMIT}/docs/alerts.mdx",
         "HTTP 404: the source is gone or moved", ()),
        ("relay.sample",
         f"https://raw.example/getsentry/relay/{COMMIT}/relay-pii/src/regexes.rs",
         "HTTP 404: the source is gone or moved", ()),
    ]  # fmt: skip
    assert facts_check.report(results) == snapshot("""\
PINNED docs.sample: HTTP 404: the source is gone or moved (https://raw.example/getsentry/sentry-docs/0123456789abcdef0123456789abcdef01234567/docs/alerts.mdx)
PINNED relay.sample: HTTP 404: the source is gone or moved (https://raw.example/getsentry/relay/0123456789abcdef0123456789abcdef01234567/relay-pii/src/regexes.rs)
facts-check: 2 facts; pinned: 2 with an excerpt missing; latest (0 read on their default branch): 0 gone, 0 moved, 0 unreadable, 0 with their context changed; 2 drifted\
""")


def test_one_unreachable_source_among_reached_ones_is_reported_not_offline() -> None:
    def half(url: str) -> str:
        if "relay" in url:
            raise facts_check.Unreachable("[Errno 111] Connection refused")
        return "Intro. Alerts notify you. More."

    docs, relay = facts_check.check([DOCS, RELAY], "https://raw.example", half)

    assert (docs.ok, docs.url) == (True, facts_check.raw_url(DOCS, "https://raw.example"))
    assert relay.error == "unreachable: [Errno 111] Connection refused"


def test_no_source_reached_at_all_is_offline_with_the_first_reason() -> None:
    def offline(url: str) -> str:
        raise facts_check.Unreachable(f"no route to {url}")

    with pytest.raises(facts_check.Unreachable) as raised:
        facts_check.check([DOCS, RELAY], "https://raw.example", offline)
    assert str(raised.value) == snapshot(
        "no route to https://raw.example/getsentry/sentry-docs/0123456789abcdef0123456789abcdef01234567/docs/alerts.mdx"
    )


def test_a_missing_excerpt_is_shown_cut_at_90_characters() -> None:
    long = "word " * 30  # 150 characters once whitespace is collapsed
    results = facts_check.check(
        [fact("docs.long", DOCS.source, long)], "https://raw.example", lambda url: "other"
    )
    cut = ("word " * 18)[:90]
    assert f"{cut!r}" in facts_check.report(results)  # the excerpt's first 90 characters
    assert facts_check.report(results).splitlines() == snapshot(
        [
            "PINNED docs.long: excerpt not in the cited file: 'word word word word word word word word word word word word word word word word word word '",
            "GONE   docs.long: excerpt gone today: 'word word word word word word word word word word word word word word word word word word '",
            "facts-check: 1 facts; pinned: 1 with an excerpt missing; latest (1 read on their default branch): 1 gone, 0 moved, 0 unreadable, 0 with their context changed; 1 drifted",
        ]
    )


def test_the_default_base_url_is_githubs_raw_host(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    asked: list[str] = []

    def record(facts: object, base_url: str, **options: str) -> list[facts_check.Result]:
        asked.append(base_url)
        return []

    def record_korrigo(facts: object, base_url: str, fetch: object) -> list[object]:
        asked.append(base_url)
        return []

    monkeypatch.delenv(facts_check.BASE_URL_ENV, raising=False)
    # nothing leaves the machine: the product/SDK check and the Korrigo facts' check
    monkeypatch.setattr(facts_check, "check", record)
    monkeypatch.setattr(facts_check.korrigo_facts_check, "check", record_korrigo)

    assert facts_check.main([]) == facts_check.EXIT_OK
    assert asked == ["https://raw.githubusercontent.com"] * 2
    assert capsys.readouterr().out.startswith("facts-check: 0 facts; ")


def test_help_names_the_command_and_the_base_url(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit):
        facts_check.main(["--help"])
    out = " ".join(capsys.readouterr().out.split())
    assert out == snapshot(
        "usage: python -m tools.facts_check [-h] [--base-url BASE_URL] [--api-url API_URL] [--korrigo-checkout KORRIGO_CHECKOUT] `make facts-check`: re-read every fact's source, at its pin and as it is today. options: -h, --help show this help message and exit --base-url BASE_URL where raw files are fetched from (default: $KORRIGO_FACTS_BASE_URL or GitHub's raw host) --api-url API_URL where renamed files are looked up (default: $KORRIGO_FACTS_API_URL or GitHub's API) --korrigo-checkout KORRIGO_CHECKOUT read data/korrigo.yaml's excerpts in this Korrigo checkout instead of GitHub"
    )


# --- http_fetch against loopback servers ------------------------------------------------------


@pytest.fixture
def server(httpserver: HTTPServer) -> str:
    """Answers a GET with bytes that are not valid UTF-8 (`/gone`: 404)."""
    httpserver.expect_request("/page", method="GET").respond_with_data(
        "café ".encode() + b"\xff" + b" end"
    )
    httpserver.expect_request("/gone", method="GET").respond_with_data(b"", 404)
    return httpserver.url_for("/page")


def test_http_fetch_names_itself_and_reads_utf8_replacing_bad_bytes(
    server: str, httpserver: HTTPServer
) -> None:
    assert facts_check.http_fetch(server) == "café \ufffd end"
    (request,) = loopback.requests(httpserver)
    assert request.headers["User-Agent"] == "korrigo-facts-check"


def test_http_fetch_a_refused_connection_is_unreachable_with_the_reason() -> None:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    with pytest.raises(facts_check.Unreachable) as raised:
        facts_check.http_fetch(f"http://127.0.0.1:{port}/page")
    assert str(raised.value) == "[Errno 111] Connection refused"


def test_http_fetch_a_silent_host_is_unreachable_after_the_timeout(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(facts_check, "TIMEOUT_SECONDS", 0.3)
    with socket.socket() as silent:  # accepts the connection, never answers
        silent.bind(("127.0.0.1", 0))
        silent.listen()
        with pytest.raises(facts_check.Unreachable) as raised:
            facts_check.http_fetch(f"http://127.0.0.1:{silent.getsockname()[1]}/page")
    assert str(raised.value) == "timed out"


def test_http_fetch_lets_an_http_error_through(server: str) -> None:
    with pytest.raises(urllib.error.HTTPError) as raised:
        facts_check.http_fetch(server.replace("/page", "/gone"))
    assert raised.value.code == 404
