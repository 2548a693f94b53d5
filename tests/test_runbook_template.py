"""Every runbook follows the one template: front matter, sections, quick checks, no typed values."""

from __future__ import annotations

import ast
import datetime as dt
import posixpath
import re

import pytest
from markdown.extensions.toc import slugify

from korrigo_sentry import settings
from korrigo_sentry.alerts import load_rules
from korrigo_sentry.alerts.rules import SEVERITIES
from korrigo_sentry.oncall import runbooks
from korrigo_sentry.oncall.runbooks import QUICK_CHECKS, SECTIONS, Runbook

REQUIRED = {
    "sentry-not-capturing-errors",
    "quota-exhausted",
    "missing-release-or-environment",
    "sensitive-data-in-event",
    "celery-failures-not-reported",
    "performance-data-missing",
    *(rule.slug for rule in load_rules() if rule.runbook),
}
BOOKS = runbooks.load_runbooks()
IDS = [book.slug for book in BOOKS]
JINJA = re.compile(r"\{\{|\{%|\{#")


def _headings(book: Runbook) -> set[str]:
    """The ids the site gives the page's headings (Python-Markdown's toc slugify)."""
    text = book.path.read_text(encoding="utf-8")
    titles = re.findall(r"^#{1,6} (.+)$", _without_fences(text), re.MULTILINE)
    return {slugify(title, "-") for title in titles}


def _without_fences(text: str) -> str:
    return re.sub(r"^([ \t]*)```.*?^\1```", "", text, flags=re.MULTILINE | re.DOTALL)


def _section(book: Runbook, name: str) -> str:
    text = book.path.read_text(encoding="utf-8")
    start = text.index(f"\n## {name}\n")
    end = text.find("\n## ", start + 1)
    return text[start : end if end != -1 else len(text)]


def test_every_required_page_exists() -> None:
    assert {book.slug for book in BOOKS} >= REQUIRED


def test_every_alert_has_its_runbook_and_back() -> None:
    # An alert may have no page yet (alerts.yaml: `runbook: null`, said on the Alerts page).
    rules = {rule.id: rule for rule in load_rules() if rule.runbook}
    assert len(rules) == 3  # critical-errors, high-error-rate, performance-degradation
    pages = {book.front.alert: book for book in BOOKS if book.front.alert}
    assert set(pages) == set(rules)
    for rule_id, book in pages.items():
        assert book.slug == rules[rule_id].slug
        assert book.front.severity == rules[rule_id].severity


@pytest.mark.parametrize("book", BOOKS, ids=IDS)
def test_front_matter(book: Runbook) -> None:
    # The model (front_matter.FrontMatter) checked the keys and their types when the page
    # was read; what it cannot know: the alerts' severities and today's date.
    assert book.front.severity in SEVERITIES
    assert book.front.last_reviewed <= dt.date.today()


@pytest.mark.parametrize("book", BOOKS, ids=IDS)
def test_sections_in_the_template_order(book: Runbook) -> None:
    assert book.title
    assert book.sections == SECTIONS


@pytest.mark.parametrize("book", BOOKS, ids=IDS)
def test_mitigation_is_safest_first_and_includes_a_rollback(book: Runbook) -> None:
    mitigation = _section(book, "Mitigation")
    steps = re.findall(r"^\d+\. \*\*(.+?)\*\*", mitigation, re.MULTILINE)
    assert len(steps) >= 3
    assert re.search(r"\broll(?:ing)? ?back\b", mitigation, re.IGNORECASE)


@pytest.mark.parametrize("book", BOOKS, ids=IDS)
def test_quick_checks_run_live_and_tell_what_to_expect(book: Runbook) -> None:
    assert book.checks, "at least one quick check"
    anchors = _headings(book)
    for check in book.checks:
        assert check.title, check.line
        assert check.expected, f"line {check.line}: no Expected: paragraph"
        assert not JINJA.search(check.expected + check.if_not), "the command prints these raw"
        # The live command has no fake transport: a quick check must not use `sentry`.
        names = {n.id for n in ast.walk(ast.parse(check.code)) if isinstance(n, ast.Name)}
        assert "sentry" not in names, f"line {check.line} uses the doc tests' `sentry`"
        if check.link.startswith("#"):
            assert check.link[1:] in anchors, f"line {check.line}: no heading {check.link}"
        elif check.link:
            # as the site sees it: runbooks/ is docs/runbooks (a symlink)
            target = posixpath.normpath(posixpath.join("docs/runbooks", check.link.split("#")[0]))
            assert (runbooks.REPO_ROOT / target).is_file(), f"line {check.line}: {check.link}"


@pytest.mark.parametrize("book", BOOKS, ids=IDS)
def test_every_page_has_python_outside_the_quick_checks_too(book: Runbook) -> None:
    rest = book.path.read_text(encoding="utf-8").split(f"## {QUICK_CHECKS}", 1)[1]
    rest = rest.split("\n## Diagnosis", 1)[1]
    assert "```python" in rest, "no Python block after the quick checks"


@pytest.mark.parametrize("book", [b for b in BOOKS if b.front.alert], ids=lambda b: b.slug)
def test_alert_pages_end_with_a_drill_on_the_yaml_rule(book: Runbook) -> None:
    verification = _section(book, "Verification")
    assert f'get_rule("{book.front.alert}")' in verification
    assert "evaluate(rule," in verification
    assert "import demo" in verification


def _typed_values() -> dict[str, str]:
    """Phrases that would mean a page restates a value instead of rendering it."""
    production = settings.TRACES_SAMPLE_RATES["production"]
    typed = {
        f"{production * 100:g}%": "the production traces rate",
        f"{production!r} ": "the production traces rate",
    }
    for rule in load_rules():
        if rule.threshold is not None:
            typed[f"{rule.threshold:g} {rule.unit}"] = f"{rule.id} threshold"
            typed[f"than {rule.threshold:g} "] = f"{rule.id} threshold"
        if rule.window_minutes:
            typed[f"{rule.window_minutes} minutes"] = f"{rule.id} window"
    return typed


@pytest.mark.parametrize("book", BOOKS, ids=IDS)
def test_values_are_rendered_not_typed(book: Runbook) -> None:
    prose = _without_fences(book.path.read_text(encoding="utf-8"))
    prose = re.sub(r"\{\{.*?\}\}|\{%.*?%\}", "", prose, flags=re.DOTALL)
    found = {
        value: what
        for value, what in _typed_values().items()
        if re.search(rf"(?<![\w.,]){re.escape(value)}", prose)
    }
    assert not found, f"typed by hand: {found}"
