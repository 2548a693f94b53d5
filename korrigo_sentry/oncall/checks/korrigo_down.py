"""Quick checks of runbooks/korrigo-down.md: does Korrigo answer the probe Sentry's uptime
monitor requests, here in the backend container and through the public address?

What Korrigo answers (Korrigo at 45872b4, `backend/core/views_health.py`): the liveness
probe 200 `{"status": "alive"}` without touching the database; the readiness probe 200
`{"status": "ready", "checks": {...}}`, or 503 `{"status": "not_ready", ...}` when one of
its `database`, `cache` or `media` checks is not `ok`. Its compose healthcheck requests
`http://localhost:8000/api/health/live/` inside the backend container
(`infra/docker/docker-compose.local-prod.yml`); the paths and the port are korrigo.yaml's
(`probe_paths`, `web_bind`), the public URL the monitor's (alerts.yaml).

Written with urllib rather than through `delivery`: that module's sentences speak of a DSN
and Sentry's ingest; these speak of Korrigo's own address.
"""

from __future__ import annotations

import json
import socket
import ssl
import urllib.error
import urllib.parse
import urllib.request
from dataclasses import dataclass

from korrigo_sentry.korrigo import korrigo
from korrigo_sentry.oncall.checks import Here, RunbookChecks, Step, Verdict, steps

RULE = "korrigo-down"
#: Where a failure of the public address sends the reader (headings of the page).
DNS_OR_TLS = "go to [DNS or the TLS certificate](#dns-or-the-tls-certificate)."
PROXY = "go to [The proxy in front (nginx)](#the-proxy-in-front-nginx)."
BODY_SHOWN = 120  # characters of an unexpected answer shown


def public_url() -> str:
    """The URL the uptime monitor requests (alerts.yaml)."""
    from korrigo_sentry.alerts import get_rule
    from korrigo_sentry.alerts.rules import UptimeMonitor

    monitor = get_rule(RULE).monitor
    if not isinstance(monitor, UptimeMonitor):  # the `rule` step says so first
        raise LookupError(f"alerts.yaml: {RULE} is not on an uptime monitor")
    return str(monitor.url)


def local_url(probe: str) -> str:
    """A probe inside the backend container, as Korrigo's compose healthcheck requests it."""
    return f"http://localhost:{korrigo().web_port}{korrigo().probe(probe).path}"


@dataclass(frozen=True)
class Answer:
    """What a GET got: an HTTP status and body, or why there was none."""

    status: int | None
    body: str = ""
    failure: str = ""  # one sentence when no HTTP answer came
    dns_or_tls: bool = False  # the failure was the name or the certificate


def get(url: str, timeout: float, *, local: bool = False) -> Answer:
    """GET `url`; redirects followed (as Sentry's checks do). `local`: no proxy, ever."""
    import certifi

    from korrigo_sentry.oncall.tls import LazyHTTPSHandler

    tls = LazyHTTPSHandler(lambda: ssl.create_default_context(cafile=certifi.where()))
    handlers: list[urllib.request.BaseHandler] = [tls]
    if local:  # a proxy of the container's environment must not answer for localhost
        handlers.append(urllib.request.ProxyHandler({}))
    opener = urllib.request.build_opener(*handlers)
    host = urllib.parse.urlsplit(url).netloc
    try:
        with opener.open(urllib.request.Request(url), timeout=timeout) as response:
            return Answer(response.status, _text(response.read()))
    except urllib.error.HTTPError as error:
        return Answer(error.code, _text(error.read()))
    except (urllib.error.URLError, OSError) as error:
        reason = error.reason if isinstance(error, urllib.error.URLError) else error
        return _no_answer(reason, host, timeout)


def _text(body: bytes) -> str:
    return body.decode("utf-8", "replace").strip()


def _no_answer(reason: object, host: str, timeout: float) -> Answer:
    if isinstance(reason, socket.gaierror):
        return Answer(None, failure=f"{host} does not resolve from here (DNS)", dns_or_tls=True)
    if isinstance(reason, ssl.SSLCertVerificationError):
        detail = reason.verify_message or str(reason)
        return Answer(None, failure=f"{host}'s TLS certificate is refused: {detail}",
                      dns_or_tls=True)  # fmt: skip
    if isinstance(reason, ConnectionRefusedError):
        return Answer(None, failure=f"{host} refused the connection: nothing listens there")
    if isinstance(reason, TimeoutError | socket.timeout) or "timed out" in str(reason):
        return Answer(None, failure=f"{host} did not answer within {timeout:g} s")
    return Answer(None, failure=f"{host}: {reason}")


def _shown(answer: Answer) -> str:
    body = answer.body if len(answer.body) <= BODY_SHOWN else answer.body[:BODY_SHOWN] + "..."
    return f"HTTP {answer.status} {body}".rstrip()


def _json(body: str) -> dict[str, object]:
    try:
        data = json.loads(body)
    except ValueError:
        return {}
    return data if isinstance(data, dict) else {}


def live_here(here: Here) -> Verdict:
    """The liveness probe, from inside the backend container."""
    url = local_url("liveness")
    answer = get(url, here.timeout, local=True)
    if answer.status is None:
        return Verdict(False, f"{url}: {answer.failure}")
    alive = answer.status == 200 and _json(answer.body).get("status") == "alive"
    if alive:
        return Verdict(True, f"{url}: HTTP 200, alive")
    if answer.status == 400:  # Django answers a Host it does not allow with 400: it runs
        return Verdict(True, f"{url}: HTTP 400: Django runs but refuses the Host localhost "
                       "(ALLOWED_HOSTS), so the compose healthcheck fails too")  # fmt: skip
    return Verdict(False, f"{url}: {_shown(answer)}")


def public_answers(here: Here) -> Verdict:
    """The monitor's own URL, from this server: DNS, TLS and the proxy in front."""
    url = public_url()
    answer = get(url, here.timeout)
    if answer.status is None:
        return Verdict(False, answer.failure, DNS_OR_TLS if answer.dns_or_tls else PROXY)
    if 200 <= answer.status < 300:
        return Verdict(True, f"{url}: HTTP {answer.status}")
    return Verdict(False, f"{url}: {_shown(answer)}", PROXY)


def ready_here(here: Here) -> Verdict:
    """The readiness probe: the database, the cache and the media folder, as Korrigo sees them."""
    url = local_url("readiness")
    answer = get(url, here.timeout, local=True)
    if answer.status is None:
        return Verdict(False, f"{url}: {answer.failure}")
    checks = _json(answer.body).get("checks")
    parts = checks if isinstance(checks, dict) else {}
    failing = {name: value for name, value in parts.items() if value != "ok"}
    if answer.status == 200 and parts and not failing:
        return Verdict(True, f"{url}: HTTP 200, {', '.join(f'{k} ok' for k in parts)}")
    if failing:
        named = "; ".join(f"{name}: {value}" for name, value in failing.items())
        return Verdict(False, f"{url}: HTTP {answer.status}, {named}")
    return Verdict(False, f"{url}: {_shown(answer)}")


CHECKS = RunbookChecks(
    RULE,
    "backend",
    (
        Step(
            "rule",
            "The alert is the one this page describes.",
            "new and returning downtime issues of the uptime monitor, in production.",
            "alerts.yaml changed since this page was built; read the [alert](#korrigo-down) again.",
            steps.rule_is(RULE, kind="uptime", triggers=("first_seen_event", "regression_event")),
        ),
        Step(
            "live",
            "Korrigo's web process answers its liveness probe in this container.",
            f"`{local_url('liveness')}`: HTTP 200, alive.",
            "go to [The web process is down or stuck](#the-web-process-is-down-or-stuck).",
            live_here,
        ),
        Step(
            "public",
            "The public address answers the monitor's probe from this server.",
            "the monitor's URL answers HTTP 2xx, through DNS, TLS and nginx.",
            "go to [The proxy in front (nginx)](#the-proxy-in-front-nginx).",
            public_answers,
            network=True,
        ),
        Step(
            "ready",
            "Korrigo can serve its users: database, cache and media folder.",
            "HTTP 200 and every check `ok`.",
            "go to [A service Korrigo needs is down](#a-service-korrigo-needs-is-down).",
            ready_here,
        ),
    ),
)
