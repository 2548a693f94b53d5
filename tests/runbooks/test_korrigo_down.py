"""runbooks/korrigo-down.md, against a loopback stand-in of Korrigo's health views
(tests/korrigo_standin.py: Korrigo's answers, from backend/core/views_health.py at 45872b4).
"""

from __future__ import annotations

import json
import socket
import ssl
from collections.abc import Iterator
from contextlib import suppress
from pathlib import Path

import pytest

from korrigo_sentry import alerts
from korrigo_sentry.oncall.checks import korrigo_down
from tests.korrigo_standin import (
    ALIVE,
    Korrigo,
    korrigo_standin,
    point_backend_at,
    point_monitor_at,
)
from tests.runbooks.conftest import Run, all_ok, first_failure
from tests.test_send_test import make_certificate, serving

SLUG = "korrigo-down"


@pytest.fixture
def stand_in(monkeypatch: pytest.MonkeyPatch) -> Iterator[Korrigo]:
    with korrigo_standin(monkeypatch) as state:
        yield state


def test_the_probes_are_korrigos_and_the_monitors() -> None:
    # Korrigo's compose healthcheck: `curl -f http://localhost:8000/api/health/live/`.
    assert korrigo_down.local_url("liveness") == "http://localhost:8000/api/health/live/"
    assert korrigo_down.local_url("readiness") == "http://localhost:8000/api/health/ready/"
    assert korrigo_down.public_url() == "https://korrigo.labomaths.tn/api/health/live/"


def test_a_healthy_korrigo_passes(run_checks: Run, healthy: dict, stand_in: Korrigo) -> None:
    results = run_checks(SLUG, healthy)

    assert all_ok(results)
    port = stand_in.port
    assert [r.verdict.found for r in results] == [
        "first_seen_event, regression_event on monitor korrigo-live (uptime) in production",
        f"http://localhost:{port}/api/health/live/: HTTP 200, alive",
        f"http://127.0.0.1:{port}/api/health/live/: HTTP 200",
        f"http://localhost:{port}/api/health/ready/: HTTP 200, database ok, cache ok, media ok",
    ]
    # As the compose healthcheck asks: Host localhost (Django's ALLOWED_HOSTS must take it).
    assert stand_in.hosts[0] == f"localhost:{port}"


def test_a_changed_rule_fails(
    run_checks: Run, healthy: dict, stand_in: Korrigo, monkeypatch: pytest.MonkeyPatch
) -> None:
    rule = alerts.get_rule(SLUG)
    changed = rule.model_copy(update={"triggers": ("first_seen_event",)})
    monkeypatch.setattr(alerts, "get_rule", lambda rule_id: changed)

    step, found = first_failure(run_checks(SLUG, healthy))

    assert step == "rule"
    assert found.endswith(": alerts.yaml changed triggers")


def test_no_web_process_fails_at_live(
    run_checks: Run, healthy: dict, monkeypatch: pytest.MonkeyPatch
) -> None:
    with socket.socket() as free:  # a port nothing listens on once closed
        free.bind(("127.0.0.1", 0))
        port = free.getsockname()[1]
    point_backend_at(monkeypatch, port)

    results = run_checks(SLUG, healthy)

    assert first_failure(results) == (
        "live",
        f"http://localhost:{port}/api/health/live/: localhost:{port} refused the connection: "
        "nothing listens there",
    )
    assert [r.verdict for r in results[2:]] == [None, None]  # public, ready: not run
    assert results[1].if_not == (
        "go to [The web process is down or stuck](#the-web-process-is-down-or-stuck)."
    )


def test_a_refused_host_header_is_alive_and_said(
    run_checks: Run, healthy: dict, stand_in: Korrigo, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Django's DisallowedHost answer with DEBUG off: 400 "Bad Request (400)". The process
    # runs, so the step passes and the next ones run; the reader learns why Docker calls
    # the container unhealthy.
    stand_in.answers["/api/health/live/"] = (400, "<h1>Bad Request (400)</h1>")
    stand_in.answers["/edge/"] = ALIVE  # the public name is allowed
    point_monitor_at(monkeypatch, f"http://127.0.0.1:{stand_in.port}/edge/")

    results = run_checks(SLUG, healthy)

    assert all_ok(results)
    assert results[1].verdict.found == (
        f"http://localhost:{stand_in.port}/api/health/live/: HTTP 400: Django runs but refuses "
        "the Host localhost (ALLOWED_HOSTS), so the compose healthcheck fails too"
    )


def test_a_live_probe_answering_otherwise_shows_the_answer(
    run_checks: Run, healthy: dict, stand_in: Korrigo
) -> None:
    stand_in.answers["/api/health/live/"] = (200, {"status": "starting"})

    step, found = first_failure(run_checks(SLUG, healthy))

    assert (step, found) == (
        "live",
        f'http://localhost:{stand_in.port}/api/health/live/: HTTP 200 {{"status": "starting"}}',
    )


def test_nginx_without_its_upstream_fails_at_public(
    run_checks: Run, healthy: dict, stand_in: Korrigo, monkeypatch: pytest.MonkeyPatch
) -> None:
    gateway = "<html><head><title>502 Bad Gateway</title></head>" + " " * 200 + "</html>"
    stand_in.answers["/proxied/"] = (502, gateway)
    point_monitor_at(monkeypatch, f"http://127.0.0.1:{stand_in.port}/proxied/")

    results = run_checks(SLUG, healthy)

    assert first_failure(results) == (
        "public",
        f"http://127.0.0.1:{stand_in.port}/proxied/: HTTP 502 <html><head><title>502 Bad "
        "Gateway</title></head>" + " " * 71 + "...",  # the first 120 characters
    )
    assert results[2].if_not == "go to [The proxy in front (nginx)](#the-proxy-in-front-nginx)."


def test_an_untrusted_certificate_fails_at_public_and_points_at_tls(
    run_checks: Run, healthy: dict, stand_in: Korrigo, monkeypatch: pytest.MonkeyPatch,
    tmp_path: Path,
) -> None:  # fmt: skip
    cert, key = make_certificate(tmp_path, "IP:127.0.0.1")
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(cert, key)

    def handshake(conn: socket.socket) -> None:
        # The client refuses the certificate: the handshake fails here.
        with suppress(ssl.SSLError, OSError):
            context.wrap_socket(conn, server_side=True).close()

    with serving(handshake) as port:
        point_monitor_at(monkeypatch, f"https://127.0.0.1:{port}/api/health/live/")
        results = run_checks(SLUG, healthy)

    assert first_failure(results) == (
        "public",
        f"127.0.0.1:{port}'s TLS certificate is refused: self-signed certificate",
    )
    assert results[2].if_not == "go to [DNS or the TLS certificate](#dns-or-the-tls-certificate)."


def test_a_name_that_does_not_resolve_fails_at_public_and_points_at_dns(
    run_checks: Run, healthy: dict, stand_in: Korrigo, monkeypatch: pytest.MonkeyPatch
) -> None:
    resolve = socket.getaddrinfo

    def no_such_name(host: str, *args: object, **kwargs: object) -> object:
        if host == "korrigo.example":  # the resolver's answer, without asking one
            raise socket.gaierror(socket.EAI_NONAME, "Name or service not known")
        return resolve(host, *args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(socket, "getaddrinfo", no_such_name)
    point_monitor_at(monkeypatch, "https://korrigo.example/api/health/live/")

    results = run_checks(SLUG, healthy)

    assert first_failure(results) == ("public", "korrigo.example does not resolve from here (DNS)")
    assert results[2].if_not == "go to [DNS or the TLS certificate](#dns-or-the-tls-certificate)."


def test_the_public_step_is_skipped_offline(stand_in: Korrigo) -> None:
    from korrigo_sentry.oncall import checks

    verdict = checks.run_step(korrigo_down.CHECKS.step("public"), checks.Here(network=False))

    assert (verdict.ok, verdict.found) == (True, "not checked (--offline)")
    assert stand_in.hosts == []


def test_a_database_down_fails_at_ready_and_names_it(
    run_checks: Run, healthy: dict, stand_in: Korrigo
) -> None:
    stand_in.answers["/api/health/ready/"] = (503, {
        "status": "not_ready",
        "checks": {"database": "error: connection refused", "cache": "ok", "media": "ok"},
    })  # fmt: skip

    step, found = first_failure(run_checks(SLUG, healthy))

    assert (step, found) == (
        "ready",
        f"http://localhost:{stand_in.port}/api/health/ready/: HTTP 503, database: error: "
        "connection refused",
    )


def test_a_readiness_answer_without_checks_is_shown(
    run_checks: Run, healthy: dict, stand_in: Korrigo
) -> None:
    stand_in.answers["/api/health/ready/"] = (200, "ok")

    assert first_failure(run_checks(SLUG, healthy)) == (
        "ready",
        f"http://localhost:{stand_in.port}/api/health/ready/: HTTP 200 ok",
    )


def test_a_silent_server_is_a_timeout() -> None:
    with socket.socket() as silent:  # accepts connections (backlog), never answers
        silent.bind(("127.0.0.1", 0))
        silent.listen(8)
        port = silent.getsockname()[1]
        answer = korrigo_down.get(f"http://127.0.0.1:{port}/", 0.3, local=True)

    assert (answer.status, answer.failure) == (
        None,
        f"127.0.0.1:{port} did not answer within 0.3 s",
    )


def test_a_proxy_of_the_environment_never_answers_for_localhost(
    stand_in: Korrigo, monkeypatch: pytest.MonkeyPatch
) -> None:
    with socket.socket() as free:
        free.bind(("127.0.0.1", 0))
        dead = free.getsockname()[1]
    monkeypatch.setenv("http_proxy", f"http://127.0.0.1:{dead}")
    monkeypatch.delenv("no_proxy", raising=False)
    monkeypatch.delenv("NO_PROXY", raising=False)

    answer = korrigo_down.get(korrigo_down.local_url("liveness"), 2, local=True)

    assert (answer.status, json.loads(answer.body)) == ALIVE
