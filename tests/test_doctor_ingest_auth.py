"""`doctor` never says OK with a wrong key, a wrong project, a corrupted key byte or an
ingest that is down (issue 23): its ingest check is authenticated and stores nothing.

Run against `tests.relay_standin`, which answers as Relay's source says Relay answers.
"""

from __future__ import annotations

import socket

import pytest
from inline_snapshot import snapshot
from pytest_httpserver import HTTPServer

from korrigo_sentry.cli import main
from korrigo_sentry.settings import ENV_VARS
from tests.relay_standin import KEY, Ingest, standin
from tests.wording import placeholders

Capture = pytest.CaptureFixture[str]


@pytest.fixture(autouse=True)
def clean_environment(monkeypatch: pytest.MonkeyPatch, tmp_path) -> None:  # type: ignore[no-untyped-def]
    proxies = ("http_proxy", "HTTP_PROXY", "https_proxy", "HTTPS_PROXY", "no_proxy", "NO_PROXY")
    for variable in (*ENV_VARS, *proxies):
        monkeypatch.delenv(variable, raising=False)
    monkeypatch.chdir(tmp_path)


@pytest.fixture
def ingest(httpserver: HTTPServer) -> Ingest:
    return standin(httpserver)


def doctor(monkeypatch: pytest.MonkeyPatch, capsys: Capture, dsn: str) -> tuple[int, str]:
    monkeypatch.setenv("SENTRY_DSN", dsn)
    monkeypatch.setenv("SENTRY_ENVIRONMENT", "staging")
    monkeypatch.setenv("GIT_COMMIT_SHA", "01c1541")
    status = main(["doctor"])
    out = capsys.readouterr().out
    return status, out


def ingest_line(out: str) -> str:
    return next(line for line in out.splitlines() if line[2:].startswith("ingest:"))


def test_a_healthy_key_is_ok_and_nothing_is_stored(
    monkeypatch: pytest.MonkeyPatch, capsys: Capture, ingest: Ingest
) -> None:
    status, out = doctor(monkeypatch, capsys, ingest.dsn())

    assert status == 0, out
    assert placeholders(ingest_line(out)) == snapshot(
        "✓ ingest: 127.0.0.1:<port> accepts the key for project 1"
    )
    assert out.splitlines()[-1] == "Sentry configuration OK"
    assert ingest.received == [["client_report"]]  # authenticated, and no event


@pytest.mark.parametrize(
    ("case", "dsn_of"),
    [
        ("a wrong key (well formed, unknown)", lambda i: i.dsn(key="f" * 32)),
        ("a wrong project", lambda i: i.dsn(project="2")),
        ("a key byte lost in the copy", lambda i: i.dsn(key=KEY[:-1])),
        ("a key byte changed to a non-ASCII one", lambda i: i.dsn(key=KEY[:5] + "é" + KEY[6:])),
    ],
)
def test_a_wrong_or_corrupted_key_or_project_fails(
    case: str, dsn_of, monkeypatch: pytest.MonkeyPatch, capsys: Capture, ingest: Ingest,
) -> None:  # fmt: skip
    status, out = doctor(monkeypatch, capsys, dsn_of(ingest))

    assert status == 1, (case, out)
    assert KEY[:-1] not in out  # never the key, whole or cut
    assert (
        ingest_line(out)
        == snapshot(
            {
                "a wrong key (well formed, unknown)": '✗ ingest: Sentry refused the event (HTTP 403: {"detail": "event submission rejected with_reason: ProjectId"}): the key is unknown, deleted or disabled, or the project does not accept events. (send-test says more)',
                "a wrong project": '✗ ingest: Sentry refused the event (HTTP 403: {"detail": "event submission rejected with_reason: ProjectId"}): the key is unknown, deleted or disabled, or the project does not accept events. (send-test says more)',
                "a key byte lost in the copy": "✗ ingest: Sentry refused the DSN as malformed (HTTP 400): its key is not a project key (a character lost or changed in a copy); copy the DSN again from the project's Client Keys (DSN) settings. (send-test says more)",
                "a key byte changed to a non-ASCII one": "✗ ingest: Sentry refused the DSN as malformed (HTTP 400): its key is not a project key (a character lost or changed in a copy); copy the DSN again from the project's Client Keys (DSN) settings. (send-test says more)",
            }
        )[case]
    )
    assert "Sentry configuration OK" not in out
    assert ingest.received == []


def test_an_ingest_that_is_down_fails(monkeypatch: pytest.MonkeyPatch, capsys: Capture) -> None:
    with socket.socket() as closed:
        closed.bind(("127.0.0.1", 0))
        port = closed.getsockname()[1]

    status, out = doctor(monkeypatch, capsys, f"http://{KEY}@127.0.0.1:{port}/1")

    assert status == 1
    assert placeholders(ingest_line(out)) == snapshot(
        "✗ ingest: The connection to 127.0.0.1:<port> was refused: nothing listens there, or a firewall rejects it. (send-test says more)"
    )
    assert "Sentry configuration OK" not in out


def test_a_project_over_quota_warns_the_key_is_good(
    monkeypatch: pytest.MonkeyPatch, capsys: Capture, ingest: Ingest
) -> None:
    ingest.limited.add("1")

    status, out = doctor(monkeypatch, capsys, ingest.dsn())

    assert status == 0  # the configuration is right; quota-exhausted is another runbook
    assert placeholders(ingest_line(out)) == snapshot(
        "! ingest: key accepted, but Sentry is not taking events from this project now (HTTP 429): all categories limited (organization scope) for 60 s, reason usage_exceeded; Retry-After 60 s."
    )


def test_the_probe_is_what_relay_authenticates_an_empty_envelope_is_not(
    ingest: Ingest,
) -> None:
    """Why an item at all: Relay answers an envelope without items 200 before it looks at
    the project, whatever the key (endpoints/common.rs, handle_envelope)."""
    from korrigo_sentry.oncall import delivery

    wrong = delivery.target(ingest.dsn(key="f" * 32), "tests")
    assert delivery.deliver(b"{}\n", wrong, timeout=5).status == 200
    assert delivery.check_key(wrong, timeout=5).status == 403
