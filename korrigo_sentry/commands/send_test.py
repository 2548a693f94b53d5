"""`python -m korrigo_sentry send-test`: send a test message and exception to the real DSN.

The events go through sentry-sdk's own HTTP transport, exactly as Korrigo's would; a thin
subclass only notes the HTTP status of each envelope (the SDK logs a failure but keeps no
record of it), so the command can say whether Sentry accepted each event.
"""

from __future__ import annotations

import argparse
import sys
import threading
from dataclasses import dataclass
from http import HTTPStatus
from pathlib import Path
from typing import Any

import sentry_sdk
from sentry_sdk.transport import HttpTransport
from sentry_sdk.utils import BadDsn, Dsn

from korrigo_sentry import init_sentry
from korrigo_sentry.config import load_config
from korrigo_sentry.doctor import isolated_sdk
from korrigo_sentry.dsn import MASK, mask_dsn
from korrigo_sentry.errors import ConfigError

TEST_MESSAGE = "Korrigo send-test: Sentry is configured correctly"
TEST_EXCEPTION = "Korrigo send-test: this exception was raised on purpose"
#: The tag both test events carry, to find (or filter out) them in Sentry.
TEST_TAG = ("korrigo.send_test", "yes")
DEFAULT_TIMEOUT = 10.0


class SendTestError(RuntimeError):
    """The exception `send-test` raises and reports on purpose."""


@dataclass
class Outcome:
    """What happened to one envelope on the wire."""

    status: int | None = None
    error: str | None = None


class RecordingHttpTransport(HttpTransport):
    """sentry-sdk's HTTP transport, keeping the outcome of each event it posts."""

    def __init__(self, options: dict[str, Any]) -> None:
        super().__init__(options)
        self.outcomes: dict[str, Outcome] = {}
        self._lock = threading.Lock()

    def _note(self, envelope: Any, **fields: Any) -> None:
        event_id = envelope.headers.get("event_id") if envelope is not None else None
        if event_id:
            with self._lock:
                self.outcomes[event_id] = Outcome(**fields)

    def _send_request(self, body: bytes, headers: Any, endpoint_type: Any, envelope: Any = None):  # type: ignore[no-untyped-def]
        try:
            return super()._send_request(body, headers, endpoint_type, envelope)
        except Exception as exc:  # the SDK's worker swallows it; keep it for the report
            self._note(envelope, error=f"{type(exc).__name__}: {exc}")
            raise

    def _handle_response(self, response: Any, envelope: Any) -> None:
        self._note(envelope, status=response.status, error=_body(response))
        super()._handle_response(response, envelope)


@dataclass(frozen=True)
class Delivery:
    """The fate of one test event."""

    kind: str  # "message" or "exception"
    event_id: str | None
    status: int | None
    error: str | None

    @property
    def delivered(self) -> bool:
        return self.status is not None and 200 <= self.status < 300


def register(subparsers: argparse._SubParsersAction) -> None:
    """Add the `send-test` subcommand."""
    parser = subparsers.add_parser(
        "send-test",
        help="send a test message and a test exception to the configured DSN",
        description="Send a test message and a test exception through sentry-sdk's HTTP "
        "transport to SENTRY_DSN, wait for them, and report what Sentry answered. "
        "Exit status 1 when an event is not accepted, 2 when the configuration is unusable.",
    )
    parser.add_argument("--env-file", type=Path, metavar="PATH", help="read this .env file")
    parser.add_argument(
        "--timeout",
        type=float,
        default=DEFAULT_TIMEOUT,
        metavar="SECONDS",
        help=f"how long to wait for delivery (default {DEFAULT_TIMEOUT:g})",
    )
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    """Check the configuration, send both events, print one line per event."""
    if args.env_file is not None and not args.env_file.is_file():
        print(f"✗ env file {args.env_file} not found", file=sys.stderr)
        return 2
    try:
        config = load_config(dotenv_path=args.env_file, strict=True)
    except ConfigError as error:
        print(f"✗ configuration: {error}", file=sys.stderr)
        return 2
    if not config.dsn:
        print("✗ SENTRY_DSN is not set: there is nowhere to send to", file=sys.stderr)
        return 2
    print(
        f"Sending a test message and a test exception to {mask_dsn(config.dsn)} "
        f"(environment {config.environment}, release {config.release or 'none'})"
    )
    deliveries = send_test_events(dotenv_path=args.env_file, timeout=args.timeout)
    for delivery in deliveries:
        print(_redact(format_delivery(delivery), config.dsn))
    ok = all(d.delivered for d in deliveries)
    print("Both events were accepted." if ok else "Sentry did not accept every test event.")
    return 0 if ok else 1


def send_test_events(
    environ: Any = None, dotenv_path: str | Path | None = None, timeout: float = DEFAULT_TIMEOUT
) -> list[Delivery]:
    """Send the two test events through the HTTP transport and wait for the answers."""
    with isolated_sdk():
        init_sentry(
            strict=True,
            environ=environ,
            dotenv_path=dotenv_path,
            transport=RecordingHttpTransport,
            sample_rate=1.0,  # a test event must not be sampled out
        )
        with sentry_sdk.new_scope() as scope:
            scope.set_tag(*TEST_TAG)
            ids = {"message": sentry_sdk.capture_message(TEST_MESSAGE, level="info")}
            try:
                raise SendTestError(TEST_EXCEPTION)
            except SendTestError as exc:
                ids["exception"] = sentry_sdk.capture_exception(exc)
        sentry_sdk.flush(timeout=timeout)
        transport = sentry_sdk.get_client().transport
        outcomes = getattr(transport, "outcomes", {})
        return [
            Delivery(kind, event_id, *_outcome(outcomes, event_id))
            for kind, event_id in ids.items()
        ]


def _outcome(outcomes: dict[str, Outcome], event_id: str | None) -> tuple[int | None, str | None]:
    if event_id is None:
        return None, "dropped before sending (sampled out or filtered by before_send)"
    outcome = outcomes.get(event_id)
    if outcome is None:
        return None, "no answer (rate limited, queue full, or the flush timed out)"
    return outcome.status, outcome.error


def format_delivery(delivery: Delivery) -> str:
    """`✓ message delivered: HTTP 200 (event 1f2e…)` or `✗ exception not delivered: HTTP 403 …`."""
    event = f"event {delivery.event_id}" if delivery.event_id else "no event id"
    if delivery.delivered:
        return f"✓ {delivery.kind} delivered: HTTP {delivery.status} ({event})"
    if delivery.status is not None:
        reason = _phrase(delivery.status)
        body = f": {delivery.error}" if delivery.error else ""
        return f"✗ {delivery.kind} not delivered: HTTP {delivery.status} {reason} ({event}){body}"
    return f"✗ {delivery.kind} not delivered: {delivery.error} ({event})"


def _phrase(status: int) -> str:
    try:
        return HTTPStatus(status).phrase
    except ValueError:
        return ""


def _body(response: Any, limit: int = 200) -> str | None:
    data = getattr(response, "data", None)
    if not data:
        return None
    text = data.decode("utf-8", "replace") if isinstance(data, bytes) else str(data)
    text = " ".join(text.split())
    return text if len(text) <= limit else text[:limit] + "..."


def _redact(text: str, dsn: str) -> str:
    """Remove the DSN's keys from `text` (a server's answer might echo them)."""
    try:
        parsed = Dsn(dsn)
    except BadDsn:
        return text
    for key in (parsed.public_key, parsed.secret_key):
        if key:
            text = text.replace(key, MASK)
    return text
