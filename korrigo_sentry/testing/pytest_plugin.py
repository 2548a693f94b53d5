"""Pytest fixtures for code that reports to Sentry (opt-in: `pytest_plugins = [__name__]`).

def test_message(sentry):
    sentry_sdk.capture_message("hi")
    assert sentry.events[0]["message"] == "hi"
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import ExitStack
from typing import Any

import pytest

from korrigo_sentry.testing import FakeTransport, relay, sentry_capture
from korrigo_sentry.testing.relay import checks as relay_checks


@pytest.fixture
def sentry_init() -> Iterator[Callable[..., FakeTransport]]:
    """Call it with `init_sentry` overrides; returns the FakeTransport that receives."""
    with ExitStack() as stack:

        def init(**overrides: Any) -> FakeTransport:
            stack.close()
            return stack.enter_context(sentry_capture(**overrides))

        yield init


@pytest.fixture
def sentry(sentry_init: Callable[..., FakeTransport]) -> FakeTransport:
    """The SDK initialised as Korrigo does, in the `test` environment, sending here."""
    return sentry_init()


@pytest.fixture(autouse=True)
def _relay_verdict() -> Iterator[None]:
    """Fail the test when a FakeTransport recorded what Relay flags and nobody read it.

    The SDK swallows exceptions raised inside a transport, so the checks record them and
    this teardown raises them (`.events` / `.transactions` raise them earlier).
    """
    relay_checks.begin_test()
    yield
    pending = relay_checks.unreported_violations()
    if pending:
        raise relay.RelayViolation(pending)


def pytest_sessionfinish(session: pytest.Session) -> None:
    """Under xdist, hand this worker's count to the controller."""
    output = getattr(session.config, "workeroutput", None)
    if output is not None:
        output["relay_floor"] = (relay.Stats.floor_items, relay.Stats.floor_findings)


@pytest.hookimpl(optionalhook=True)  # an xdist hook: a suite without xdist must still load us
def pytest_testnodedown(node: Any, error: Any) -> None:
    """Under xdist (controller): add up the workers' counts."""
    items, findings = getattr(node, "workeroutput", {}).get("relay_floor", (0, 0))
    relay.Stats.floor_items += items
    relay.Stats.floor_findings += findings


def pytest_terminal_summary(terminalreporter: Any) -> None:
    """Say how many events and transactions went through Relay's checks and privacy floor."""
    if relay.Stats.floor_items:
        terminalreporter.write_line(
            f"privacy floor: {relay.Stats.floor_items} events and transactions checked against "
            f"Sentry's default scrubbers (breadcrumb text kept, as Korrigo's project set-up does); "
            f"{relay.Stats.floor_findings} values they "
            "would still have removed (each fails its test unless planted on purpose)"
        )
