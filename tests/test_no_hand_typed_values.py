"""No page restates by hand a number the code holds: it must come through a macro.

A rate or an alert threshold typed into a page ("over ten errors in five minutes", "50% for
staging") goes stale the day the code changes, and tests/test_site_live_values.py only sees
the values it changes. This reads the raw Markdown of docs/ and runbooks/, blanks every
`{{ ... }}` and `{% ... %}` (values rendered from the code), and looks for what is left.
"""

from __future__ import annotations

import functools
import re
from pathlib import Path

import pytest
from num2words import num2words

import macros
from korrigo_sentry import settings
from korrigo_sentry.alerts import load_rules
from tests.doc_sources import ROOT

MACRO = re.compile(r"\{\{.*?\}\}|\{%.*?%\}", re.DOTALL)


def _number(value: float) -> str:
    """A regex for `value` in digits or, when whole, in words ('10' or 'ten')."""
    forms = [re.escape(f"{value:g}")]
    if float(value).is_integer():
        forms.append(re.escape(num2words(int(value))))
    return "(?:" + "|".join(forms) + ")"


@functools.cache
def patterns() -> dict[str, re.Pattern[str]]:
    """What a hand-typed copy of each value looks like, by the value's name."""
    found: dict[str, re.Pattern[str]] = {}
    for environment, rate in settings.TRACES_SAMPLE_RATES.items():
        shown = rf"(?<![\d.]){re.escape(macros.percent(rate))}"
        name = rf"\b{re.escape(environment)}\b"
        # The rate on the same line as the environment's name, either way round.
        found[f"traces rate of {environment}"] = re.compile(
            rf"{name}.*{shown}|{shown}.*{name}", re.IGNORECASE
        )
    for rule in load_rules():
        if rule.threshold is None:
            continue
        if rule.unit == "events":
            amount = rf"\b{_number(rule.threshold)}\s+(?:errors?|events?)\b"
            window = (
                rf"\b(?:errors?|events?)\s+(?:in|over|within|per)\s+(?:the\s+last\s+)?"
                rf"{_number(rule.window_minutes or 0)}\s+minutes?\b"
            )
            found[f"{rule.id} threshold"] = re.compile(f"{amount}|{window}", re.IGNORECASE)
        else:
            seconds = rule.threshold / 1000
            found[f"{rule.id} threshold"] = re.compile(
                rf"\b{_number(rule.threshold)}\s*ms\b|\b{_number(seconds)}\s*(?:s|seconds?)\b",
                re.IGNORECASE,
            )
    return found


def hand_typed(markdown: str) -> list[tuple[int, str]]:
    """(line, value name) of each value of the code written outside a macro call."""
    # Macro calls are blanked, newlines kept, so that line numbers stay right.
    text = MACRO.sub(lambda match: re.sub(r"[^\n]", " ", match.group()), markdown)
    return [
        (number, name)
        for number, line in enumerate(text.splitlines(), start=1)
        for name, pattern in patterns().items()
        if pattern.search(line)
    ]


def _pages() -> list[Path]:
    docs = [
        p for p in (ROOT / "docs").rglob("*.md") if not p.is_relative_to(ROOT / "docs" / "runbooks")
    ]
    return sorted([*docs, *(ROOT / "runbooks").glob("*.md")])  # docs/runbooks: a symlink


def _rel(path: Path) -> str:
    return str(path.relative_to(ROOT))


@pytest.mark.parametrize("page", _pages(), ids=_rel)
def test_no_page_types_a_value_of_the_code(page: Path) -> None:
    assert hand_typed(page.read_text(encoding="utf-8")) == []


@pytest.mark.parametrize(
    "line",
    [
        "The alert fires on over ten errors in five minutes.",
        "It fires above 10 errors.",
        "More than 10 events in 5 minutes page the on-call engineer.",
        "Staging keeps 50% of its transactions.",
        "We trace 50% for staging.",
        "| `production` | 10% | 0.1 |",
        "A p95 above 2000 ms pages us.",
        "A p95 above 2 seconds pages us.",
    ],
)
def test_the_scan_finds_a_hand_typed_value(line: str) -> None:
    """The scan can fail: each of these restates a rate or an alert rule of the code."""
    page = f"# Page\n\nSome text.\n\n{line}\n"
    assert [number for number, _ in hand_typed(page)] == [5]


@pytest.mark.parametrize(
    "line",
    [
        "It fires on {{ alert_condition(alert_rule('high-error-rate')) }}.",
        "Staging keeps {{ traces_rates['staging'] | percent }} of its transactions.",
        "{% set rule = alert_rule('high-error-rate') %}{{ rule.threshold }} errors",
        "## Quick checks (first five minutes)",
        "Wait ten seconds, then reload the page.",
        "Production only: 2 dashboards and 10 widgets.",
    ],
)
def test_the_scan_leaves_macros_and_other_numbers_alone(line: str) -> None:
    assert hand_typed(f"# Page\n\n{line}\n") == []
