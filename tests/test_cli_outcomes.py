"""Outcomes a script can trust: a usage error apart from a configuration error, `--json`
on every outcome, arguments validated before anything is sent, values echoed short, keys
never shown, in any form a server writes them back (issue 23)."""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import quote

import pytest
from inline_snapshot import snapshot
from pytest_httpserver import HTTPServer
from werkzeug import Request, Response

from korrigo_sentry.cli import exits, main
from korrigo_sentry.settings import ENV_VARS
from tests.wording import placeholders

Capture = pytest.CaptureFixture[str]
KEY = "0123456789abcdef0123456789abcdef"


@pytest.fixture(autouse=True)
def clean_environment(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    for variable in ENV_VARS:
        monkeypatch.delenv(variable, raising=False)
    monkeypatch.chdir(tmp_path)


@dataclass
class Echo:
    """A loopback ingest (on `httpserver`) that refuses every envelope with 403 and writes the
    request's `X-Sentry-Auth` back in its body, in the forms servers use."""

    httpserver: HTTPServer

    @property
    def port(self) -> int:
        return self.httpserver.port

    @property
    def requests(self) -> int:
        return len(self.httpserver.log)

    @staticmethod
    def answer(request: Request) -> Response:
        auth = request.headers.get("X-Sentry-Auth", "")
        body = json.dumps({"detail": f"bad auth {auth}", "quoted": quote(auth)})
        return Response((body + " raw: " + auth).encode("utf-8"), 403)


@pytest.fixture
def echo(httpserver: HTTPServer) -> Echo:
    httpserver.expect_request(re.compile(".*"), method="POST").respond_with_handler(Echo.answer)
    return Echo(httpserver)


def run(capsys: Capture, *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


@pytest.mark.parametrize("value", ["0", "-0", "-1", "nan", "-NaN", "inf", "1e999", "abc", "1e9"])
def test_a_bad_timeout_is_a_usage_error_and_nothing_is_sent(
    value: str, capsys: Capture, monkeypatch: pytest.MonkeyPatch, echo: Echo
) -> None:
    monkeypatch.setenv("SENTRY_DSN", f"http://{KEY}@127.0.0.1:{echo.port}/1")
    monkeypatch.setenv("SENTRY_ENVIRONMENT", "staging")

    code, out, err = run(capsys, "send-test", f"--timeout={value}")

    assert code == exits.USAGE == 2
    (line,) = err.strip().splitlines()
    assert (
        line
        == snapshot(
            {
                "0": "error: python -m korrigo_sentry send-test: argument --timeout: 0 is out of range: give seconds above 0, at most 300 (see python -m korrigo_sentry send-test --help)",
                "-1": "error: python -m korrigo_sentry send-test: argument --timeout: -1 is out of range: give seconds above 0, at most 300 (see python -m korrigo_sentry send-test --help)",
                "-0": "error: python -m korrigo_sentry send-test: argument --timeout: -0 is out of range: give seconds above 0, at most 300 (see python -m korrigo_sentry send-test --help)",
                "nan": "error: python -m korrigo_sentry send-test: argument --timeout: 'nan' is not a number of seconds (see python -m korrigo_sentry send-test --help)",
                "-NaN": "error: python -m korrigo_sentry send-test: argument --timeout: '-NaN' is not a number of seconds (see python -m korrigo_sentry send-test --help)",
                "1e999": "error: python -m korrigo_sentry send-test: argument --timeout: 1e999 is out of range: give seconds above 0, at most 300 (see python -m korrigo_sentry send-test --help)",
                "inf": "error: python -m korrigo_sentry send-test: argument --timeout: inf is out of range: give seconds above 0, at most 300 (see python -m korrigo_sentry send-test --help)",
                "abc": "error: python -m korrigo_sentry send-test: argument --timeout: 'abc' is not a number of seconds (see python -m korrigo_sentry send-test --help)",
                "1e9": "error: python -m korrigo_sentry send-test: argument --timeout: 1e9 is out of range: give seconds above 0, at most 300 (see python -m korrigo_sentry send-test --help)",
            }
        )[value]
    )
    assert echo.requests == 0
    assert out == ""


def test_a_usage_error_with_json_is_json(capsys: Capture) -> None:
    code, out, err = run(capsys, "send-test", "--json", "--timeout", "0")

    document = json.loads(out)
    assert code == 2
    assert document["command"] == "send-test"
    assert document["ok"] is False
    assert document["exit_code"] == 2
    assert document["error"]["kind"] == "usage"
    assert "--timeout" in document["error"]["message"]
    assert err == ""


def test_an_unknown_option_with_json_is_json(capsys: Capture) -> None:
    code, out, _ = run(capsys, "doctor", "--json", "--no-such-option")

    assert (code, json.loads(out)["error"]["kind"]) == (2, "usage")


def test_no_dsn_is_a_configuration_error_not_a_usage_error(capsys: Capture) -> None:
    code, out, err = run(capsys, "send-test")
    assert code == exits.CONFIGURATION == 20
    assert err == snapshot("error: SENTRY_DSN is not set: there is nowhere to send to\n")

    code, out, _ = run(capsys, "send-test", "--json")
    document = json.loads(out)
    assert (code, document["exit_code"], document["error"]["kind"]) == (20, 20, "configuration")


def test_an_env_file_that_is_a_folder_is_a_configuration_error(
    capsys: Capture, tmp_path: Path
) -> None:
    folder = tmp_path / "korrigo.env"
    folder.mkdir()

    code, out, _ = run(capsys, "send-test", "--json", "--env-file", str(folder))

    message = json.loads(out)["error"]["message"]
    assert code == 20
    assert placeholders(message, tmp=tmp_path) == snapshot(
        "<tmp>/korrigo.env is a folder, not a .env file: remove or rename it, or name the file to read; Korrigo reads the environment only until then; nothing was sent"
    )


def test_an_unforeseen_failure_is_one_line_without_the_key(
    capsys: Capture, monkeypatch: pytest.MonkeyPatch
) -> None:
    from korrigo_sentry.oncall import doctor

    def broken(*args: Any, **kwargs: Any) -> None:
        raise RuntimeError(f"cannot use https://{KEY}@o0.ingest.sentry.io/1")

    monkeypatch.setattr(doctor, "diagnose", broken)

    code, out, err = run(capsys, "doctor")

    assert code == exits.INTERNAL == 70
    assert KEY not in err
    assert err.splitlines() == snapshot(
        [
            "error: doctor stopped on an unforeseen RuntimeError (cannot use https://***@o0.ingest.sentry.io/1): please report it; KORRIGO_SENTRY_TRACEBACK=1 shows the traceback"
        ]
    )
    code, out, _ = run(capsys, "doctor", "--json")
    assert (code, json.loads(out)["error"]["kind"]) == (70, "internal")


def test_a_100_kb_value_is_echoed_short(capsys: Capture, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SENTRY_DSN", f"https://{KEY}@{'a' * 100_000}.example/1")
    monkeypatch.setenv("SENTRY_ENVIRONMENT", "x" * 100_000)

    code, out, err = run(capsys, "doctor", "--offline")

    assert code == 1
    lines = (out + err).splitlines()
    assert max(map(len, lines)) < 400, max(lines, key=len)[:400]


@pytest.mark.parametrize(
    "key",
    [
        KEY,
        # keys not made of hex digits: only knowing the key's forms can mask them
        "SecretPublicKeyOfTheLoopbackTest",
        "SecretPublicKéyOfTheLoopbackTest",  # one non-ASCII byte: Latin-1 in the header
        "SecretPublicKey%OfTheLoopbackTest",  # a byte that percent-encoding changes
    ],
)
def test_a_key_the_server_echoes_is_masked_in_every_form(
    key: str, capsys: Capture, monkeypatch: pytest.MonkeyPatch, echo: Echo
) -> None:
    monkeypatch.setenv("SENTRY_DSN", f"http://{key}@127.0.0.1:{echo.port}/1")
    monkeypatch.setenv("SENTRY_ENVIRONMENT", "staging")

    for argv in (("send-test", "--timeout", "5"), ("send-test", "--json", "--timeout", "5")):
        code, out, err = run(capsys, *argv)
        shown = out + err
        assert code == 11, shown  # forbidden
        forms = {key, quote(key, safe=""), json.dumps(key)[1:-1], key[:16], key[16:]}
        forms.add(key.encode("utf-8").decode("latin-1"))
        assert not [form for form in forms if form in shown], shown
