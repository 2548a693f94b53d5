"""Facts as the pages print them: the statement, its plans, and a visible citation.

`macros.py` registers these as `fact()`, `ui()` and `plan()`. A fact older than its review
period is still printed, followed by a visible flag, and named on stderr during the build
(a log warning would fail `mkdocs build --strict`, and an old fact is a reminder, not a
broken page).
"""

from __future__ import annotations

import os
import sys
from datetime import date
from typing import TextIO

from korrigo_sentry.oncall.facts import Fact, get_fact, source_parts

#: Build as if on another day (YYYY-MM-DD): previews which facts will need a new check.
TODAY_ENV = "KORRIGO_FACTS_TODAY"

#: The plan names `plan()` accepts, lower-case, and the fact that lists them.
PLAN_NAMES = ("developer", "team", "business", "enterprise")
PLANS_FACT = "plans.lineup"


def build_day() -> date:
    """Today, or the day `KORRIGO_FACTS_TODAY` names."""
    raw = os.environ.get(TODAY_ENV, "").strip()
    if not raw:
        return date.today()
    try:
        return date.fromisoformat(raw)
    except ValueError:
        raise ValueError(f"{TODAY_ENV} must be a date like 2027-03-01, not {raw!r}") from None


def plans_label(plans: tuple[str, ...]) -> str:
    """`Business or Enterprise plan`, `Developer plan`, `paid plans (Team, ...)`."""
    if plans == ("Team", "Business", "Enterprise"):
        return "paid plans (Team, Business, Enterprise)"
    if len(plans) == 1:
        return f"{plans[0]} plan"
    return f"{', '.join(plans[:-1])} or {plans[-1]} plan"


#: How a citation names each kind of source (`Fact.kind`).
SOURCE_NAMES = {
    "product": "Sentry docs",
    "app": "Sentry's source",
    "sdk": "sentry-sdk {ref}",
    "relay": "Sentry's ingest (Relay)",
    "celery": "Celery",
    "cli": "Sentry CLI source",
}


def source_label(fact: Fact) -> str:
    """`Sentry docs`; for code, the project, the file and the line: `sentry-sdk 2.76.0,
    sentry_sdk/scope.py line 1892`."""
    name = SOURCE_NAMES[fact.kind].format(ref=source_parts(fact.source)["ref"])
    if fact.kind == "product":
        return name
    where = f"{name}, `{fact.path}`"
    return f"{where} line {fact.line}" if fact.line else where


def citation(fact: Fact) -> str:
    """`<small>(source, checked 2026-11-29)</small>`, the link to the file at its commit."""
    where = source_label(fact)
    return (
        f'<small class="fact-source">([{where}]({fact.source} "fact {fact.id}"), '
        f"checked {fact.checked.isoformat()})</small>"
    )


def stale_flag(fact: Fact, today: date, stream: TextIO | None = None) -> str:
    """'' while the fact is fresh; else a visible flag, and a line on the build's stderr."""
    if not fact.is_stale(today):
        return ""
    print(
        f"facts: STALE {fact.id}: checked {fact.checked.isoformat()}, review every "
        f"{fact.review_days} days (due {fact.due.isoformat()}); re-read {fact.source}",
        file=stream or sys.stderr,
    )
    return (
        f' <mark class="fact-stale">not re-checked since {fact.checked.isoformat()} '
        f"(review was due {fact.due.isoformat()})</mark>"
    )


def render_fact(fact_id: str, today: date | None = None) -> str:
    """The statement, the plans it needs when it is plan-gated, its citation."""
    fact = get_fact(fact_id)
    text = fact.statement
    if fact.plan_gated:
        text = f"{text} **{plans_label(fact.plans)} only.**"
    return f"{text} {citation(fact)}{stale_flag(fact, today or build_day())}"


def render_cite(fact_id: str, today: date | None = None) -> str:
    """The citation alone, for a table cell whose few words restate the fact: the reader
    follows the link for the whole statement."""
    fact = get_fact(fact_id)
    return f"{citation(fact)}{stale_flag(fact, today or build_day())}"


def render_ui(fact_id: str, today: date | None = None) -> str:
    """A UI name or location in bold (`Explore → Traces`), linked to its source."""
    fact = get_fact(fact_id)
    if not fact.value:
        raise ValueError(f"fact {fact_id!r} has no `value` to print inline")
    shown = fact.value.replace(" > ", " → ")
    link = f'[**{shown}**]({fact.source} "fact {fact.id}, checked {fact.checked.isoformat()}")'
    return link + stale_flag(fact, today or build_day())


def render_plan(name: str, today: date | None = None) -> str:
    """`Business plan`, linked to the documentation that lists Sentry's plans."""
    key = name.lower()
    if key not in PLAN_NAMES:
        raise ValueError(f"unknown plan {name!r}; known: {', '.join(PLAN_NAMES)}")
    fact = get_fact(PLANS_FACT)
    label = f"{key.capitalize()} plan"
    link = f'[{label}]({fact.source} "fact {fact.id}, checked {fact.checked.isoformat()}")'
    return link + stale_flag(fact, today or build_day())
