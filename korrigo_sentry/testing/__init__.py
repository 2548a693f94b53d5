"""A Sentry transport that keeps what it would have sent, for tests and doc blocks.

For test suites (Korrigo's, and this repository's tests and doc blocks), behind the
`testing` extra; never imported at run time.

`FakeTransport` is a real `sentry_sdk.transport.Transport`: the SDK builds, scrubs and
serializes each envelope exactly as for the network, and the fake keeps the bytes.
`.events` and `.transactions` are parsed back from those bytes, so a test reads the very
JSON Sentry would receive.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import sentry_sdk
from sentry_sdk.envelope import Envelope
from sentry_sdk.transport import Transport

from korrigo_sentry.sdk_init import init_sentry
from korrigo_sentry.testing.relay import RelayChecks

#: The DSN doc blocks and tests use: loopback, a placeholder key, never contacted.
TEST_DSN = "http://publickey@127.0.0.1:9/1"
#: The commit doc blocks and tests report: fixed, so payloads do not change with each commit.
TEST_COMMIT_SHA = "0123abc"


class FakeTransport(Transport):
    """Keeps every envelope instead of sending it.

    Each event and transaction also goes through Sentry's ingest checks (`relay.checks`):
    what Relay would flag, or what Sentry's default scrubbing would still remove, is raised
    by `.events` / `.transactions` and fails the test. `relay=False` turns the checks off
    (benchmark baseline only); `privacy_floor=False` keeps the ingest checks only.
    """

    def __init__(
        self,
        options: dict[str, Any] | None = None,
        *,
        relay: bool = True,
        privacy_floor: bool = True,
    ) -> None:
        super().__init__(options)  # pragma: no mutate (the SDK passes them again; unread here)
        self.envelopes: list[Envelope] = []
        self.payloads: list[bytes] = []
        self.relay = RelayChecks(privacy_floor=privacy_floor) if relay else None

    def capture_envelope(self, envelope: Envelope) -> None:
        self.envelopes.append(envelope)
        self.payloads.append(envelope.serialize())
        if self.relay is not None:
            self.relay.check_envelope(envelope)

    def flush(self, timeout: float, callback: Any = None) -> None:
        """Nothing is queued: envelopes are kept as they arrive."""

    def items(self, *types: str) -> list[dict[str, Any]]:
        """The JSON payloads of the kept items of the given types, in order."""
        found = []
        for raw in self.payloads:
            for item in Envelope.deserialize(raw).items:
                if item.type in types:
                    found.append(json.loads(item.get_bytes()))
        return found

    @property
    def events(self) -> list[dict[str, Any]]:
        """Error and message events, as sent."""
        if self.relay is not None:
            self.relay.raise_unreported()
        return self.items("event")

    @property
    def transactions(self) -> list[dict[str, Any]]:
        """Performance events (with their spans), as sent."""
        if self.relay is not None:
            self.relay.raise_unreported()
        return self.items("transaction")

    @property
    def wire(self) -> bytes:
        """Everything that would have gone over the network, concatenated."""
        return b"".join(self.payloads)

    def clear(self) -> None:
        """Forget everything kept so far."""
        self.envelopes.clear()
        self.payloads.clear()


def reset_scopes() -> None:
    """Clear the global, isolation and current scopes and unbind the client.

    Re-running `sentry_sdk.init` alone keeps tags, user, breadcrumbs and the transaction
    name of the previous test in the scopes.
    """
    for scope in (
        sentry_sdk.get_global_scope(),
        sentry_sdk.get_isolation_scope(),
        sentry_sdk.get_current_scope(),
    ):
        scope.clear()
        scope._event_processors.clear()  # clear() keeps them: a test's processor would leak
        scope._error_processors.clear()  # same for `add_error_processor`
        scope.set_client(None)
    # Processors added with `add_global_event_processor` live in a module list (sentry-sdk has
    # no API to remove one): keep the SDK's integrations' (installed once per process), drop
    # the rest.
    processors = sentry_sdk.scope.global_event_processors
    processors[:] = [p for p in processors if _module_root(p) == "sentry_sdk"]


def _module_root(function: Any) -> str:
    """'sentry_sdk' for a function defined in sentry_sdk or one of its integrations."""
    module = getattr(
        function,
        "__module__",
        "",  # pragma: no mutate (no __module__: not sentry_sdk's, whatever the default)
    )
    return str(module).split(".")[0]


@contextmanager
def sentry_capture(**overrides: Any) -> Iterator[FakeTransport]:
    """`init_sentry(**overrides)` with a FakeTransport and clean scopes; yields the transport.

    Without `environ=`, the SDK runs in the `test` environment with `TEST_DSN`, and
    release `korrigo@TEST_COMMIT_SHA`.
    """
    transport = overrides.pop("transport", None) or FakeTransport()
    overrides.setdefault(
        "environ",
        {"SENTRY_DSN": TEST_DSN, "SENTRY_ENVIRONMENT": "test", "GIT_COMMIT_SHA": TEST_COMMIT_SHA},
    )
    reset_scopes()
    try:
        init_sentry(transport=transport, **overrides)
        yield transport
    finally:
        sentry_sdk.get_client().close()
        reset_scopes()
