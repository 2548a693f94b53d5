"""How a drill breaks a process: the Sentry set-up each process of the stack starts with.

A process normally calls `init_sentry()` as Korrigo's settings do. `KORRIGO_DRILL_FAULT`
(a comma-separated list, set by the drill for one process) replaces that with a known bad
set-up, the kind a deploy can ship. The environment-only breaks (DSN unset, no release, a
sampling override) need no fault: the drill changes the process's environment instead.
"""

from __future__ import annotations

import os
from typing import Any

import sentry_sdk

from korrigo_sentry import init_sentry
from korrigo_sentry.sdk_init import integrations

#: A fault -> what it stands for (shown by `python -m drills --help` and the README).
FAULTS: dict[str, str] = {
    "no-celery-integration": "the worker lists its integrations by hand and forgets Celery's",
    "scrubber-bypassed": "a custom before_send that does not call Korrigo's scrubber",
    "export-broken": "the export view of the new release raises on every request",
    "export-new-error": "the export view of the new release raises an error never seen before",
    "export-slow": "the export view of the new release takes 3 s",
}


def active() -> set[str]:
    """The faults this process was started with."""
    raw = os.environ.get("KORRIGO_DRILL_FAULT", "")
    faults = {name.strip() for name in raw.split(",") if name.strip()}
    unknown = faults - FAULTS.keys()
    if unknown:
        raise RuntimeError(
            f"KORRIGO_DRILL_FAULT: unknown {sorted(unknown)}; known: {sorted(FAULTS)}"
        )
    return faults


def _unscrubbed_before_send(event: dict[str, Any], hint: dict[str, Any]) -> dict[str, Any]:
    # The mistake the quota page warns about: a before_send that tags events and returns
    # them, without ending with Korrigo's scrubber, replaces that scrubber.
    event.setdefault("tags", {})["handled_by"] = "custom-before-send"
    return event


def start_sentry() -> None:
    """Initialise Sentry as Korrigo does, unless a fault says otherwise."""
    faults = active()
    overrides: dict[str, Any] = {}
    if "no-celery-integration" in faults:
        overrides["integrations"] = [i for i in integrations() if i.identifier != "celery"]
    if "scrubber-bypassed" in faults:
        overrides["before_send"] = _unscrubbed_before_send
    init_sentry(**overrides)


def flush() -> None:
    """Send what is queued now, the client report included (a drill reads it next)."""
    sentry_sdk.flush(timeout=5)
