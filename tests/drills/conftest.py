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
from drills.stack import Stack, StackError


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


@pytest.fixture(scope="session")
def run_drill(stack: Stack) -> Callable[[str], scenarios.Result]:
    """Run a drill once per session (the screenshots reuse the drills' issues)."""
    done: dict[str, scenarios.Result] = {}

    def run(name: str) -> scenarios.Result:
        if name not in done:
            done[name] = scenarios.run(stack, name)
        return done[name]

    return run
