"""The drills' count of events lost to a failing hook, read from what the real SDK sends
(its client reports and the skeletons Korrigo's guard sends); no stack needed."""

from __future__ import annotations

import gzip
import json
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler
from typing import Any

import pytest
import sentry_sdk

from drills.losses import losses
from drills.tap import Item, parse_envelope
from korrigo_sentry.privacy import guard
from korrigo_sentry.testing import reset_scopes
from tests.loopback import serve

BODIES: list[bytes] = []


class _Ingest(BaseHTTPRequestHandler):
    def do_POST(self) -> None:
        body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
        gzipped = self.headers.get("Content-Encoding") == "gzip"
        BODIES.append(gzip.decompress(body) if gzipped else body)
        self.send_response(200)
        self.send_header("Content-Length", "2")
        self.end_headers()
        self.wfile.write(b"{}")

    def log_message(self, *args: Any) -> None:
        pass


@pytest.fixture
def ingest() -> Iterator[str]:
    BODIES.clear()
    reset_scopes()
    with serve(_Ingest) as port:
        yield f"http://public@127.0.0.1:{port}/1"
    sentry_sdk.get_client().close()
    reset_scopes()


def _items() -> list[Item]:
    out = []
    for body in BODIES:
        for header, payload in parse_envelope(body):
            kind = header.get("type", "")
            data = json.loads(payload) if kind in ("event", "client_report") else {}
            out.append(Item("1", kind, 200, data, payload))
    return out


def _raising(event: Any, hint: Any) -> Any:
    raise RuntimeError("a rule failed")


def test_an_event_dropped_by_a_raising_hook_is_counted(ingest: str) -> None:
    sentry_sdk.init(dsn=ingest, before_send=_raising, auto_enabling_integrations=False)
    sentry_sdk.capture_message("lost")
    sentry_sdk.capture_message("lost too")
    sentry_sdk.flush()  # forces the client report, as a process's shutdown does
    cost = losses(_items())
    assert (cost.items, cost.lost, cost.skeletons) == (0, 2, 0)
    assert cost.by_category == {"error": 2}
    assert cost.by_reason == {"callback_error": 2}
    assert cost.client_reports >= 1


def test_korrigos_guard_sends_a_skeleton_instead_and_it_is_counted(ingest: str) -> None:
    guard.reset()
    guarded = guard.guarded("before_send", guard.event_skeleton)(_raising)
    sentry_sdk.init(dsn=ingest, before_send=guarded, auto_enabling_integrations=False)
    sentry_sdk.capture_message("degraded")
    sentry_sdk.flush()
    guard.reset()
    cost = losses(_items())
    assert (cost.items, cost.lost, cost.skeletons) == (1, 0, 1)


def test_a_clean_run_costs_nothing(ingest: str) -> None:
    sentry_sdk.init(dsn=ingest, auto_enabling_integrations=False)
    sentry_sdk.capture_message("fine")
    sentry_sdk.flush()
    cost = losses(_items())
    assert (cost.items, cost.lost, cost.skeletons) == (1, 0, 0)
