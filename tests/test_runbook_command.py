"""`python -m korrigo_sentry check` and `runbook`: verdicts first, the next step of the first
failure, one step alone, usage errors; no Markdown executed."""

from __future__ import annotations

import ast
import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from inline_snapshot import snapshot
from pytest_httpserver import HTTPServer

from handbook.transcript import transcript
from korrigo_sentry import cli
from korrigo_sentry.oncall import checks, runbooks
from tests.korrigo_standin import korrigo_standin
from tests.relay_standin import Ingest, standin

BOOKS = runbooks.load_runbooks()
PACKAGE = Path(cli.__file__).resolve().parents[1]


#: No outside configuration, no .env, the SDK left as found (tests/conftest.py).
pytestmark = pytest.mark.usefixtures("clean_sentry_env")


@pytest.fixture
def healthy(monkeypatch: pytest.MonkeyPatch, httpserver: HTTPServer) -> Iterator[Ingest]:
    """Sentry's ingest and Korrigo's backend (its health views) answering, on loopback."""
    ingest = standin(httpserver)
    with korrigo_standin(monkeypatch):
        monkeypatch.setenv("SENTRY_DSN", ingest.dsn())
        monkeypatch.setenv("SENTRY_ENVIRONMENT", "production")
        monkeypatch.setenv("GIT_COMMIT_SHA", "01c1541")
        yield ingest


def test_list_shows_every_runbook(capsys: pytest.CaptureFixture[str]) -> None:
    assert cli.main(["runbook", "--list"]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert len(lines) == len(BOOKS)
    for line, book in zip(lines, BOOKS, strict=True):
        assert line.split()[0] == book.slug
        assert book.title in line


def test_without_a_dsn_the_verdict_comes_first_then_the_next_step(
    capsys: pytest.CaptureFixture[str],
) -> None:
    assert cli.main(["check", "sentry-not-capturing-errors"]) == 1
    lines = capsys.readouterr().out.splitlines()
    assert lines[-2].strip() == runbooks.page_url("sentry-not-capturing-errors", "no-dsn")
    assert lines == snapshot(
        [
            "FAILED: sentry-not-capturing-errors, check 1 of 5: The SDK has a DSN.",
            "",
            "[1/5] FAILED  dsn: The SDK has a DSN.",
            "          found:    no DSN: SENTRY_DSN is unset or empty; nothing is sent",
            "          expected: DSN: https://***@<host>/<project id>, the key masked.",
            "[2/5] not run client: The SDK is initialised and has somewhere to send to.",
            "[3/5] not run sample-rate: Error events are not sampled away.",
            "[4/5] not run environment: The environment is one Korrigo knows.",
            "[5/5] not run ingest: Sentry takes this DSN's key, from here.",
            "",
            "Next step: the events never leave the process; go to No DSN.",
            "  https://korrigo.github.io/korrigo-handbook/runbooks/sentry-not-capturing-errors/#no-dsn",
            "  (offline: python -m korrigo_sentry runbook sentry-not-capturing-errors --read)",
        ]
    )


@pytest.mark.parametrize("slug", [book.slug for book in BOOKS])
def test_every_runbook_passes_on_a_healthy_server(
    slug: str, healthy: Ingest, capsys: pytest.CaptureFixture[str]
) -> None:
    status = cli.main(["check", slug])
    out = capsys.readouterr().out
    total = len(checks.get(slug).steps)
    assert status == 0, out
    assert out.splitlines()[0] == f"OK: {slug}, {total} of {total} checks passed"
    assert out.count("] OK ") == total


def test_one_step_alone(healthy: Ingest, capsys: pytest.CaptureFixture[str]) -> None:
    assert cli.main(["check", "sentry-not-capturing-errors", "ingest"]) == 0
    out = capsys.readouterr().out
    assert out.splitlines()[0] == "OK: sentry-not-capturing-errors, 1 of 1 checks passed"
    assert healthy.received == [["client_report"]]


def test_the_runbook_command_is_the_check_command(
    healthy: Ingest, capsys: pytest.CaptureFixture[str]
) -> None:
    cli.main(["check", "quota-exhausted"])
    checked = capsys.readouterr().out
    cli.main(["runbook", "quota-exhausted"])
    assert capsys.readouterr().out == checked


def test_an_unknown_runbook_or_step_is_a_usage_error(capsys: pytest.CaptureFixture[str]) -> None:
    said = {}
    for argv in (
        ["check", "no-such-page"],
        ["check", "quota-exhausted", "nope"],
        ["check"],
        ["runbook", "no-such-page"],
    ):
        assert cli.main(argv) == 2, argv
        said[" ".join(argv)] = capsys.readouterr().err
    assert said == snapshot(
        {
            "check no-such-page": "error: no runbook 'no-such-page'; known: celery-failures-not-reported, critical-errors, high-error-rate, korrigo-down, missing-release-or-environment, performance-data-missing, performance-degradation, quota-exhausted, sensitive-data-in-event, sentry-not-capturing-errors\n",
            "check quota-exhausted nope": "error: runbook 'quota-exhausted' has no step 'nope'; its steps: environment, traces, health-checks\n",
            "check": "error: name a runbook (python -m korrigo_sentry check --list shows them)\n",
            "runbook no-such-page": "error: no runbook 'no-such-page'; known: celery-failures-not-reported, critical-errors, high-error-rate, korrigo-down, missing-release-or-environment, performance-data-missing, performance-degradation, quota-exhausted, sensitive-data-in-event, sentry-not-capturing-errors\n",
        }
    )


@pytest.mark.parametrize(
    ("link", "path"),
    [
        ("#no-dsn", "runbooks/here/#no-dsn"),
        ("", "runbooks/here/"),
        ("quota-exhausted.md", "runbooks/quota-exhausted/"),
        ("quota-exhausted.md#sampling", "runbooks/quota-exhausted/#sampling"),
        ("../getting-started/verify.md", "getting-started/verify/"),
        ("index.md", "runbooks/"),
        ("../index.md#top", "#top"),
    ],
)
def test_next_step_links_become_site_urls(link: str, path: str) -> None:
    assert runbooks.link_url("here", link) == runbooks.site_url() + path


def test_a_step_that_breaks_is_a_failed_step_not_a_traceback() -> None:
    def broken(here: checks.Here) -> checks.Verdict:
        raise KeyError("https://secretKeyOfTheBrokenStep1@o0.ingest.sentry.io/1")

    step = checks.Step("broken", "Breaks.", "never.", "see [x](#x).", broken)

    verdict = checks.run_step(step, checks.Here({}))

    assert not verdict.ok
    assert "secretKeyOfTheBrokenStep1" not in verdict.found
    assert verdict.found == snapshot(
        "the check itself failed: KeyError: 'https://***@o0.ingest.sentry.io/1'"
    )


def test_no_code_of_the_package_executes_text() -> None:
    """Issue 23: the runbook command executed the pages' python fences. Nothing calls
    exec, eval or compile on text any more."""
    calls = []
    for path in PACKAGE.rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Call) and getattr(node.func, "id", "") in {
                "exec", "eval", "compile",
            }:  # fmt: skip
                calls.append(f"{path.relative_to(PACKAGE)}:{node.lineno}")
    assert calls == []


#: Installed in a command's process (sitecustomize): every file it opens, one per line.
WATCH_OPENS = """\
import os, sys

_log = open(os.environ["OPENED_LOG"], "a", encoding="utf-8", buffering=1)

def _watch(event, args):
    if event == "open" and isinstance(args[0], str):
        _log.write(args[0] + "\\n")

sys.addaudithook(_watch)
"""


@pytest.mark.slow  # make check leaves it to make test
def test_the_transcripts_command_reads_no_runbook_page(tmp_path: Path) -> None:
    """The site caches the transcript without the runbook pages among its inputs
    (handbook/transcript.py: a runbook saved under `mkdocs serve` does not run the command
    again); that holds only while the command opens no page. `runbook SLUG --read` does
    open its page: the watch sees it there."""
    if os.environ.get("MUTANT_UNDER_TEST"):  # set by mutmut (make mutate) in its runs
        pytest.skip("under make mutate the new process would run mutmut's trampolines alone")
    slug = "sentry-not-capturing-errors"
    (tmp_path / "watch").mkdir()
    (tmp_path / "watch" / "sitecustomize.py").write_text(WATCH_OPENS, encoding="utf-8")
    log = tmp_path / "opened.txt"
    watched = {
        "PYTHONPATH": f"{tmp_path / 'watch'}{os.pathsep}{runbooks.REPO_ROOT}",
        "OPENED_LOG": str(log),
    }

    def pages_opened() -> list[str]:
        opened = log.read_text(encoding="utf-8").splitlines()
        log.unlink()
        return [name for name in opened if name.endswith(".md")]

    transcript(slug, watched)
    assert pages_opened() == []
    env = {k: v for k, v in os.environ.items() if not k.startswith("SENTRY_")}
    subprocess.run(
        [sys.executable, "-m", "korrigo_sentry", "runbook", slug, "--read"],
        cwd=tmp_path, env={**env, **watched}, capture_output=True, check=False,
    )  # fmt: skip
    assert str(runbooks.RUNBOOK_DIR / f"{slug}.md") in pages_opened()


@pytest.mark.slow  # make check leaves it to make test
def test_the_sites_transcript_is_what_the_terminal_prints(tmp_path: Path) -> None:
    if os.environ.get("MUTANT_UNDER_TEST"):  # set by mutmut (make mutate) in its runs
        pytest.skip("under make mutate the new process would run mutmut's trampolines alone")
    slug = "sentry-not-capturing-errors"
    text, status = transcript(slug)
    env = {k: v for k, v in os.environ.items() if not k.startswith("SENTRY_")}
    env["PYTHONPATH"] = str(runbooks.REPO_ROOT)
    run = subprocess.run(
        [sys.executable, "-m", "korrigo_sentry", "runbook", slug],
        cwd=tmp_path,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        check=False,
    )
    assert (run.stdout, run.returncode) == (text, status)
    assert status == 1
    assert "SENTRY_DSN is not set" in text
