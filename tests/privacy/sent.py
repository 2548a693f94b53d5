"""What one plant made the transport send, parsed back from the raw envelope bytes."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any

from sentry_sdk.envelope import Envelope

#: What Korrigo's pipeline writes in place of what it removes.
MASK = "[Filtered]"


@dataclass
class Sent:
    """The items of the envelopes sent while one place was planted."""

    raw: bytes
    headers: list[dict[str, Any]] = field(default_factory=list)
    events: list[dict[str, Any]] = field(default_factory=list)
    transactions: list[dict[str, Any]] = field(default_factory=list)
    attachments: list[tuple[dict[str, Any], bytes]] = field(default_factory=list)
    check_ins: list[dict[str, Any]] = field(default_factory=list)
    streamed_spans: list[dict[str, Any]] = field(default_factory=list)  # span items' entries

    @classmethod
    def parse(cls, payloads: list[bytes]) -> Sent:
        sent = cls(b"\n".join(payloads))
        for raw in payloads:
            envelope = Envelope.deserialize(raw)
            sent.headers.append(dict(envelope.headers))
            for item in envelope.items:
                body = item.get_bytes()
                if item.type == "event":
                    sent.events.append(json.loads(body))
                elif item.type == "transaction":
                    sent.transactions.append(json.loads(body))
                elif item.type == "attachment":
                    sent.attachments.append((dict(item.headers), body))
                elif item.type == "check_in":
                    sent.check_ins.append(json.loads(body))
                elif item.type == "span":
                    sent.streamed_spans += json.loads(body).get("items") or []
        return sent

    @property
    def spans(self) -> list[dict[str, Any]]:
        return [s for t in self.transactions for s in t.get("spans") or ()]

    @property
    def breadcrumbs(self) -> list[dict[str, Any]]:
        return [
            c
            for e in self.events + self.transactions
            for c in (e.get("breadcrumbs") or {}).get("values") or ()
        ]

    def span(self, op: str) -> list[dict[str, Any]]:
        return [s for s in self.spans if str(s.get("op", "")).startswith(op)]

    def crumb(self, category: str) -> list[dict[str, Any]]:
        return [c for c in self.breadcrumbs if c.get("category") == category]

    def frames(self, function: str) -> list[dict[str, Any]]:
        return [
            f
            for e in self.events
            for v in (e.get("exception") or {}).get("values") or ()
            for f in (v.get("stacktrace") or {}).get("frames") or ()
            if f.get("function") == function
        ]

    def exceptions(self) -> list[dict[str, Any]]:
        return [v for e in self.events for v in (e.get("exception") or {}).get("values") or ()]
