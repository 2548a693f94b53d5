"""The envelope pass: the bytes as they leave, after every hook.

sentry-sdk builds the envelope after `before_send`: its header (the `trace` context,
taken out of the event's trace context, built from the transaction and any incoming
`baggage`) and one item per attachment. `before_send` did see the attachments, in
`hint["attachments"]`, but Korrigo scrubs them here, where they are bytes, with the header
(facts sdk.attachments_in_hint, sdk.envelope_after_before_send). So Korrigo wraps the
transport's `capture_envelope`, the one door every envelope goes through.
"""

from __future__ import annotations

import functools
from typing import Any

from sentry_sdk.envelope import Envelope, Item, PayloadRef

import korrigo_sentry.privacy.urls as urls
from korrigo_sentry.privacy.rule import FILTERED
from korrigo_sentry.privacy.text import scrub_text

#: Dynamic sampling context entries kept in the envelope header (Sentry's own fields).
TRACE_HEADER_KEYS = frozenset(
    {"trace_id", "public_key", "release", "environment", "sample_rate", "sample_rand",
     "sampled", "org_id", "transaction"}
)  # fmt: skip


def scrub_envelope(envelope: Envelope) -> Envelope:
    """`envelope` with its trace header and attachments scrubbed, in place."""
    trace = envelope.headers.get("trace")
    if isinstance(trace, dict):
        kept = {k: v for k, v in trace.items() if k in TRACE_HEADER_KEYS}
        name = kept.get("transaction")
        if isinstance(name, str):
            kept["transaction"] = (
                urls.scrub_path(name) if name.startswith("/") else scrub_text(name)
            )
        envelope.headers["trace"] = kept
    envelope.items[:] = [item for item in map(_attachment, envelope.items) if item is not None]
    return envelope


def _attachment(item: Item) -> Item | None:
    if item.type != "attachment":
        return item
    try:
        text = item.get_bytes().decode("utf-8")
    except UnicodeDecodeError:
        return None  # binary: nothing can vouch for it
    scrubbed = "".join(scrub_text(line) for line in text.splitlines(keepends=True))
    item.payload = PayloadRef(bytes=scrubbed.encode("utf-8"))
    return item


def install(transport: Any) -> None:
    """Make `transport` scrub every envelope before it keeps or sends it.

    The bound method is wrapped rather than the class replaced: Korrigo's transport may
    be the SDK's HTTP one, a test's FakeTransport or send-test's recording one, and each
    must stay what it is. Installing twice does nothing.
    """
    if transport is None or getattr(transport.capture_envelope, "_korrigo_privacy", False):
        return
    original = transport.capture_envelope

    @functools.wraps(original)
    def capture_envelope(envelope: Envelope) -> Any:
        return original(scrub_envelope(envelope))

    capture_envelope._korrigo_privacy = True  # type: ignore[attr-defined]
    transport.capture_envelope = capture_envelope


__all__ = ["FILTERED", "TRACE_HEADER_KEYS", "install", "scrub_envelope"]
