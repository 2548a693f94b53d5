"""Events lost to a failing hook on the live stack, from what the SDKs themselves report.

sentry-sdk drops an event whose `before_send` raises and counts it in its next client
report (`discarded_events`, reason `callback_error`); Korrigo's guard sends the event's
skeleton instead, tagged `korrigo.scrubbing: failed`. The tap records both the client
reports and the events, so the drills can count what a hook cost: goal 0 of each. The SDK
sends a process's last client report when it shuts down (`flush` forces it), which
`Stack.stop()` triggers before the tap stops: read the figures after the stack stopped.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from drills.tap import Item
from korrigo_sentry.privacy.guard import FAILED_TAG, FAILED_VALUE

#: Client report reasons that mean a hook failed (the SDK's `callback_error`).
HOOK_REASONS = frozenset({"callback_error"})


@dataclass
class Losses:
    """What a failing hook cost over some tap items."""

    items: int = 0  # events and transactions sent
    client_reports: int = 0  # client report items read
    lost: int = 0  # discarded as callback_error (by category in `by_category`)
    skeletons: int = 0  # events or transactions sent as a skeleton
    by_category: dict[str, int] = field(default_factory=dict)
    #: every discard the client reports name, by reason (a 502 shows as network_error)
    by_reason: dict[str, int] = field(default_factory=dict)

    def line(self) -> str:
        reasons = ", ".join(f"{k} {v}" for k, v in sorted(self.by_reason.items())) or "none"
        return (
            f"{self.items} events and transactions sent, {self.client_reports} client reports "
            f"read (discards by reason: {reasons}): {self.lost} lost to a failing hook "
            f"(callback_error), {self.skeletons} sent as a skeleton"
        )


def losses(items: Iterable[Item]) -> Losses:
    out = Losses()
    for item in items:
        if item.type in ("event", "transaction"):
            out.items += 1
            out.skeletons += _tag(item.payload) == FAILED_VALUE
        elif item.type == "client_report":
            out.client_reports += 1
            for discard in item.payload.get("discarded_events") or ():
                reason, quantity = str(discard.get("reason")), int(discard.get("quantity") or 0)
                out.by_reason[reason] = out.by_reason.get(reason, 0) + quantity
                if reason in HOOK_REASONS:
                    category = str(discard.get("category"))
                    out.lost += quantity
                    out.by_category[category] = out.by_category.get(category, 0) + quantity
    return out


def _tag(payload: dict[str, Any]) -> Any:
    tags = payload.get("tags")
    if isinstance(tags, dict):
        return tags.get(FAILED_TAG)
    if isinstance(tags, list):  # [name, value] pairs, as Relay writes them
        return next((v for k, v in (t for t in tags if len(t) == 2) if k == FAILED_TAG), None)
    return None
