"""Sentry's ingest (Relay) as the judge of what Korrigo sends.

`sentry-relay` is the Python binding of the code Sentry runs on every event it receives.
Korrigo uses it in tests and tooling (never at run time):

- `checks`: FakeTransport runs each event and transaction through Relay's normaliser and
  through Sentry's default server-side scrubbing (the privacy floor);
- `release`: release names as Sentry validates them;
- `rules`: the project-side "advanced data scrubbing" rules Korrigo keeps as data;
- `comparison`: Relay's defaults against Korrigo's client scrubber, for the privacy page.
"""

from korrigo_sentry.testing.relay.checks import (
    RelayChecks,
    RelayViolation,
    Stats,
    Violation,
    check_item,
)
from korrigo_sentry.testing.relay.comparison import comparison_rows
from korrigo_sentry.testing.relay.release import release_problem
from korrigo_sentry.testing.relay.rules import (
    project_rules,
    project_rules_json,
    validate_project_rules,
)

__all__ = [
    "RelayChecks",
    "RelayViolation",
    "Stats",
    "Violation",
    "check_item",
    "comparison_rows",
    "project_rules",
    "project_rules_json",
    "release_problem",
    "validate_project_rules",
]
