"""Pytest fixtures for code that reports to Sentry (registered as a pytest11 plugin).

def test_message(sentry):
    sentry_sdk.capture_message("hi")
    assert sentry.events[0]["message"] == "hi"
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import ExitStack
from typing import Any

import pytest

from korrigo_sentry.testing import FakeTransport, sentry_capture


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
