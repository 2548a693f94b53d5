"""Every runbook follows the one template: front matter, sections, quick checks, no typed values."""

from __future__ import annotations

import datetime as dt
import posixpath
import re

import pytest
from markdown.extensions.toc import slugify

from korrigo_sentry import settings
from korrigo_sentry.alerts import get_rule, load_rules
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
    # The model still takes `runbook: null` (the pages say "none yet"); the shipped file may
    # not: whoever is paged has a page to open (issue 24: korrigo-down was the last one).
    rules = {rule.id: rule for rule in load_rules()}
    assert [rule_id for rule_id, rule in rules.items() if not rule.runbook] == []
    assert len(rules) == 4  # critical, high error rate, performance, korrigo-down
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
def test_quick_checks_are_the_packages_and_tell_what_to_expect(book: Runbook) -> None:
    """The section renders the runbook's steps (korrigo_sentry.oncall.checks); each says what
    to expect and links its next step to a heading that exists."""
    from korrigo_sentry.oncall import checks

    assert _section(book, QUICK_CHECKS).strip().splitlines()[1:] == ["", "{{ quick_checks() }}"]
    steps = checks.get(book.slug)
    assert steps.place == book.front.runs_in
    assert steps.steps, "at least one quick check"
    anchors = _headings(book)
    for step in steps.steps:
        assert step.title, step.id
        assert step.expected, step.id
        assert step.if_not, step.id
        assert re.fullmatch(r"[a-z][a-z-]*", step.id), step.id
        assert not JINJA.search(step.expected + step.if_not), "the command prints these raw"
        link = runbooks.first_link(step.if_not)
        assert link, f"{step.id}: the next step links nowhere"
        if link.startswith("#"):
            assert link[1:] in anchors, f"{step.id}: no heading {link}"
        else:
            # as the site sees it: runbooks/ is docs/runbooks (a symlink)
            target = posixpath.normpath(posixpath.join("docs/runbooks", link.split("#")[0]))
            assert (runbooks.REPO_ROOT / target).is_file(), f"{step.id}: {link}"


def test_every_runbook_with_checks_is_a_page() -> None:
    from korrigo_sentry.oncall import checks

    assert set(checks.registry()) == {book.slug for book in BOOKS}


def _test_file(book: Runbook) -> str:
    path = runbooks.REPO_ROOT / "tests" / "runbooks" / f"test_{book.slug.replace('-', '_')}.py"
    assert path.is_file(), f"{book.slug}: no {path.name}"
    return path.read_text(encoding="utf-8")


@pytest.mark.parametrize("book", BOOKS, ids=IDS)
def test_every_runbook_has_its_tests(book: Runbook) -> None:
    """Its steps, healthy and failing, and the proofs of what the page says (issue 23: they
    moved off the page, where a reader saw blocks of assertions)."""
    source = _test_file(book)
    assert "def test_a_healthy" in source
    assert source.count("def test_") >= 2


@pytest.mark.parametrize("book", [b for b in BOOKS if b.front.alert], ids=lambda b: b.slug)
def test_alert_pages_end_with_a_drill_on_the_yaml_rule(book: Runbook) -> None:
    verification = _section(book, "Verification")
    test_file = f"tests/runbooks/test_{book.slug.replace('-', '_')}.py"
    assert test_file in verification, "the page names where its drill runs"
    source = _test_file(book)
    if get_rule(book.front.alert).kind == "uptime":
        # An uptime monitor requests a URL; the local evaluator refuses it ("checks a URL,
        # not events"). Its drill serves Korrigo's health views on loopback at the monitor's
        # URL, taken from the rule.
        assert "korrigo_standin" in source
        assert "point_monitor_at(" in source
        return
    assert f'get_rule("{book.front.alert}")' in source
    assert "evaluate(rule," in source
    assert "import demo" in source


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
