"""The drills' count of events lost to a failing hook, read from what the real SDK sends
(its client reports and the skeletons Korrigo's guard sends); no stack needed."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import pytest
import sentry_sdk
from pytest_httpserver import HTTPServer

from drills.losses import losses
from drills.tap import Item, parse_envelope
from korrigo_sentry.privacy import guard
from korrigo_sentry.testing import reset_scopes
from tests import loopback


@pytest.fixture
def ingest(httpserver: HTTPServer) -> Iterator[str]:
    """A DSN whose ingest (`httpserver`) accepts every envelope."""
    reset_scopes()
    httpserver.expect_request("/api/1/envelope/", method="POST").respond_with_data(b"{}")
    yield loopback.dsn(httpserver, "public")
    sentry_sdk.get_client().close()
    reset_scopes()


def _items(httpserver: HTTPServer) -> list[Item]:
    """Every item the SDK sent, as the tap records it."""
    out = []
    for request in loopback.requests(httpserver):
        for header, payload in parse_envelope(loopback.body(request)):
            kind = header.get("type", "")
            data = json.loads(payload) if kind in ("event", "client_report") else {}
            out.append(Item("1", kind, 200, data, payload))
    return out


def _raising(event: Any, hint: Any) -> Any:
    raise RuntimeError("a rule failed")


def test_an_event_dropped_by_a_raising_hook_is_counted(ingest: str, httpserver: HTTPServer) -> None:
    sentry_sdk.init(dsn=ingest, before_send=_raising, auto_enabling_integrations=False)
    sentry_sdk.capture_message("lost")
    sentry_sdk.capture_message("lost too")
    sentry_sdk.flush()  # forces the client report, as a process's shutdown does
    cost = losses(_items(httpserver))
    assert (cost.items, cost.lost, cost.skeletons) == (0, 2, 0)
    assert cost.by_category == {"error": 2}
    assert cost.by_reason == {"callback_error": 2}
    assert cost.client_reports >= 1


def test_korrigos_guard_sends_a_skeleton_instead_and_it_is_counted(
    ingest: str, httpserver: HTTPServer
) -> None:
    guard.reset()
    guarded = guard.guarded("before_send", guard.event_skeleton)(_raising)
    sentry_sdk.init(dsn=ingest, before_send=guarded, auto_enabling_integrations=False)
    sentry_sdk.capture_message("degraded")
    sentry_sdk.flush()
    guard.reset()
    cost = losses(_items(httpserver))
    assert (cost.items, cost.lost, cost.skeletons) == (1, 0, 1)


def test_a_clean_run_costs_nothing(ingest: str, httpserver: HTTPServer) -> None:
    sentry_sdk.init(dsn=ingest, auto_enabling_integrations=False)
    sentry_sdk.capture_message("fine")
    sentry_sdk.flush()
    cost = losses(_items(httpserver))
    assert (cost.items, cost.lost, cost.skeletons) == (1, 0, 0)
