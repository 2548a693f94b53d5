"""`python -m korrigo_sentry runbook`: list, run quick checks, stop at the first failure."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from handbook.transcript import transcript
from korrigo_sentry import cli
from korrigo_sentry.oncall import runbooks
from korrigo_sentry.testing import TEST_DSN

BOOKS = runbooks.load_runbooks()
HEALTHY = {
    "SENTRY_DSN": TEST_DSN,
    "SENTRY_ENVIRONMENT": "production",
    "GIT_COMMIT_SHA": "01c1541",
}


#: No outside configuration, no .env, the SDK left as found (tests/conftest.py).
pytestmark = pytest.mark.usefixtures("clean_sentry_env")


def test_list_shows_every_runbook(capsys: pytest.CaptureFixture[str]) -> None:
    assert cli.main(["runbook", "--list"]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert len(lines) == len(BOOKS)
    for line, book in zip(lines, BOOKS, strict=True):
        assert line.split()[0] == book.slug
        assert book.title in line


def test_without_a_dsn_the_first_check_fails_and_points_to_the_next_step(
    capsys: pytest.CaptureFixture[str],
) -> None:
    book = runbooks.get_runbook("sentry-not-capturing-errors")
    first, second = book.checks[:2]
    assert cli.main(["runbook", book.slug]) == 1
    out = capsys.readouterr().out
    assert f"[1/{len(book.checks)}] {runbooks.plain(first.title)}" in out
    assert "FAILED" in out
    assert runbooks.plain(first.expected) in out
    assert f"Next step: {runbooks.plain(first.if_not)}" in out
    assert runbooks.link_url(book.slug, first.link) in out
    assert runbooks.plain(second.title) not in out  # stopped at the first failure


@pytest.mark.parametrize("book", BOOKS, ids=[b.slug for b in BOOKS])
def test_every_runbook_passes_on_a_healthy_configuration(
    book: runbooks.Runbook, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    for name, value in HEALTHY.items():
        monkeypatch.setenv(name, value)
    status = cli.main(["runbook", book.slug])
    out = capsys.readouterr().out
    assert status == 0, out
    assert out.count("result:") == len(book.checks)
    assert f"All {len(book.checks)} quick checks passed." in out


def test_a_check_reports_what_the_block_printed_and_runs_the_page_code(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    page = tmp_path / "probe.md"
    page.write_text(
        "---\nsymptom: a probe\nseverity: low\nowner: tests\nlast_reviewed: 2026-01-01\n"
        "runs_in: backend\n---\n# Probe\n\n## Quick checks (first five minutes)\n\n**First.**\n\n"
        '```python\nprint("first ran")\n```\n\nExpected: it runs.\n\n**Second.**\n\n'
        '```python\nassert 1 == 2, "second is broken"\n```\n\nExpected: never.\n\n'
        "If not: read [the part about it](#probe).\n\n## Diagnosis\n"
    )
    book = runbooks.parse(page)
    assert [c.title for c in book.checks] == ["First.", "Second."]
    assert runbooks.run_runbook(book, sys.stdout) is False
    out = capsys.readouterr().out
    assert "result:   first ran" in out
    assert "result:   FAILED: second is broken" in out
    assert "Next step: read the part about it." in out
    assert runbooks.page_url("probe", "probe") in out


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


def test_an_error_in_a_check_points_at_the_page_line(tmp_path: Path) -> None:
    page = tmp_path / "broken.md"
    page.write_text(
        "---\nsymptom: x\nseverity: low\nowner: t\nlast_reviewed: 2026-01-01\nruns_in: host\n---\n"
        "# B\n\n"
        "## Quick checks (first five minutes)\n\n**Boom.**\n\n```python\nx = 1\n1 / 0\n```\n\n"
        "Expected: nothing.\n"
    )
    (check,) = runbooks.parse(page).checks
    assert page.read_text().splitlines()[check.line - 1] == "x = 1"
    result = runbooks.run_check(runbooks.parse(page), check)
    assert not result.passed
    assert result.output.startswith("ERROR: ZeroDivisionError")


def test_an_unknown_slug_names_the_known_ones(capsys: pytest.CaptureFixture[str]) -> None:
    assert cli.main(["runbook", "no-such-page"]) == 2
    err = capsys.readouterr().err
    assert "no-such-page" in err
    assert BOOKS[0].slug in err


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
