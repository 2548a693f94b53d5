"""Fixtures of the privacy tests."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from korrigo_sentry.privacy import guard, parity, text
from korrigo_sentry.privacy.keys import is_denied


def _forget() -> None:
    parity._NO_MATCH.clear()
    text._CLEAN.clear()
    is_denied.cache_clear()
    guard.reset()


@pytest.fixture(autouse=True)
def _no_memo() -> Iterator[None]:
    """The scrubber remembers the strings it found clean and the keys it judged, and the
    guard the failures it counted: each test starts and ends without those, so it checks
    the rules themselves (and under `make mutate` a mutant is not answered by a memo the
    clean run filled) and counts only its own failures."""
    _forget()
    yield
    _forget()


@pytest.fixture(scope="session")
def fuzz_korrigo() -> list[Any]:
    """Every fuzz place planted under Korrigo's `init_sentry` (shared by the fuzz and the
    project scrubbing proof: one run per session)."""
    from tests.privacy import harness

    return harness.run("korrigo")


@pytest.fixture(scope="session")
def fuzz_bare() -> list[Any]:
    """The same places under a bare `sentry_sdk.init` (no scrubbing): the harshest input."""
    from tests.privacy import harness

    return harness.run("bare")
