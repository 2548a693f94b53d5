"""A loopback stand-in for Korrigo's backend: its health views, where the korrigo-down
runbook's checks look for them.

What it answers is Korrigo's (45872b4, backend/core/views_health.py): liveness
`{"status": "alive"}` with 200; readiness 200 `{"status": "ready", "checks": {"database":
"ok", "cache": "ok", "media": "ok"}}`, or 503 `"not_ready"` with the failing check's
`"error: ..."`. The backend's port (korrigo.yaml's `web_bind`) and the uptime monitor's URL
(alerts.yaml) are pointed at it for the test only.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field

import pytest
from werkzeug import Request, Response

from korrigo_sentry import alerts
from korrigo_sentry.korrigo import korrigo
from korrigo_sentry.oncall.checks import korrigo_down
from tests import loopback

RULE = "korrigo-down"
ALIVE = (200, {"status": "alive"})
READY = (200, {"status": "ready", "checks": {"database": "ok", "cache": "ok", "media": "ok"}})


@dataclass
class Korrigo:
    """What the stand-in answers on each path, and the Host headers it was sent."""

    answers: dict[str, tuple[int, object]] = field(
        default_factory=lambda: {"/api/health/live/": ALIVE, "/api/health/ready/": READY}
    )
    hosts: list[str] = field(default_factory=list)
    port: int = 0


@contextmanager
def korrigo_standin(monkeypatch: pytest.MonkeyPatch) -> Iterator[Korrigo]:
    """Korrigo's backend on loopback: the container's port and the public URL lead to it."""
    state = Korrigo()

    def answer(request: Request) -> Response:
        state.hosts.append(request.headers["Host"])
        status, body = state.answers.get(request.path, (404, "<h1>Not Found</h1>"))
        return Response(body if isinstance(body, str) else json.dumps(body), status)

    with loopback.server() as server:
        server.expect_request(re.compile(".*"), method="GET").respond_with_handler(answer)
        state.port = server.port
        point_backend_at(monkeypatch, server.port)
        point_monitor_at(monkeypatch, f"http://127.0.0.1:{server.port}/api/health/live/")
        yield state


def point_backend_at(monkeypatch: pytest.MonkeyPatch, port: int) -> None:
    """korrigo.yaml's `web_bind`, as the checks read it, on `port`."""
    facts = korrigo()
    bind = facts.web_bind.model_copy(update={"value": f"0.0.0.0:{port}"})
    moved = facts.model_copy(update={"web_bind": bind})
    monkeypatch.setattr(korrigo_down, "korrigo", lambda: moved)


def point_monitor_at(monkeypatch: pytest.MonkeyPatch, url: str) -> None:
    """The uptime monitor of alerts.yaml, as the checks read it, requesting `url`."""
    real = alerts.get_rule
    rule = real(RULE)
    moved = rule.model_copy()
    moved._monitors = (rule.monitor.model_copy(update={"url": url}),)  # the rule's monitor
    monkeypatch.setattr(
        alerts, "get_rule", lambda rule_id: moved if rule_id == RULE else real(rule_id)
    )
