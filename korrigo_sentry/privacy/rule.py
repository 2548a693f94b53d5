"""`Rule`: one named privacy rule, with the reason the privacy page shows."""

from __future__ import annotations

from dataclasses import dataclass

#: What every rule writes in place of what it removes (sentry-sdk's and Relay's spelling).
FILTERED = "[Filtered]"


@dataclass(frozen=True)
class Rule:
    """A rule as readers see it: `kind` is key, value, url, allowlist or place."""

    name: str
    kind: str
    matches: str
    reason: str
