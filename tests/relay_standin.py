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

import re
from dataclasses import dataclass, field

from pytest_httpserver import HTTPServer
from werkzeug import Request, Response

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
        return f"http://{key}@{loopback.HOST}:{self.port}/{project}"

    def items(self) -> list[str]:
        return [item for request in self.received for item in request]

    def answer(self, request: Request) -> Response:
        """What Relay answers this request (see the module's docstring)."""
        auth = request.headers.get("X-Sentry-Auth")
        found = _AUTH_KEY.search(auth or "")
        if not auth:
            return _detail(401, "missing authorization information")
        if not found:
            return _detail(401, "bad x-sentry-auth header")
        key = found.group(1)
        if len(key) != 32 or not key.isascii():
            return _detail(400, "bad sentry DSN public key")
        path = _PATH.match(request.path)
        envelope = loopback.envelope(request)
        if not envelope.items:
            return _detail(200, "")  # Relay: empty envelope, no project check
        if path is None or self.keys.get(key) != path.group(1):
            return _detail(403, "event submission rejected with_reason: ProjectId")
        if path.group(1) in self.limited:
            limits = {
                "Retry-After": "60",
                "X-Sentry-Rate-Limits": "60::organization:usage_exceeded",
            }
            return _detail(429, "rate limited", **limits)
        self.received.append([item.type or "" for item in envelope.items])
        return _detail(200, "")


def _detail(status: int, detail: str, **headers: str) -> Response:
    return loopback.answer(status, {"detail": detail}, **headers)


def standin(httpserver: HTTPServer) -> Ingest:
    """Make `httpserver` answer every POST as Relay does."""
    state = Ingest(port=httpserver.port)
    httpserver.expect_request(re.compile(".*"), method="POST").respond_with_handler(state.answer)
    return state
