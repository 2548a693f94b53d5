"""One live drill stack per session (redis-server, Bugsink, gunicorn, Celery worker).

A stack that cannot start fails the tests that need it, with the reason: never a skip.
`KORRIGO_DRILLS=full` runs every drill (the CI job `drills`); otherwise the quick subset
`drills.scenarios.QUICK` (part of `make test`).
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator

import pytest

from drills import scenarios
from drills.bugsink import BugsinkError
from drills.losses import losses
from drills.stack import Stack, StackError
from drills.tap import Item
from korrigo_sentry.testing.relay.ingest import normalize
from korrigo_sentry.testing.relay.project import compare


def selected() -> tuple[str, ...]:
    """The drills this run covers."""
    return (
        tuple(scenarios.DRILLS) if os.environ.get("KORRIGO_DRILLS") == "full" else scenarios.QUICK
    )


@pytest.fixture(scope="session")
def stack() -> Iterator[Stack]:
    """The stack, stopped at the end of the session; the stop must leave nothing behind."""
    live = Stack(list(scenarios.DRILLS))
    try:
        live.start()
    except (StackError, BugsinkError, OSError) as exc:
        pytest.fail(f"the drill stack could not start: {exc}", pytrace=False)
    yield live
    live.stop()
    assert live.leftovers() == {"processes": [], "ports": []}
    # The processes' last client reports arrived while they stopped (the tap stops last).
    cost = losses(live.tap.items)
    SUMMARY.append(f"drills: {cost.line()}")
    assert (cost.lost, cost.skeletons) == (0, 0), f"events lost to a hook: {cost}"
    checked, kept, elsewhere = _project_scrubbing(live.tap.items)
    SUMMARY.append(
        f"drills: {checked} events and transactions through Relay with Sentry's defaults and "
        f"with Korrigo's project set-up: {kept} breadcrumb messages kept, {len(elsewhere)} "
        "other differences"
    )
    assert elsewhere == [], f"the set-ups differ outside breadcrumb messages: {elsewhere[:5]}"


#: Lines for the end of the run (pytest_terminal_summary).
SUMMARY: list[str] = []


def _project_scrubbing(items: list[Item]) -> tuple[int, int, list[str]]:
    """Every event and transaction the drills sent, through both project set-ups."""
    checked, kept, elsewhere = 0, 0, []
    for item in items:
        if item.type not in ("event", "transaction"):
            continue
        event, _problems = normalize(dict(item.payload))
        if event is None:
            continue
        event.pop("_meta", None)
        found = compare(event)
        checked, kept, elsewhere = checked + 1, kept + len(found.kept), elsewhere + found.other
    return checked, kept, elsewhere


def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter) -> None:
    for line in SUMMARY:
        terminalreporter.write_line(line)


@pytest.fixture(scope="session")
def run_drill(stack: Stack) -> Callable[[str], scenarios.Result]:
    """Run a drill once per session (the screenshots reuse the drills' issues)."""
    done: dict[str, scenarios.Result] = {}

    def run(name: str) -> scenarios.Result:
        if name not in done:
            done[name] = scenarios.run(stack, name)
        return done[name]

    return run
