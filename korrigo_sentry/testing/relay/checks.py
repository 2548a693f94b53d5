"""Relay's checks on every item a FakeTransport receives, and how a test learns of them.

The SDK hands envelopes to the transport inside its own `capture_internal_exceptions`,
which swallows any exception: a check that raised there would go unnoticed. So problems
are recorded as `Violation`s; `FakeTransport.events` / `.transactions` raise them, and the
pytest plugin fails, at teardown, a test whose transports recorded any left unreported.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from sentry_sdk.envelope import Envelope

from korrigo_sentry.testing.relay.floor import floor_problems
from korrigo_sentry.testing.relay.ingest import MAX_EVENT_BYTES, normalize
from korrigo_sentry.testing.relay.project import floor_scrub
from korrigo_sentry.testing.relay.release import release_problem

#: Envelope item types that are events (the only ones Relay normalises and scrubs this way).
EVENT_TYPES = ("event", "transaction")


@dataclass(frozen=True)
class Violation:
    """One problem Relay found in one item: `kind` is "ingest" or "privacy"."""

    kind: str
    item_type: str
    problem: str

    def __str__(self) -> str:
        what = "Relay would flag" if self.kind == "ingest" else "Sentry's scrubbing would remove"
        return f"{self.item_type} {what} {self.problem}"


class RelayViolation(AssertionError):
    """Raised for the violations a transport recorded; the message names each field."""

    def __init__(self, violations: list[Violation]) -> None:
        self.violations = list(violations)
        lines = "\n".join(f"  - {v}" for v in self.violations)
        super().__init__(
            f"{len(self.violations)} problem(s) Sentry's ingest (Relay) found in what was sent:\n"
            f"{lines}"
        )


class Stats:
    """Counters over the whole run, for the closing summary."""

    floor_items = 0  # events and transactions run through the privacy floor
    floor_findings = 0  # values the floor found (tests that plant them on purpose included)


#: Every RelayChecks created since the current test started (see `begin_test`).
_LIVE: list[RelayChecks] = []


class RelayChecks:
    """Runs Relay's ingest checks and the privacy floor on each envelope it is given."""

    def __init__(self, *, privacy_floor: bool = True) -> None:
        self.privacy_floor = privacy_floor
        self.violations: list[Violation] = []
        self._reported = 0
        _LIVE.append(self)

    def check_envelope(self, envelope: Envelope) -> None:
        """Record the violations of every event and transaction in `envelope`."""
        sent_at = envelope.headers.get("sent_at")
        for item in envelope.items:
            if item.type not in EVENT_TYPES:
                continue
            try:
                found = check_item(
                    item.get_bytes(), item.type, sent_at, privacy_floor=self.privacy_floor
                )
            except Exception as error:  # the SDK would swallow it: record it instead
                found = [Violation("ingest", item.type, f"(check crashed): {error!r}")]
            self.violations += found

    def raise_unreported(self) -> None:
        """Raise `RelayViolation` for violations not raised yet (each is raised once)."""
        pending = self.take_unreported()
        if pending:
            raise RelayViolation(pending)

    def take_unreported(self) -> list[Violation]:
        """The violations not reported yet, now marked reported (for tests that expect them)."""
        pending = self.violations[self._reported :]
        self._reported = len(self.violations)
        return pending


def check_item(
    raw: bytes, item_type: str, sent_at: str | None = None, *, privacy_floor: bool = True
) -> list[Violation]:
    """Relay's verdict on one serialized event or transaction."""
    if len(raw) > MAX_EVENT_BYTES:
        return [Violation("ingest", item_type, f"(size): {len(raw)} bytes > {MAX_EVENT_BYTES}")]
    payload: dict[str, Any] = json.loads(raw)
    normalized, problems = normalize(payload, sent_at)
    release = payload.get("release")
    if isinstance(release, str) and (why := release_problem(release)):
        problems.append(f"release: {why}")
    found = [Violation("ingest", item_type, p) for p in problems]
    if privacy_floor and normalized is not None:
        Stats.floor_items += 1
        findings = floor_problems(normalized, floor_scrub)
        Stats.floor_findings += len(findings)
        found += [Violation("privacy", item_type, p) for p in findings]
    return found


def begin_test() -> None:
    """Forget the transports of earlier tests (called by the pytest plugin at setup)."""
    _LIVE.clear()


def unreported_violations() -> list[Violation]:
    """Violations recorded since `begin_test` and never raised; marks them reported."""
    return [v for checks in _LIVE for v in checks.take_unreported()]
