"""Every shell step of the runbooks is a `python -m korrigo_sentry` command, and each one works.

Each command runs through `korrigo_sentry.cli.main` with the page's arguments, against a
healthy configuration whose DSN points at a local stand-in for Sentry's ingest endpoint.
"""

from __future__ import annotations

import re
import shlex
from collections.abc import Iterator
from pathlib import Path

import pytest
import sentry_sdk
from pytest_httpserver import HTTPServer

from korrigo_sentry import cli
from korrigo_sentry.oncall import runbooks
from korrigo_sentry.oncall.markdown import page_parser
from korrigo_sentry.oncall.where import oncall
from tests import loopback

SHELL = {"bash", "sh", "shell", "console"}
ENTRY = "python -m korrigo_sentry"
PAGES = sorted(runbooks.RUNBOOK_DIR.glob("*.md"))
#: Shell steps that are not Korrigo commands, each with the reason no command can do it.
NOT_KORRIGO = {
    f"{oncall().compose} logs backend | grep -i sentry": (
        "reads the running server's own SDK log, which a new process cannot see"
    ),
    f"{oncall().compose} stop celery": (
        "stops the worker's container (high-error-rate, Celery): only Compose can"
    ),
}


def shell_lines() -> list[tuple[str, str]]:
    """(page, line) for every line of every shell fence, tabs and admonitions included."""
    parser = page_parser()
    found = []
    for page in PAGES:
        for token in parser.parse(page.read_text(encoding="utf-8")):
            if token.type == "fence" and token.info.split()[:1] and token.info.split()[0] in SHELL:
                for line in token.content.splitlines():
                    if line.strip() and not line.lstrip().startswith("#"):
                        found.append((page.name, line.strip()))
    return found


def command_args(line: str) -> list[str]:
    """The arguments after `python -m korrigo_sentry` (a step is the command alone:
    `test_every_shell_step_is_a_korrigo_command` refuses pipes and redirections)."""
    return shlex.split(line.split(ENTRY, 1)[1])


LINES = shell_lines()
KORRIGO_LINES = [(page, line) for page, line in LINES if line not in NOT_KORRIGO]
COMMANDS = sorted({tuple(command_args(line)) for _, line in KORRIGO_LINES if ENTRY in line})
#: What a shell would read as more than one command, or as a redirection.
_SHELL_OPERATOR = re.compile(r"[|;&<>`]|\$\(")


@pytest.fixture
def healthy(
    monkeypatch: pytest.MonkeyPatch, clean_sentry_env: Path, httpserver: HTTPServer
) -> Iterator[HTTPServer]:
    """A production configuration whose DSN is a local stand-in for Sentry, answering every
    envelope as Sentry does when it accepts one."""
    accepted = {"id": "0" * 32}
    httpserver.expect_request(re.compile(".*"), method="POST").respond_with_json(accepted)
    monkeypatch.setenv("SENTRY_DSN", loopback.dsn(httpserver, "publickey"))
    monkeypatch.setenv("SENTRY_ENVIRONMENT", "production")
    monkeypatch.setenv("GIT_COMMIT_SHA", "01c1541")
    yield httpserver
    sentry_sdk.get_client().close(timeout=0)  # nothing left to send to the next test


def test_the_runbooks_have_shell_steps() -> None:
    assert LINES
    assert any(args[:1] == ("doctor",) for args in COMMANDS)


@pytest.mark.parametrize(("page", "line"), KORRIGO_LINES)
def test_every_shell_step_is_a_korrigo_command(page: str, line: str) -> None:
    assert ENTRY in line, f"{page}: `{line}` is not a `{ENTRY}` command"
    prefix = line.split(ENTRY, 1)[0].split()
    # Before it: nothing (Local), or `docker compose -f FILE exec SERVICE` (Docker Compose).
    docker = prefix[:-1] == [*oncall().compose.split(), "exec"]
    assert prefix == [] or docker, f"{page}: unexpected prefix {prefix}"
    # The command alone: what the reader pastes is what the next test runs.
    assert not _SHELL_OPERATOR.search(line), f"{page}: `{line}` is more than the command"


def test_each_step_that_is_not_a_korrigo_command_is_on_a_page_and_is_none() -> None:
    """The two exemptions are used (a page still holds each line) and really are not
    Korrigo commands; the test above does not run them."""
    exempt = sorted({line for _, line in LINES if line in NOT_KORRIGO})
    assert exempt == sorted(NOT_KORRIGO)
    assert [line for line in exempt if ENTRY in line] == []


@pytest.mark.parametrize("args", COMMANDS, ids=[" ".join(a) for a in COMMANDS])
def test_every_command_succeeds_on_a_healthy_configuration(
    args: tuple[str, ...], healthy: HTTPServer, capsys: pytest.CaptureFixture[str]
) -> None:
    status = cli.main(list(args))
    out, err = capsys.readouterr()
    assert status == 0, out + err
    if args[:1] == ("send-test",):
        assert loopback.paths(healthy), "send-test reached the stand-in for Sentry"
