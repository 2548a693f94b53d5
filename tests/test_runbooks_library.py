"""`korrigo_sentry.oncall.runbooks` on a runbook written by the test: what it parses, the
printable copy and the errors, each as the on-call reader
reads it. The site's address is mkdocs.yml's `site_url`.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import jinja2
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

Text.
"""


@pytest.fixture
def book(tmp_path: Path) -> runbooks.Runbook:
    page = tmp_path / "probe.md"
    page.write_text(PAGE, encoding="utf-8")
    return runbooks.parse(page)


def test_an_alert_page_names_its_alert(tmp_path: Path) -> None:
    page = tmp_path / "rule.md"
    page.write_text(f"---\nalert: critical-errors\n{FRONT}---\n# Rule\n", encoding="utf-8")
    assert runbooks.parse(page).subject == "alert: critical-errors"


def test_the_printable_copy_drops_front_matter(book: runbooks.Runbook) -> None:
    text = runbooks.printable_page(book)
    assert not text.startswith("---")
    assert text.startswith("## Probe page\n")  # headings one level down
    assert "\n### Quick checks (first five minutes)\n" in text
    assert "\n#### Deeper\n" in text
    assert "Intro with a [link](probe.md#diagnosis)." in text  # the runbook's own page
    assert "go to [Diagnosis](probe.md#diagnosis), or [elsewhere](other.md#part)." in text
    assert "```bash\necho not a python check\n```" in text  # fences untouched
    assert text.endswith("Text.\n")


OLD_CI_FENCE = """
```python title="CI only: the demo app and a fake transport"
assert sentry.events
```
"""
OLD_CI_BLOCK = """
??? note "How CI checks this step"

    ```{.python continuation}
    assert value == 42
    ```
"""


@pytest.mark.parametrize(
    ("old", "line", "info"),
    [
        (OLD_CI_FENCE, 50, 'python title="CI only: the demo app and a fake transport"'),
        (OLD_CI_BLOCK, 50, 'note "How CI checks this step"'),
    ],
    ids=["fence", "collapsed block"],
)
def test_a_ci_only_block_on_a_runbook_is_refused_with_where_its_checks_go(
    tmp_path: Path, old: str, line: int, info: str
) -> None:
    """Issue 23 moved the pages' CI proofs into check functions and tests/runbooks/; the
    old form cannot come back unnoticed: the page is refused (the build and the command).
    Line 50: the block, after PAGE's "## Diagnosis" (line 48) and a blank line."""
    page = tmp_path / "high-latency.md"
    page.write_text(PAGE.replace("## Diagnosis\n", "## Diagnosis\n" + old), encoding="utf-8")
    with pytest.raises(runbooks.RunbookError) as refused:
        runbooks.parse(page)
    assert str(refused.value) == (
        f"{page} line {line}: a CI-only block ({info}); a runbook's checks are functions "
        "now: put the step on-call runs in korrigo_sentry/oncall/checks/high_latency.py and "
        "the proof in tests/runbooks/test_high_latency.py, as runbooks/_template.md shows"
    )


def test_a_fence_titled_otherwise_is_not_refused(tmp_path: Path) -> None:
    page = tmp_path / "fine.md"
    fence = '```bash title="Terminal on the host, in the Korrigo checkout"\nls\n```\n'
    page.write_text(PAGE.replace("## Diagnosis\n", "## Diagnosis\n" + fence), encoding="utf-8")
    assert runbooks.parse(page).title == "Probe page"


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


# --- what `make mutate` found unchecked (issue 24) -------------------------------------------

PRINTED = """\
---
symptom: s
severity: low
owner: tests
last_reviewed: 2026-01-01
runs_in: backend
---

# Printed

{{ runbook_header() }}

## Quick checks (first five minutes)

{{ quick_checks() }}

```bash
# not a heading: a shell comment
see [the list](#quick-checks)
```

---

## Verification

{{ first_command_again() }} passes; see [checks](#quick-checks).
"""


def test_the_printable_copy_names_its_page_keeps_fences_and_rules(tmp_path: Path) -> None:
    page = tmp_path / "printed.md"
    page.write_text(PRINTED, encoding="utf-8")
    assert runbooks.printable_page(runbooks.parse(page)) == (
        "## Printed\n\n"
        '{{ runbook_header("printed") }}\n\n'
        "### Quick checks (first five minutes)\n\n"
        '{{ quick_checks("printed") }}\n\n'
        "```bash\n# not a heading: a shell comment\nsee [the list](#quick-checks)\n```\n\n"
        "---\n\n"  # a rule in the body is not the front matter's end
        "### Verification\n\n"
        '{{ first_command_again("printed") }} passes; see [checks](printed.md#quick-checks).\n'
    )


def test_a_page_whose_body_names_an_alert_after_a_rule_is_not_a_runbook(tmp_path: Path) -> None:
    (tmp_path / "notes.md").write_text(
        "---\ntitle: Notes\n---\n\nalert: only words\n\n---\n\nMore.\n", encoding="utf-8"
    )
    (tmp_path / "real.md").write_text(f"---\nsymptom: s\n{FRONT}---\n# Real\n", encoding="utf-8")
    assert [p.name for p in runbooks.runbook_paths(tmp_path)] == ["real.md"]


def test_an_edited_page_is_parsed_again(tmp_path: Path) -> None:
    page = tmp_path / "edited.md"
    page.write_text(f"---\nsymptom: s\n{FRONT}---\n# Before\n", encoding="utf-8")
    assert runbooks.parse(page).title == "Before"
    page.write_text(f"---\nsymptom: s\n{FRONT}---\n# After\n", encoding="utf-8")
    os.utime(page, ns=(1, 1))  # another modification time, whatever the clock's resolution
    assert runbooks.parse(page).title == "After"


def test_an_admonition_that_is_not_a_ci_block_is_kept(tmp_path: Path) -> None:
    page = tmp_path / "boxed.md"
    box = '!!! danger "First: contain"\n\n    Delete the events.\n\n'
    page.write_text(PAGE.replace("## Diagnosis\n", "## Diagnosis\n\n" + box), encoding="utf-8")
    assert runbooks.parse(page).title == "Probe page"


def test_a_pipe_in_a_symptom_is_escaped_in_the_table(tmp_path: Path) -> None:
    (tmp_path / "odd.md").write_text(f"---\nsymptom: a | b\n{FRONT}---\n# Odd\n", encoding="utf-8")
    assert runbooks.list_table(tmp_path).splitlines()[2] == (
        "| [Odd](odd.md) | symptom: a \\| b | low | tests |"
    )


def test_page_and_link_addresses() -> None:
    assert runbooks.page_url("quota-exhausted") == f"{SITE}runbooks/quota-exhausted/"
    assert runbooks.page_url("x", "y") == f"{SITE}runbooks/x/#y"
    assert runbooks.link_url("x", "../reference/index.md#a") == f"{SITE}reference/#a"
    assert runbooks.link_url("x", "index.md") == f"{SITE}runbooks/"


def test_a_site_address_that_cannot_be_read_is_one_runbook_error(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    def unreadable() -> str:
        raise runbooks.package_data.PackageDataError("mkdocs.yml: no site_url; add it")

    monkeypatch.setattr(runbooks.package_data, "site_url", unreadable)
    with pytest.raises(runbooks.RunbookError) as raised:
        runbooks.site_url()
    assert str(raised.value) == "mkdocs.yml: no site_url; add it"


class _Env:
    """What mkdocs-macros (or Zensical's port, without `render`) hands `define_macros`."""

    def __init__(self, render: Any = None) -> None:
        self.variables = {"who": "on-call"}
        self.macros: dict[str, Any] = {"shout": lambda text: text.upper()}
        self.filters = {"twice": lambda text: text * 2}
        if render is not None:
            self.render = render

    def macro(self, function: Any, name: str) -> None:
        self.macros[name] = function


def test_without_a_render_the_page_is_rendered_by_strict_jinja() -> None:
    render = runbooks._renderer(_Env())
    assert render("{{ shout(who) }} {{ 'ab' | twice }}") == "ON-CALL abab"
    with pytest.raises(jinja2.UndefinedError):
        render("{{ nobody }}")


def test_with_a_render_the_page_is_rendered_by_it_and_the_macros_are_registered() -> None:
    env = _Env(render=str.upper)
    assert runbooks._renderer(env) is str.upper
    runbooks.define_macros(env)
    assert env.macros["runbooks_table"] is runbooks.list_table
    printed = env.macros["runbooks_printable"]()
    # every runbook, rendered by env.render: the first alert's page (its `{% set %}` line,
    # then its title a level down), upper-cased; the pages one after the other
    assert printed.startswith(
        '{% SET RULE = ALERT_RULE("CRITICAL-ERRORS") %}\n## CRITICAL ERRORS\n'
    )
    assert (
        '\n\n---\n\n{% SET RULE = ALERT_RULE("HIGH-ERROR-RATE") %}\n## HIGH ERROR RATE' in printed
    )


def test_alert_pages_follow_alerts_yaml_and_an_unknown_alert_comes_last(tmp_path: Path) -> None:
    # alerts.yaml lists critical-errors first and korrigo-down last (after the metric ones)
    for name, alert in (("a-unknown", "not-in-alerts-yaml"), ("b-down", "korrigo-down"),
                        ("c-new", "critical-errors")):  # fmt: skip
        (tmp_path / f"{name}.md").write_text(
            f"---\nalert: {alert}\n{FRONT}---\n# {name}\n", encoding="utf-8"
        )
    assert [b.slug for b in runbooks.load_runbooks(tmp_path)] == ["c-new", "b-down", "a-unknown"]
