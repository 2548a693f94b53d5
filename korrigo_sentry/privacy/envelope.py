"""The envelope pass: the bytes as they leave, after every hook, one decision per item type.

sentry-sdk builds the envelope after `before_send`: its header (the `trace` context,
taken out of the event's trace context, built from the transaction and any incoming
`baggage`) and one item per attachment. `before_send` did see the attachments, in
`hint["attachments"]`, but Korrigo scrubs them here, where they are bytes, with the header
(facts sdk.attachments_in_hint, sdk.envelope_after_before_send). Sessions, client reports,
profiles and the batched logs, metrics and spans travel in envelopes of their own. So
Korrigo wraps the transport's `capture_envelope`, the one door every envelope goes
through, and decides for each item type (`ITEM_DECISIONS`) whether it is scrubbed here,
was scrubbed by a hook, or is dropped. A type not in the table is dropped: a new SDK's
new item is not sent unread.
"""

from __future__ import annotations

import functools
import json
import re
from dataclasses import dataclass
from typing import Any

from sentry_sdk.envelope import Envelope, Item, PayloadRef

import korrigo_sentry.privacy.guard as guard
import korrigo_sentry.privacy.urls as urls
from korrigo_sentry.privacy.event import is_sdk_id, scrub_node
from korrigo_sentry.privacy.keys import is_denied
from korrigo_sentry.privacy.rule import FILTERED, Rule
from korrigo_sentry.privacy.text import scrub_text

#: Dynamic sampling context entries kept in the envelope header (Sentry's own fields).
TRACE_HEADER_KEYS = frozenset(
    {"trace_id", "public_key", "release", "environment", "sample_rate", "sample_rand",
     "sampled", "org_id", "transaction"}
)  # fmt: skip

#: Item headers Sentry reads (type, length, content type, an attachment's kind, a batch's
#: count, a profile chunk's platform); any other header is dropped, `filename` is masked.
ITEM_HEADER_KEYS = frozenset(
    {"type", "length", "content_type", "attachment_type", "item_count", "platform",
     "filename"}
)  # fmt: skip


@dataclass(frozen=True)
class ItemDecision:
    """What the pipeline does with one envelope item type, and why (the privacy page)."""

    action: str  # "hook" (scrubbed by an SDK hook), "scrub" (here), "keep", "drop"
    how: str
    reason: str


ITEM_DECISIONS: dict[str, ItemDecision] = {
    "event": ItemDecision("hook", "`before_send` (errors, messages, user feedback)",
                          "the event itself: every value walked"),
    "transaction": ItemDecision("hook", "`before_send_transaction`, spans included",
                                "span descriptions, tags and data are values like any other"),
    "attachment": ItemDecision("scrub", "text scrubbed line by line, binary dropped; the "
                               "file name masked, its extension kept",
                               "an uploaded file is often named after the student"),
    "session": ItemDecision("scrub", "`did` kept only when it is a numeric or UUID id; "
                            "`attrs.ip_address` and `attrs.user_agent` removed",
                            "the SDK fills `did` from the user's id, e-mail or username"),
    "sessions": ItemDecision("scrub", "the same for aggregated sessions' `attrs`",
                             "the attributes are the same as a single session's"),
    "client_report": ItemDecision("scrub", "only timestamp and (reason, category, "
                                  "quantity) counts kept",
                                  "counts of dropped items: nothing else belongs there"),
    "log": ItemDecision("hook", "`before_send_log`, and walked again here",
                        "log bodies quote their parameters"),
    "trace_metric": ItemDecision("hook", "`before_send_metric`, and walked again here",
                                 "metric attributes are free key-value pairs"),
    "span": ItemDecision("hook", "`before_send_span` (streamed spans), walked again here; "
                         "AI spans the client adds after `before_send_transaction` too",
                         "a span's name and attributes quote routes and queries"),
    "check_in": ItemDecision("scrub", "walked like an event (slug, contexts, config)",
                             "a monitor's slug and trace context are all it needs"),
    "profile": ItemDecision("drop", "profiles: the whole item dropped",
                            "Korrigo does not profile; a profile carries transaction "
                            "and thread names unscrubbed"),
    "profile_chunk": ItemDecision("drop", "continuous profiling chunks: dropped",
                                  "as `profile`"),
}  # fmt: skip

_ID = re.compile(r"\d{1,19}|[0-9a-fA-F]{8}-?[0-9a-fA-F]{4}-?[0-9a-fA-F]{4}-?"
                 r"[0-9a-fA-F]{4}-?[0-9a-fA-F]{12}")  # fmt: skip


def scrub_envelope(envelope: Envelope) -> Envelope:
    """`envelope` with its trace header and every item handled by its decision, in place."""
    try:
        _trace_header(envelope)
    except Exception as error:  # keep only the ids; never the header as it came
        guard.report("envelope header", error)
        trace = envelope.headers.get("trace")
        envelope.headers["trace"] = guard.pick(trace, ("trace_id", "public_key"))
    envelope.items[:] = [kept for kept in map(_item, envelope.items) if kept is not None]
    return envelope


def _trace_header(envelope: Envelope) -> None:
    trace = envelope.headers.get("trace")
    if isinstance(trace, dict):
        kept = {k: v for k, v in trace.items() if k in TRACE_HEADER_KEYS}
        name = kept.get("transaction")
        if isinstance(name, str):
            name = str.__str__(name)
            kept["transaction"] = (
                urls.scrub_path(name) if name.startswith("/") else scrub_text(name)
            )
        envelope.headers["trace"] = kept


def _item(item: Item) -> Item | None:
    kind = str(item.type)  # an item without a type is "None": no decision, dropped
    decision = ITEM_DECISIONS.get(kind)
    if decision is None or decision.action == "drop":
        return None
    try:
        _headers(item)
        return _SCRUB.get(kind, _as_is)(item)
    except Exception as error:
        guard.report(f"envelope {kind}", error)
        # Events and transactions were scrubbed by their hook already; anything else
        # unread is dropped rather than sent as it came.
        return item if decision.action == "hook" and kind in ("event", "transaction") else None


def _headers(item: Item) -> None:
    for key in [k for k in item.headers if k not in ITEM_HEADER_KEYS]:
        del item.headers[key]
    name = item.headers.get("filename")
    if isinstance(name, str):
        item.headers["filename"] = mask_filename(name)


def mask_filename(name: str) -> str:
    """`copie_dupont_marie.pdf` -> `[Filtered].pdf`: the kind of file stays, not its name."""
    base = name.replace("\\", "/").rpartition("/")[2]
    stem, dot, extension = base.rpartition(".")
    if dot and stem and re.fullmatch(r"[A-Za-z0-9]{1,8}", extension):
        return f"{FILTERED}.{extension}"
    return FILTERED


def _as_is(item: Item) -> Item:
    return item


def _attachment(item: Item) -> Item | None:
    try:
        text = item.get_bytes().decode()  # UTF-8
    except UnicodeDecodeError:
        return None  # binary: nothing can vouch for it
    scrubbed = "".join(scrub_text(line) for line in text.splitlines(keepends=True))
    item.payload = PayloadRef(bytes=scrubbed.encode())  # UTF-8
    return item


def _json(item: Item) -> Any:
    payload = item.payload
    if payload.json is not None:
        return payload.json
    return json.loads(item.get_bytes())


def _set_json(item: Item, value: Any) -> Item:
    item.payload = PayloadRef(json=value)
    return item


def _session_attrs(attrs: object) -> dict[str, Any]:
    return guard.pick(attrs, ("release", "environment"))


def _session(item: Item) -> Item:
    session = _json(item)
    did = session.get("did")
    if did is not None and not (isinstance(did, str | int) and _ID.fullmatch(str(did))):
        del session["did"]
    if "attrs" in session:
        session["attrs"] = _session_attrs(session["attrs"])
    return _set_json(item, session)


def _sessions(item: Item) -> Item:
    sessions = _json(item)
    sessions["attrs"] = _session_attrs(sessions.get("attrs"))
    for aggregate in sessions.get("aggregates") or ():
        if isinstance(aggregate, dict) and "did" in aggregate:
            did = aggregate["did"]
            if not (isinstance(did, str | int) and _ID.fullmatch(str(did))):
                del aggregate["did"]
    return _set_json(item, sessions)


def _client_report(item: Item) -> Item:
    report = _json(item)
    counts = [
        guard.pick(d, ("reason", "category", "quantity"))
        for d in report.get("discarded_events") or ()
    ]
    return _set_json(item, {**guard.pick(report, ("timestamp",)), "discarded_events": counts})


def _walked(item: Item) -> Item:
    return _set_json(item, scrub_node(_json(item), None, True))


def _walked_batch(item: Item) -> Item:
    """Logs, metrics, spans (`{"version": 2, "items": [...]}`): every item's values walked;
    the SDK's own attributes (`sentry.*`) keep their typed values."""
    batch = _json(item)
    for entry in batch.get("items") or ():
        if not isinstance(entry, dict):
            continue
        for key in ("body", "name"):
            if isinstance(entry.get(key), str):
                entry[key] = scrub_text(str.__str__(entry[key]))
        attributes = entry.get("attributes")
        if isinstance(attributes, dict):
            for name, attribute in list(attributes.items()):
                if str(name).startswith("sentry.") and not (
                    isinstance(attribute, dict) and attribute.get("type") == "string"
                ):
                    continue
                if isinstance(attribute, dict) and is_sdk_id(name, attribute.get("value")):
                    continue  # the segment's span id: the spans of one segment stay together
                # The SDK writes every attribute as {"value": ..., "type": ...}
                # (`serialize_attribute`): the walk reads those two keys, not its name,
                # and `type` is a word of the protocol however it is read.
                attributes[name] = (
                    {"value": FILTERED, "type": "string"}
                    if is_denied(str(name))
                    else scrub_node(
                        attribute,
                        str(name),  # pragma: no mutate (the walk reads `value` and `type`)
                        True,  # pragma: no mutate (it changes only how `type` is read)
                    )
                )
    return _set_json(item, batch)


_SCRUB = {
    "attachment": _attachment,
    "session": _session,
    "sessions": _sessions,
    "client_report": _client_report,
    "check_in": _walked,
    "log": _walked_batch,
    "trace_metric": _walked_batch,
    "span": _walked_batch,
}


def install(transport: Any) -> None:
    """Make `transport` scrub every envelope before it keeps or sends it.

    The bound method is wrapped rather than the class replaced: Korrigo's transport may
    be the SDK's HTTP one, a test's FakeTransport or send-test's recording one, and each
    must stay what it is. Installing twice does nothing.
    """
    if transport is None or getattr(
        transport.capture_envelope,
        "_korrigo_privacy",
        False,  # pragma: no mutate (None is as falsy as False; True: tested, hidden)
    ):
        return
    original = transport.capture_envelope

    @functools.wraps(original)
    def capture_envelope(envelope: Envelope) -> Any:
        return original(scrub_envelope(envelope))

    capture_envelope._korrigo_privacy = True  # type: ignore[attr-defined]
    transport.capture_envelope = capture_envelope


RULES: list[Rule] = [
    Rule(f"envelope_item_{name.replace('_', '-')}", "envelope", decision.how, decision.reason)
    for name, decision in ITEM_DECISIONS.items()
]

__all__ = [
    "FILTERED", "ITEM_DECISIONS", "TRACE_HEADER_KEYS", "install", "mask_filename",
    "scrub_envelope",
]  # fmt: skip
