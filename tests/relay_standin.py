"""A loopback stand-in for Sentry's ingest (Relay) that authenticates as Relay does.

What it answers, from getsentry/relay (read 2026-12-06, see
`korrigo_sentry.oncall.delivery.key_probe` for the files): no or an unparsable
`X-Sentry-Auth` -> 401; a key that is not 32 ASCII characters -> 400 "bad sentry DSN public
key"; an unknown key, or a project id that is not the key's -> 403 "event submission
rejected with_reason: ProjectId"; an envelope without items -> 200 before any check;
otherwise 200, and the envelope's item types are kept. A project listed in `limited`
answers 429 with Sentry's rate-limit headers.
"""

from __future__ import annotations

import gzip
import json
import re
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler
from typing import Any

from sentry_sdk.envelope import Envelope

from tests import loopback

#: The one key the stand-in knows (32 hex digits, as Relay's project keys), and its project.
KEY = "a1b2c3d4e5f60718293a4b5c6d7e8f90"
PROJECT = "1"
_AUTH_KEY = re.compile(r"sentry_key=([^,\s]*)")
_PATH = re.compile(r"^/api/([^/]+)/envelope/$")


@dataclass
class Ingest:
    port: int = 0
    keys: dict[str, str] = field(default_factory=lambda: {KEY: PROJECT})
    limited: set[str] = field(default_factory=set)
    received: list[list[str]] = field(default_factory=list)  # item types, per accepted request

    def dsn(self, key: str = KEY, project: str = PROJECT) -> str:
        return f"http://{key}@127.0.0.1:{self.port}/{project}"

    def items(self) -> list[str]:
        return [item for request in self.received for item in request]


def _answer(handler: BaseHTTPRequestHandler, status: int, detail: str, **headers: str) -> None:
    body = json.dumps({"detail": detail}).encode()
    handler.send_response(status)
    for name, value in headers.items():
        handler.send_header(name, value)
    handler.send_header("Content-Type", "application/json")
    handler.send_header("Content-Length", str(len(body)))
    handler.end_headers()
    handler.wfile.write(body)


@contextmanager
def relay_standin() -> Iterator[Ingest]:
    state = Ingest()

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            raw = self.rfile.read(int(self.headers.get("Content-Length", 0)))
            if self.headers.get("Content-Encoding") == "gzip":
                raw = gzip.decompress(raw)
            auth = self.headers.get("X-Sentry-Auth")
            found = _AUTH_KEY.search(auth or "")
            if not auth:
                return _answer(self, 401, "missing authorization information")
            if not found:
                return _answer(self, 401, "bad x-sentry-auth header")
            key = found.group(1)
            if len(key) != 32 or not key.isascii():
                return _answer(self, 400, "bad sentry DSN public key")
            path = _PATH.match(self.path)
            envelope = Envelope.deserialize(raw)
            if not envelope.items:
                return _answer(self, 200, "")  # Relay: empty envelope, no project check
            if path is None or state.keys.get(key) != path.group(1):
                return _answer(self, 403, "event submission rejected with_reason: ProjectId")
            if path.group(1) in state.limited:
                return _answer(
                    self,
                    429,
                    "rate limited",
                    **{
                        "Retry-After": "60",
                        "X-Sentry-Rate-Limits": "60::organization:usage_exceeded",
                    },
                )
            state.received.append([item.type or "" for item in envelope.items])
            return _answer(self, 200, "")

        def log_message(self, *args: Any) -> None:
            """Quiet."""

    with loopback.serve(Handler) as port:
        state.port = port
        yield state
