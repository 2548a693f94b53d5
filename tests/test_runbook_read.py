"""`python -m korrigo_sentry runbook SLUG --read`: the page in the terminal, values filled,
no network (issue 23: offline, the command printed github.io links and the only local copy
was raw Markdown with unrendered placeholders)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from inline_snapshot import snapshot

from handbook.offline import as_text
from korrigo_sentry import cli
from korrigo_sentry.oncall import package_data, runbooks

Capture = pytest.CaptureFixture[str]
SLUGS = [book.slug for book in runbooks.load_runbooks()]


@pytest.fixture(scope="module")
def rendered() -> dict[str, str]:
    from handbook.offline import render_runbooks

    return render_runbooks(runbooks.REPO_ROOT)


def test_every_runbook_renders_with_every_value_filled(rendered: dict[str, str]) -> None:
    assert sorted(rendered) == sorted(SLUGS)
    for slug, text in rendered.items():
        assert "{{" not in text, slug
        assert "{%" not in text, slug
        assert "<div" not in text, slug
        assert f"python -m korrigo_sentry check {slug}" in text
        assert "## Quick checks (first five minutes)" in text


def test_the_high_error_rate_page_states_its_rule(rendered: dict[str, str]) -> None:
    # What the reader must see: the threshold and window of the alert, written out (the
    # values of the rule in Sentry, as the alerts page states them).
    text = rendered["high-error-rate"]
    assert "More than 10 errors in 5 minutes is" in text
    assert "{window}" not in text
    assert "{threshold}" not in text


def test_read_prints_the_page_from_a_checkout(capsys: Capture) -> None:
    assert cli.main(["runbook", "quota-exhausted", "--read"]) == 0
    out = capsys.readouterr().out
    assert out.startswith("# Too many errors: quota exhausted\n")
    assert "github.io" not in out.split("## Diagnosis")[0]


def test_read_prefers_the_wheels_rendered_copy(
    capsys: Capture, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    page = tmp_path / "quota-exhausted.md"
    page.write_text("# As the wheel carries it\n", encoding="utf-8")
    monkeypatch.setattr(package_data, "rendered_runbook", lambda slug: page)

    assert cli.main(["runbook", "quota-exhausted", "--read", "--json"]) == 0
    document = json.loads(capsys.readouterr().out)
    assert (document["runbook"], document["text"]) == ("quota-exhausted", page.read_text())


def test_read_without_rendered_pages_names_the_fix(
    capsys: Capture, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setattr(package_data, "rendered_runbook", lambda slug: None)
    monkeypatch.setattr(package_data, "REPO_ROOT", tmp_path)  # no handbook/ there

    assert cli.main(["runbook", "quota-exhausted", "--read"]) == 21
    assert capsys.readouterr().err == snapshot(
        "error: this installation of korrigo-sentry has no rendered runbooks: build its wheel in the handbook's virtualenv (pip wheel --no-build-isolation .), or read the page online\n"
    )


def test_read_an_unknown_runbook_is_a_usage_error(capsys: Capture) -> None:
    assert cli.main(["runbook", "nope", "--read"]) == 2
    assert capsys.readouterr().err == snapshot(
        "error: no runbook 'nope'; known: celery-failures-not-reported, critical-errors, high-error-rate, korrigo-down, missing-release-or-environment, performance-data-missing, performance-degradation, quota-exhausted, sensitive-data-in-event, sentry-not-capturing-errors\n"
    )


def test_site_markup_reads_as_text() -> None:
    markdown = (
        '<div class="x" markdown>\n\n!!! warning "Not `env | grep` any more"\n\n    Body.\n\n'
        '=== "Docker Compose"\n\n    ```{.text .no-copy}\n    cmd\n    ```\n\n'
        'See [**Stats → Usage**](https://example.invalid/x "fact ui.x") and [No DSN](#no-dsn).'
        ' A fact. <small class="fact-source">([docs](https://e.invalid), checked)</small>\n'
        "</div>\n"
    )
    assert as_text(markdown) == (
        "Not `env | grep` any more:\n\n    Body.\n\n[Docker Compose]\n\n    ```text\n    cmd\n"
        "    ```\n\nSee **Stats → Usage** and No DSN. A fact.\n"
    )
