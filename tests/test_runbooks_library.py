"""`korrigo_sentry.oncall.runbooks` on a runbook written by the test: what it parses, what the
`runbook` command prints, the printable copy and the errors, each as the on-call reader
reads it. The site's address is mkdocs.yml's `site_url`.
"""

from __future__ import annotations

import io
from pathlib import Path

import pytest

from korrigo_sentry.oncall import runbooks

SITE = "https://korrigo.github.io/korrigo-handbook/"
#: The front matter every runbook needs besides its alert or symptom (runbooks/_template.md).
FRONT = "severity: low\nowner: tests\nlast_reviewed: 2026-01-01\nruns_in: backend\n"

PAGE = """\
---
symptom: Something | odd happens.
severity: low
owner: tests
last_reviewed: 2026-01-01
runs_in: backend
---

# Probe page

Intro with a [link](#diagnosis).

## Quick checks (first five minutes)

**The first **check** with [a link](other.md).**

```python title="Django shell in the backend container"
value = 41 + 1
print("value:", value)
print("  ")
print("done")
```

??? note "How CI checks this step"

    ```{.python continuation}
    assert value == 42, "the value is wrong"
    ```

Expected: `value: 42`, then **done**.

If not: go to [Diagnosis](#diagnosis), or [elsewhere](other.md#part).

```bash
echo not a python check
```

**Second, silent.**

```python
x = 1
```

Expected: nothing printed.

**Third, failing.**

```python
raise RuntimeError("broken")
```

Expected: never.

## Diagnosis

### Deeper

```python title="CI only: the demo app and a fake transport"
print("ci only")
```

Text.
"""


@pytest.fixture
def book(tmp_path: Path) -> runbooks.Runbook:
    page = tmp_path / "probe.md"
    page.write_text(PAGE, encoding="utf-8")
    return runbooks.parse(page)


def test_a_page_is_parsed_into_its_checks(book: runbooks.Runbook) -> None:
    assert (book.slug, book.title) == ("probe", "Probe page")
    assert book.front.severity == "low"
    assert book.sections == ("Quick checks (first five minutes)", "Diagnosis")
    assert book.subject == "symptom: Something | odd happens."
    assert book.url == f"{SITE}runbooks/probe/"
    first, second, third = book.checks
    assert first == runbooks.QuickCheck(
        title="The first check with a link.",
        code='value = 41 + 1\nprint("value:", value)\nprint("  ")\nprint("done")\n',
        line=18,
        expected="`value: 42`, then **done**.",
        if_not="go to [Diagnosis](#diagnosis), or [elsewhere](other.md#part).",
        link="#diagnosis",
        where="Django shell in the backend container",
        ci_check='assert value == 42, "the value is wrong"\n',
        ci_line=27,
    )
    assert PAGE.splitlines()[first.line - 1] == "value = 41 + 1"
    assert PAGE.splitlines()[first.ci_line - 1].strip() == first.ci_check.strip()
    assert (second.title, second.where, second.ci_check, second.if_not) == (
        "Second, silent.", "", "", ""
    )  # fmt: skip
    assert third.title == "Third, failing."


def test_an_alert_page_names_its_alert(tmp_path: Path) -> None:
    page = tmp_path / "rule.md"
    page.write_text(f"---\nalert: critical-errors\n{FRONT}---\n# Rule\n", encoding="utf-8")
    assert runbooks.parse(page).subject == "alert: critical-errors"


def test_the_command_prints_each_result_and_stops_at_the_first_failure(
    book: runbooks.Runbook,
) -> None:
    out = io.StringIO()
    assert runbooks.run_runbook(book, out) is False
    assert out.getvalue().splitlines() == [
        "Runbook: Probe page (symptom: Something | odd happens.)",
        f"Page:    {SITE}runbooks/probe/",
        "Running 3 quick checks against this environment.",
        "",
        "[1/3] The first check with a link.",
        "      result:   value: 42; done",
        "      expected: value: 42, then done.",
        "",
        "[2/3] Second, silent.",
        "      result:   ok",
        "      expected: nothing printed.",
        "",
        "[3/3] Third, failing.",
        "      result:   ERROR: RuntimeError: broken",
        "      expected: never.",
        "",
        "Stopped at check 3 of 3.",
        "Next step: continue with the page's Diagnosis section.",
        f"  {SITE}runbooks/probe/#diagnosis",
    ]


def test_a_page_whose_checks_pass_says_so_and_where_to_go_on(tmp_path: Path) -> None:
    page = tmp_path / "fine.md"
    page.write_text(
        f"---\nsymptom: fine\n{FRONT}---\n# Fine\n\n## Quick checks (first five minutes)\n\n"
        '**Only.**\n\n```python\nprint("ok then")\n```\n\nExpected: ok.\n',
        encoding="utf-8",
    )
    out = io.StringIO()
    assert runbooks.run_runbook(runbooks.parse(page), out) is True
    assert out.getvalue().splitlines()[-3:] == [
        "All 1 quick checks passed.",
        "If the problem persists, continue with the Diagnosis section:",
        f"  {SITE}runbooks/fine/#diagnosis",
    ]


def test_quick_checks_stop_at_the_first_failure(book: runbooks.Runbook) -> None:
    results = runbooks.run_quick_checks(book)
    assert [(r.passed, r.output) for r in results] == [
        (True, "value: 42; done"),
        (True, "ok"),
        (False, "ERROR: RuntimeError: broken"),
    ]


def test_a_failed_ci_check_reads_as_failed_with_its_message(book: runbooks.Runbook) -> None:
    first = book.checks[0]
    wrong = runbooks.QuickCheck(**{**first.__dict__, "code": "value = 1\n"})
    assert runbooks.run_check(book, wrong).output == "FAILED: the value is wrong"
    bare = runbooks.QuickCheck(**{**first.__dict__, "code": "assert False\n", "ci_check": ""})
    assert runbooks.run_check(book, bare).output == "FAILED: assertion failed"


def test_the_printable_copy_drops_front_matter_and_ci_blocks(book: runbooks.Runbook) -> None:
    text = runbooks.printable_page(book)
    assert not text.startswith("---")
    assert "How CI checks this step" not in text
    assert "ci only" not in text
    assert text.startswith("## Probe page\n")  # headings one level down
    assert "\n### Quick checks (first five minutes)\n" in text
    assert "\n#### Deeper\n" in text
    assert "Intro with a [link](probe.md#diagnosis)." in text  # the runbook's own page
    assert "go to [Diagnosis](probe.md#diagnosis), or [elsewhere](other.md#part)." in text
    assert "```bash\necho not a python check\n```" in text  # fences untouched
    assert text.endswith("Text.\n")


def test_every_runbook_on_one_page_alerts_first(tmp_path: Path) -> None:
    (tmp_path / "a.md").write_text(
        f"---\nsymptom: s\n{FRONT}---\n# A\n\nBody A.\n", encoding="utf-8"
    )
    (tmp_path / "b.md").write_text(f"---\nalert: x\n{FRONT}---\n# B\n\nBody B.\n", encoding="utf-8")
    (tmp_path / "_template.md").write_text(f"---\nsymptom: t\n{FRONT}---\n# T\n", encoding="utf-8")
    (tmp_path / "notes.md").write_text("# Not a runbook\n", encoding="utf-8")
    assert (
        runbooks.printable(str.upper, tmp_path) == "## B\n\nBODY B.\n\n\n---\n\n## A\n\nBODY A.\n"
    )


def test_a_missing_page_names_the_known_slugs(tmp_path: Path) -> None:
    (tmp_path / "one.md").write_text(f"---\nsymptom: s\n{FRONT}---\n# One\n", encoding="utf-8")
    (tmp_path / "two.md").write_text(f"---\nalert: x\n{FRONT}---\n# Two\n", encoding="utf-8")
    with pytest.raises(runbooks.RunbookError, match=r"^no runbook 'three'; known: one, two$"):
        runbooks.get_runbook("three", tmp_path)
    assert runbooks.get_runbook("two", tmp_path).title == "Two"


def test_no_runbook_folder_is_one_sentence(tmp_path: Path) -> None:
    with pytest.raises(runbooks.RunbookError) as raised:
        runbooks.runbook_paths(tmp_path / "absent")
    assert "\n" not in str(raised.value)
    assert "runbook" in str(raised.value).lower()


@pytest.mark.parametrize(
    ("text", "shown"),
    [
        ("go to [No DSN](#no-dsn).", "go to No DSN."),
        ("**bold** and __strong__", "bold and strong"),
        ("keep `**code**` and `[x](y)`", "keep **code** and [x](y)"),
        ("two\nlines", "two lines"),
    ],
)
def test_markdown_reads_as_a_terminal_shows_it(text: str, shown: str) -> None:
    assert runbooks.plain(text) == shown


def test_the_first_link_is_the_next_step() -> None:
    assert runbooks.first_link("see [a](#one) then [b](two.md)") == "#one"
    assert runbooks.first_link("no link here") == ""
