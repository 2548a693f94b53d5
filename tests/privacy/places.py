"""The places a Django/Celery/Redis application really puts secrets, one plant each.

Every plant uses a fresh random canary (`canaries`), goes through a real integration
where one exists (the demo app over WSGI, Celery eager, fakeredis, SQLite through the
ORM, urllib and requests to a loopback server, subprocess, logging), and names its
carrier: the event, span, breadcrumb, header or attachment that must exist afterwards
(no safety by silence). `keep` names harmless text that must survive next to the secret.
"""

from __future__ import annotations

import http.client
import importlib.util
import json
import logging
import re
import subprocess
import sys
import urllib.request
from collections.abc import Callable
from dataclasses import dataclass, make_dataclass
from pathlib import Path
from types import SimpleNamespace
from typing import Any
from urllib.parse import quote

import requests
import sentry_sdk

import demo
from tests.privacy import canaries as c
from tests.privacy.sent import Sent


@dataclass
class Ctx:
    """What plants share: the loopback server's base URL and a scratch directory."""

    url: str
    tmp: Path


Plant = Callable[[Ctx], list[str]]
Carrier = Callable[[Sent], Any]


@dataclass(frozen=True)
class Place:
    name: str
    area: str
    secret: str
    plant: Plant
    carrier: Carrier
    keep: str | None = None
    #: `init_sentry` options this place needs besides Korrigo's (span streaming)
    options: tuple[tuple[str, Any], ...] = ()


PLACES: list[Place] = []


def place(
    area: str,
    secret: str,
    carrier: Carrier,
    keep: str | None = None,
    options: tuple[tuple[str, Any], ...] = (),
):
    def register(plant: Plant) -> Plant:
        PLACES.append(Place(plant.__name__, area, secret, plant, carrier, keep, options))
        return plant

    return register


def carrier_event(s: Sent) -> Any:
    return s.events


def _txn(name: str = "fuzz") -> Any:
    return sentry_sdk.start_transaction(name=name, op="task", source="task")


def _capture(message: str = "fuzz carrier") -> None:
    sentry_sdk.capture_message(message, level="error")


def _raise_in(function: Callable[..., None], *args: Any, **kwargs: Any) -> None:
    try:
        function(*args, **kwargs)
    except Exception as error:
        sentry_sdk.capture_exception(error)


log = logging.getLogger("korrigo.fuzz")
log.setLevel(logging.INFO)  # INFO records become breadcrumbs (settings.INTEGRATIONS)
log.addHandler(logging.NullHandler())  # Sentry's integration hooks in before any handler
log.propagate = False  # no "last resort" printing on the test's stderr


def _req(s: Sent) -> list[Any]:
    return [e.get("request") for e in s.events + s.transactions if e.get("request")]


def _headers(s: Sent) -> list[Any]:
    return [r.get("headers") for r in _req(s) if r.get("headers")]


# --- Django over WSGI (the demo app, its middleware and sessions) ----------------------


@place(
    "django request",
    "reset token in the URL path",
    lambda s: _req(s) and s.transactions,
    keep="/reset/",
)
def reset_token_path(ctx: Ctx) -> list[str]:
    token = c.token(16)
    demo.client().get(f"/reset/MTI/{token}/")
    return [token]


@place("django request", "uidb64 in the URL path", lambda s: _req(s), keep="/reset/")
def reset_uidb64_path(ctx: Ctx) -> list[str]:
    uid = c.token(8)
    demo.client().get(f"/reset/{uid}/set-password/")
    return [uid]


@place("django request", "OAuth code query parameter", _req, keep="oauth/callback")
def oauth_code(ctx: Ctx) -> list[str]:
    code = c.token(10)
    demo.client().get(f"/oauth/callback/?code={code}&state=ok")
    return [code]


@place("django request", "OAuth state query parameter", _req)
def oauth_state(ctx: Ctx) -> list[str]:
    state = c.token(10)
    demo.client().get(f"/oauth/callback/?state={state}")
    return [state]


@place("django request", "student's name in a search query", lambda s: s.transactions)
def search_query(ctx: Ctx) -> list[str]:
    name, needles = c.student_name()
    demo.client().get("/students/search/", query_string={"q": name})
    return needles


@place("django request", "student's e-mail in a query parameter", _req)
def email_query(ctx: Ctx) -> list[str]:
    value, needles = c.email()
    demo.client().get("/boom/", query_string={"contact": value, "page": "2"})
    return needles


@place("django request", "`X-Amz-Signature` of a signed URL", _req)
def amz_signature_query(ctx: Ctx) -> list[str]:
    sig = c.token(32)
    demo.client().get(f"/boom/?X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Signature={sig}")
    return [sig]


@place("django request", "`Authorization: Bearer` header", _headers)
def bearer_header(ctx: Ctx) -> list[str]:
    token = c.token(4)  # short bearer tokens too
    demo.client().get("/boom/", headers={"Authorization": f"Bearer {token}"})
    return [token]


@place("django request", "`Authorization: Basic` header", _headers)
def basic_header(ctx: Ctx) -> list[str]:
    import base64

    creds = f"teacher:{c.token(8)}"
    value = base64.b64encode(creds.encode()).decode()
    demo.client().get("/boom/", headers={"Authorization": f"Basic {value}"})
    return [value, creds.split(":")[1]]


@place("django request", "session cookie", _req)
def session_cookie(ctx: Ctx) -> list[str]:
    client = demo.client()
    value = c.token(16)
    client.set_cookie("sessionid", value)
    client.get("/boom/")
    return [value]


@place("django request", "signed session set by the view (`Set-Cookie`)", _req)
def session_set_by_view(ctx: Ctx) -> list[str]:
    client = demo.client()
    token = c.token(16)
    client.get(f"/reset/MTI/{token}/")  # the view writes the session
    return [token]


@place("django request", "`Referer` holding a reset link", _headers)
def referer_header(ctx: Ctx) -> list[str]:
    token = c.token(16)
    demo.client().get("/boom/", headers={"Referer": f"https://korrigo.example/reset/MTI/{token}/"})
    return [token]


@place("django request", "`X-Hub-Signature-256` webhook header", _headers)
def hub_signature_header(ctx: Ctx) -> list[str]:
    sig = c.token(32)
    demo.client().get("/boom/", headers={"X-Hub-Signature-256": f"sha256={sig}"})
    return [sig]


@place("django request", "`X-Api-Key` header", _headers)
def api_key_header(ctx: Ctx) -> list[str]:
    key = c.token(12)
    demo.client().get("/boom/", headers={"X-Api-Key": key})
    return [key]


@place("django request", "`X-Student-Name` header (hyphenated key)", _headers)
def student_name_header(ctx: Ctx) -> list[str]:
    name, needles = c.student_name()
    demo.client().get("/boom/", headers={"X-Student-Name": name})
    return needles


@place("django request", "client IP in `X-Forwarded-For`", _req)
def forwarded_for_header(ctx: Ctx) -> list[str]:
    ip, needles = c.ip_address()
    demo.client().get("/boom/", headers={"X-Forwarded-For": ip}, environ_base={"REMOTE_ADDR": ip})
    return needles


@place("django request", "password in a login form body", _req)
def form_password(ctx: Ctx) -> list[str]:
    pw, needles = c.password()
    demo.client().post("/login/", data={"username": "teacher.demo", "password": pw})
    return needles


@place("django request", "e-mail in a JSON body", _req)
def json_body_email(ctx: Ctx) -> list[str]:
    value, needles = c.email()
    demo.client().post("/login/", json={"username": value, "pwd": "x"})
    return needles


@place(
    "django request",
    "incoming `baggage` entry (envelope header)",
    lambda s: [h.get("trace") for h in s.headers if h.get("trace")],
)
def incoming_baggage(ctx: Ctx) -> list[str]:
    value, needles = c.email()
    trace_id = c.token(16)
    demo.client().get(
        "/boom/",
        headers={
            "sentry-trace": f"{trace_id}-{c.token(8)}-1",
            "baggage": f"sentry-trace_id={trace_id},sentry-user_segment={quote(value)},"
            "sentry-sample_rate=1.0",
        },
    )
    return needles


# --- Celery (eager, failing task) -------------------------------------------------------


@place(
    "celery", "student's e-mail as a positional task argument", lambda s: s.frames("notify_student")
)
def celery_args(ctx: Ctx) -> list[str]:
    value, needles = c.email()
    demo.notify_student.delay(value, "Jeanne", 12.5)
    return needles


@place("celery", "student's name as a keyword task argument", lambda s: s.frames("notify_student"))
def celery_kwargs(ctx: Ctx) -> list[str]:
    name, needles = c.student_name()
    demo.notify_student.delay(email="x", student_name=name, grade=3.0)
    return needles


@place("celery", "card number in a task argument (queue span)", lambda s: s.transactions)
def celery_card(ctx: Ctx) -> list[str]:
    value, needles = c.card()
    with _txn():
        demo.notify_student.apply_async(args=("x", value, 1.0))
    return needles


# --- Redis (fakeredis) ---------------------------------------------------------------


@place("redis", "e-mail inside a Redis key (GET)", lambda s: s.span("db.redis"), keep="student")
def redis_key_email(ctx: Ctx) -> list[str]:
    value, needles = c.email()
    with _txn():
        demo.redis().get(f"student:{value}:grades")
        _capture()
    return needles


@place("redis", "reset token as a Redis key (SET)", lambda s: s.span("db.redis"), keep="reset")
def redis_key_token(ctx: Ctx) -> list[str]:
    token = c.token(16)
    with _txn():
        demo.redis().set(f"reset:{token}", "42", ex=60)
    return [token]


@place("redis", "Redis key in a breadcrumb", lambda s: s.crumb("redis"))
def redis_breadcrumb(ctx: Ctx) -> list[str]:
    token = c.token(16)
    with _txn():
        demo.redis().get(f"session:{token}")
        _capture()
    return [token]


@place("redis", "value written with SET", lambda s: s.span("db.redis"))
def redis_value(ctx: Ctx) -> list[str]:
    value, needles = c.iban()
    with _txn():
        demo.redis().set("exam:7:iban", value)
    return needles


@place("redis", "keys of a multi-key command (MGET)", lambda s: s.span("db.redis"))
def redis_mget(ctx: Ctx) -> list[str]:
    a, na = c.email()
    b, nb = c.email()
    with _txn():
        demo.redis().mget(f"student:{a}", f"student:{b}")
    return na + nb


@place("redis", "hash field naming a student (HSET)", lambda s: s.span("db.redis"))
def redis_hset(ctx: Ctx) -> list[str]:
    name, needles = c.student_name()
    with _txn():
        demo.redis().hset("exam:7:scores", name, 14)
    return needles


def _pipeline_spans(s: Sent) -> list[dict[str, Any]]:
    return [sp for sp in s.span("db.redis") if sp.get("description") == "redis.pipeline.execute"]


@place("redis", "reset token in a pipeline's commands (MULTI/EXEC)", _pipeline_spans,
       keep="GET 'exam:7'")  # fmt: skip
def redis_pipeline(ctx: Ctx) -> list[str]:
    token = c.token(16)
    with _txn():
        pipe = demo.redis().pipeline()
        pipe.set(f"reset:{token}", "42", ex=60)
        pipe.get("exam:7")
        pipe.execute()
    return [token]


def _streamed_spans_linked(s: Sent) -> list[dict[str, Any]]:
    """Streamed spans whose segment id survived (a filtered one unlinks them: as good as lost)."""
    return [
        sp
        for sp in s.streamed_spans
        if re.fullmatch(r"[0-9a-f]{16}",
                        str(((sp.get("attributes") or {}).get("sentry.segment.id") or {})
                            .get("value")))
    ]  # fmt: skip


@place(
    "redis",
    "session token in a Redis key (streamed span, `before_send_span`)",
    _streamed_spans_linked,
    keep="session:",
    options=(("trace_lifecycle", "stream"),),
)
def redis_key_streamed(ctx: Ctx) -> list[str]:
    token = c.token(16)
    with sentry_sdk.traces.start_span(name="fuzz segment"):
        demo.redis().get(f"session:{token}")
    return [token]


@place("redis", "`redis://` URL with a percent-encoded password", carrier_event)
def redis_url_message(ctx: Ctx) -> list[str]:
    url, needles = c.url_with_password("redis", "cache.internal:6379/0")

    def connect(url: str) -> None:
        raise ConnectionError(f"cannot reach {url}")

    _raise_in(connect, url)
    return needles


# --- Crons (the SDK's monitor API: check-in items) ---------------------------------------


def _check_ins_paired(s: Sent) -> list[dict[str, Any]]:
    """The check-ins, if their id survived and pairs in_progress with ok (a filtered id
    unpairs them: Sentry would see a job that never finished)."""
    ids = {str(ci.get("check_in_id")) for ci in s.check_ins}
    paired = len(ids) == 1 and re.fullmatch(r"[0-9a-f]{32}", next(iter(ids), "")) is not None
    return s.check_ins if paired and len(s.check_ins) == 2 else []


@place("crons", "teacher's e-mail in a monitor slug (check-in)", _check_ins_paired)
def cron_check_in(ctx: Ctx) -> list[str]:
    value, needles = c.email()

    @sentry_sdk.monitor(monitor_slug=f"digest-{value}")
    def digest() -> None:
        pass

    digest()
    return needles


@place("django cache", "reset token in a cache key (`cache.get`)", lambda s: s.span("cache.get"))
def django_cache_get(ctx: Ctx) -> list[str]:
    from django.core.cache import cache

    token = c.token(16)
    with _txn():
        cache.get(f"reset:{token}")
    return [token]


@place("django cache", "e-mail in a cache key (`cache.set`)", lambda s: s.span("cache.put"))
def django_cache_set(ctx: Ctx) -> list[str]:
    from django.core.cache import cache

    value, needles = c.email()
    with _txn():
        cache.set(f"profile:{value}", {"grade": 12}, 30)
    return needles


# --- SQL (SQLite through the Django ORM) --------------------------------------------------


@place("sql", "ORM filter on a student's name (query parameters)", lambda s: s.span("db"))
def orm_filter(ctx: Ctx) -> list[str]:
    from demo.models import Copy

    name, needles = c.student_name()
    demo.setup()
    with _txn():
        Copy.objects.filter(student_name=name).count()
    return needles


@place("sql", "string literal inlined in raw SQL (span)", lambda s: s.span("db"), keep="SELECT")
def raw_sql_literal(ctx: Ctx) -> list[str]:
    from django.db import connection

    value, needles = c.email()
    demo.setup()
    with _txn(), connection.cursor() as cursor:
        cursor.execute(f"SELECT id FROM korrigo_copy WHERE student_name = '{value}'")
    return needles


@place("sql", "number literal inlined in raw SQL (breadcrumb)", lambda s: s.crumb("query"))
def raw_sql_number(ctx: Ctx) -> list[str]:
    from django.db import connection

    value, needles = c.card()
    demo.setup()
    with _txn(), connection.cursor() as cursor:
        cursor.execute(f"SELECT id FROM korrigo_copy WHERE id = {value.replace(' ', '')}")
        _capture()
    return needles


@place("sql", "`postgres://` URL in a database error", carrier_event)
def postgres_url(ctx: Ctx) -> list[str]:
    url, needles = c.url_with_password("postgres", "db.internal:5432/korrigo")
    log.error("database unreachable: %s", url)
    return needles


# --- outgoing HTTP: urllib and requests against a loopback server ------------------------


@place("urllib", "token in an outgoing query string", lambda s: s.span("http.client"))
def urllib_query(ctx: Ctx) -> list[str]:
    token = c.token(16)
    with _txn():
        urllib.request.urlopen(f"{ctx.url}/api/?access_token={token}&page=1").read()
    return [token]


@place("urllib", "password in the URL's userinfo", lambda s: s.span("http.client"))
def urllib_userinfo(ctx: Ctx) -> list[str]:
    pw, needles = c.password()
    host = ctx.url.split("://", 1)[1]
    connection = http.client.HTTPConnection(host, timeout=5)
    with _txn():
        # An absolute URL in the request line, as a proxy client sends it.
        connection.putrequest(
            "GET", f"http://korrigo:{quote(pw, safe='')}@{host}/ping", skip_host=True
        )
        connection.putheader("Host", host)
        connection.endheaders()
        connection.getresponse().read()
    connection.close()
    return needles


@place("urllib", "`X-Amz-Signature` in a breadcrumb's URL", lambda s: s.crumb("httplib"))
def urllib_amz_crumb(ctx: Ctx) -> list[str]:
    sig = c.token(32)
    with _txn():
        urllib.request.urlopen(f"{ctx.url}/bucket/copy.pdf?X-Amz-Signature={sig}").read()
        _capture()
    return [sig]


@place("urllib", "e-mail in an outgoing URL path", lambda s: s.span("http.client"))
def urllib_email_path(ctx: Ctx) -> list[str]:
    value, needles = c.email()
    with _txn():
        urllib.request.urlopen(f"{ctx.url}/users/{quote(value)}/").read()
    return needles


@place("requests", "reset token in an outgoing URL path", lambda s: s.span("http.client"))
def requests_token_path(ctx: Ctx) -> list[str]:
    token = c.token(16)
    with _txn():
        requests.get(f"{ctx.url}/api/reset/{token}/", timeout=5)
    return [token]


@place("requests", "OAuth code in an outgoing query", lambda s: s.span("http.client"))
def requests_oauth(ctx: Ctx) -> list[str]:
    code = c.token(12)
    with _txn():
        requests.post(f"{ctx.url}/oauth/token", params={"code": code, "grant": "x"}, timeout=5)
    return [code]


@place("requests", "percent-encoded password in userinfo", lambda s: s.span("http.client"))
def requests_userinfo(ctx: Ctx) -> list[str]:
    pw, needles = c.password()
    host = ctx.url.split("://", 1)[1]
    with _txn():
        requests.get(f"http://korrigo:{quote(pw, safe='')}@{host}/ping", timeout=5)
    return needles


@place("requests", "signed URL (`X-Amz-Credential`, AWS key id)", lambda s: s.span("http.client"))
def requests_amz_credential(ctx: Ctx) -> list[str]:
    _, needles = c.aws_pair()
    key_id = needles[0]
    with _txn():
        requests.get(
            f"{ctx.url}/bucket/a.pdf",
            params={"X-Amz-Credential": f"{key_id}/20261129/eu-west-3/s3/aws4_request"},
            timeout=5,
        )
    return [key_id]


# --- subprocess ---------------------------------------------------------------------------


@place("subprocess", "password on a command line", lambda s: s.span("subprocess"))
def subprocess_password(ctx: Ctx) -> list[str]:
    pw, needles = c.password()
    with _txn():
        subprocess.run([sys.executable, "-c", "pass", "--password", pw], check=True)
    return needles


@place("subprocess", "database URL on a command line (breadcrumb)", lambda s: s.crumb("subprocess"))
def subprocess_url(ctx: Ctx) -> list[str]:
    url, needles = c.url_with_password("postgres", "db.internal/korrigo")
    with _txn():
        subprocess.run([sys.executable, "-c", "pass", url], check=True)
        _capture()
    return needles


@place("subprocess", "e-mail as a command argument", lambda s: s.span("subprocess"))
def subprocess_email(ctx: Ctx) -> list[str]:
    value, needles = c.email()
    with _txn():
        subprocess.run([sys.executable, "-c", "pass", "--to", value], check=True)
    return needles


# --- logging ------------------------------------------------------------------------------


@place(
    "logging",
    "e-mail as a `%s` argument (`logentry.params`)",
    carrier_event,
    keep="no mail sent to",
)
def log_arg_email(ctx: Ctx) -> list[str]:
    value, needles = c.email()
    log.error("no mail sent to %s", value)
    return needles


@place("logging", "`pwd=` in a formatted message", carrier_event, keep="login refused")
def log_pwd(ctx: Ctx) -> list[str]:
    pw, needles = c.password()
    log.error(f"login refused pwd={pw}")
    return needles


@place("logging", "`extra={'student_name': ...}`", carrier_event)
def log_extra_name(ctx: Ctx) -> list[str]:
    name, needles = c.student_name()
    log.error("grading failed", extra={"student_name": name})
    return needles


@place("logging", "list of e-mails under `extra`", carrier_event)
def log_extra_list(ctx: Ctx) -> list[str]:
    a, na = c.email()
    b, nb = c.email()
    log.error("report not delivered", extra={"recipients": [a, b]})
    return na + nb


@place("logging", "token in an INFO breadcrumb's message", lambda s: s.crumb("korrigo.fuzz"))
def log_crumb_message(ctx: Ctx) -> list[str]:
    token = c.token(4)
    log.info("retrying with bearer %s", token)
    _capture()
    return [token]


@place("logging", "`password=` in a WARNING breadcrumb (text kept around it)",
       lambda s: s.crumb("korrigo.fuzz"), keep="login failed for copy 12, password=")  # fmt: skip
def log_crumb_password_pair(ctx: Ctx) -> list[str]:
    pw, needles = c.password()
    log.warning("login failed for copy 12, password=%s from the kiosk", pw)
    _capture()
    return needles


@place(
    "logging",
    'reset token in a breadcrumb that says "password" (text kept)',
    lambda s: s.crumb("korrigo.fuzz"),
    keep="password reset e-mail sent, link token:",
)
def log_crumb_password_word(ctx: Ctx) -> list[str]:
    token = c.token(16)
    log.info("password reset e-mail sent, link token: %s (auth/views.py:88)", token)
    _capture()
    return [token]


@place("logging", "IBAN in an INFO breadcrumb's `extra`", lambda s: s.crumb("korrigo.fuzz"))
def log_crumb_extra(ctx: Ctx) -> list[str]:
    value, needles = c.iban()
    log.info("refund queued", extra={"account": value})
    _capture()
    return needles


@place("logging", "GitHub token in a log message", carrier_event)
def log_github(ctx: Ctx) -> list[str]:
    value, needles = c.github_token()
    log.error("deploy hook failed with %s", value)
    return needles


@place("logging", "JWT in `log.exception`'s exception", carrier_event)
def log_exception_jwt(ctx: Ctx) -> list[str]:
    value, needles = c.jwt()

    def check(v: str) -> None:
        try:
            raise PermissionError(f"expired: {v}")
        except PermissionError:
            log.exception("session check failed")

    check(value)  # raised in a helper: the plant's own locals (its needles) stay out
    return needles


@place("logging", "dict passed as the only `%s` argument", carrier_event)
def log_dict_arg(ctx: Ctx) -> list[str]:
    value, needles = c.phone_fr()
    log.error("sms not sent: %s", {"to": value, "exam": 7})
    return needles


# --- the scope API ------------------------------------------------------------------------


@place("scope", "tag with a secret key (`reset_token`)", carrier_event)
def tag_key(ctx: Ctx) -> list[str]:
    token = c.token(16)
    sentry_sdk.set_tag("reset_token", token)
    _capture()
    return [token]


@place("scope", "tag whose value is an e-mail", carrier_event)
def tag_email(ctx: Ctx) -> list[str]:
    value, needles = c.email()
    sentry_sdk.set_tag("recipient", value)
    _capture()
    return needles


@place("scope", "Google API key in a tag", carrier_event)
def tag_google(ctx: Ctx) -> list[str]:
    value, needles = c.google_key()
    sentry_sdk.set_tag("maps", value)
    _capture()
    return needles


@place("scope", "context with a student's name", carrier_event)
def context_student(ctx: Ctx) -> list[str]:
    name, needles = c.student_name()
    sentry_sdk.set_context("copy", {"copy_id": 3, "student-name": name})
    _capture()
    return needles


@place("scope", "context nested past the SDK's depth limit", carrier_event)
def context_deep(ctx: Ctx) -> list[str]:
    pw, needles = c.password()
    sentry_sdk.set_context("deep", {"a": {"b": {"c": {"d": {"e": {"f": {"password": pw}}}}}}})
    _capture()
    return needles


@place("scope", "Stripe key in a context", carrier_event)
def context_stripe(ctx: Ctx) -> list[str]:
    value, needles = c.stripe_key()
    sentry_sdk.set_context("billing", {"client": value})
    _capture()
    return needles


@place("scope", "Slack token in `extra`", carrier_event)
def extra_slack(ctx: Ctx) -> list[str]:
    value, needles = c.slack_token()
    sentry_sdk.set_extra("webhook", value)
    _capture()
    return needles


@place("scope", "`extra['ocr_text']`", carrier_event)
def extra_ocr(ctx: Ctx) -> list[str]:
    name, needles = c.student_name()
    sentry_sdk.set_extra("ocr_text", f"Nom: {name}. Question 1: ...")
    _capture()
    return needles


@place("scope", "`extra['iban']`", carrier_event)
def extra_iban(ctx: Ctx) -> list[str]:
    value, needles = c.iban()
    sentry_sdk.set_extra("iban", value)
    _capture()
    return needles


@place("scope", "`extra['student-name']` (hyphenated key)", carrier_event)
def extra_hyphen(ctx: Ctx) -> list[str]:
    name, needles = c.student_name()
    sentry_sdk.set_extra("student-name", name)
    _capture()
    return needles


@place("scope", "`extra` list of students' names", carrier_event)
def extra_student_list(ctx: Ctx) -> list[str]:
    a, na = c.student_name()
    b, nb = c.student_name()
    sentry_sdk.set_extra("students", [a, b])
    _capture()
    return na + nb


@place("scope", "`extra` with bytes holding a bearer token", carrier_event)
def extra_bytes(ctx: Ctx) -> list[str]:
    token = c.token(12)
    sentry_sdk.set_extra("raw_header", f"Authorization: Bearer {token}".encode())
    _capture()
    return [token]


@place("scope", "`set_user` e-mail and username", carrier_event)
def user_email(ctx: Ctx) -> list[str]:
    value, needles = c.email()
    sentry_sdk.set_user({"id": 42, "email": value, "username": needles[1]})
    _capture()
    return needles


@place("scope", "`set_user` IP address", carrier_event)
def user_ip(ctx: Ctx) -> list[str]:
    ip, needles = c.ip_address()
    sentry_sdk.set_user({"id": 42, "ip_address": ip})
    _capture()
    return needles


@place("scope", "fingerprint with a reset token", carrier_event)
def fingerprint_token(ctx: Ctx) -> list[str]:
    token = c.token(16)
    sentry_sdk.get_current_scope().fingerprint = ["reset-failed", token]
    _capture()
    return [token]


@place("scope", "text attachment with an e-mail", lambda s: s.attachments)
def attachment_text(ctx: Ctx) -> list[str]:
    value, needles = c.email()
    sentry_sdk.get_isolation_scope().add_attachment(
        bytes=f"grading log\nsent to {value}\n".encode(), filename="grading.log"
    )
    _capture()
    return needles


@place("scope", "JSON attachment with a password", lambda s: s.attachments)
def attachment_json(ctx: Ctx) -> list[str]:
    pw, needles = c.password()
    sentry_sdk.get_isolation_scope().add_attachment(
        bytes=json.dumps({"user": "teacher", "password": pw}).encode(),
        filename="login.json",
        content_type="application/json",
    )
    _capture()
    return needles


@place("scope", "breadcrumb message with a French phone number", lambda s: s.crumb("sms"))
def crumb_phone(ctx: Ctx) -> list[str]:
    value, needles = c.phone_fr()
    sentry_sdk.add_breadcrumb(category="sms", message=f"sms sent to {value}")
    _capture()
    return needles


@place("scope", "breadcrumb data under `X-Student-Name`", lambda s: s.crumb("http"))
def crumb_hyphen(ctx: Ctx) -> list[str]:
    name, needles = c.student_name()
    sentry_sdk.add_breadcrumb(category="http", data={"X-Student-Name": name, "status": 200})
    _capture()
    return needles


@place("scope", "breadcrumb data with an international phone", lambda s: s.crumb("sms"))
def crumb_intl_phone(ctx: Ctx) -> list[str]:
    value, needles = c.phone_intl()
    sentry_sdk.add_breadcrumb(category="sms", data={"to": value})
    _capture()
    return needles


@place("scope", "message with a French phone number", carrier_event, keep="parent unreachable")
def message_phone(ctx: Ctx) -> list[str]:
    value, needles = c.phone_fr()
    sentry_sdk.capture_message(f"parent unreachable at {value}")
    return needles


@place("scope", "message with an IBAN", carrier_event)
def message_iban(ctx: Ctx) -> list[str]:
    value, needles = c.iban()
    sentry_sdk.capture_message(f"refund to {value} failed")
    return needles


@place("scope", "message with a Luhn-valid card", carrier_event)
def message_card(ctx: Ctx) -> list[str]:
    value, needles = c.card()
    sentry_sdk.capture_message(f"payment with {value} declined")
    return needles


@place("scope", "message with an AWS key pair", carrier_event)
def message_aws(ctx: Ctx) -> list[str]:
    value, needles = c.aws_pair()
    sentry_sdk.capture_message(f"S3 upload failed: {value}")
    return needles


@place("scope", "message with an `amqp://` broker URL", carrier_event)
def message_amqp(ctx: Ctx) -> list[str]:
    url, needles = c.url_with_password("amqp", "broker.internal:5672//")
    sentry_sdk.capture_message(f"broker down: {url}")
    return needles


@place("scope", "message with a `Basic` credential", carrier_event)
def message_basic(ctx: Ctx) -> list[str]:
    import base64

    value = base64.b64encode(f"api:{c.token(8)}".encode()).decode()
    sentry_sdk.capture_message(f"upstream refused Basic {value}")
    return [value]


@place("scope", "manual span description with an e-mail", lambda s: s.span("mail"))
def span_description(ctx: Ctx) -> list[str]:
    value, needles = c.email()
    with _txn(), sentry_sdk.start_span(op="mail.send", name=f"send report to {value}"):
        pass
    return needles


@place("scope", "span data with a secret key", lambda s: s.span("mail"))
def span_data_key(ctx: Ctx) -> list[str]:
    token = c.token(16)
    with _txn(), sentry_sdk.start_span(op="mail.send", name="send") as span:
        span.set_data("smtp_password", token)
    return [token]


@place("scope", "span tag with a phone number", lambda s: s.span("sms"))
def span_tag(ctx: Ctx) -> list[str]:
    value, needles = c.phone_intl()
    with _txn(), sentry_sdk.start_span(op="sms.send", name="send") as span:
        span.set_tag("to", value)
    return needles


@place(
    "scope", "transaction name set from a raw path (envelope header too)", lambda s: s.transactions
)
def transaction_name(ctx: Ctx) -> list[str]:
    token = c.token(16)
    with sentry_sdk.start_transaction(name=f"/reset/MTI/{token}/", op="http.server", source="url"):
        pass
    return [token]


@place(
    "scope",
    "custom transaction name with an e-mail (envelope header)",
    lambda s: [h.get("trace") for h in s.headers],
)
def transaction_name_custom(ctx: Ctx) -> list[str]:
    value, needles = c.email()
    with sentry_sdk.start_transaction(name=f"import {value}", op="task", source="custom"):
        _capture()
    return needles


# --- exceptions ---------------------------------------------------------------------------


@place(
    "exception", "e-mail in an exception message", lambda s: s.exceptions(), keep="no account for"
)
def exc_email(ctx: Ctx) -> list[str]:
    value, needles = c.email()

    def lookup(v: str) -> None:
        raise LookupError(f"no account for {v}")

    _raise_in(lookup, value)
    return needles


@place("exception", "PEM private key in an exception message", lambda s: s.exceptions())
def exc_pem(ctx: Ctx) -> list[str]:
    value, needles = c.pem()

    def load(v: str) -> None:
        raise ValueError(f"cannot parse key:\n{v}")

    _raise_in(load, value)
    return needles


@place("exception", "`add_note` with an e-mail", lambda s: s.exceptions())
def exc_note(ctx: Ctx) -> list[str]:
    value, needles = c.email()

    def mail(v: str) -> None:
        error = RuntimeError("grading failed")
        error.add_note(f"while mailing {v}")
        raise error

    _raise_in(mail, value)  # the plant's own locals (its needles) stay out of the frames
    return needles


@place("exception", "chained cause with a token", lambda s: s.exceptions())
def exc_chained(ctx: Ctx) -> list[str]:
    token = c.token(12)
    try:
        try:
            raise ValueError(f"refresh_token={token} refused")
        except ValueError as cause:
            raise RuntimeError("sync failed") from cause
    except RuntimeError as error:
        sentry_sdk.capture_exception(error)
    return [token]


@place("exception", "`KeyError` on a secret key", lambda s: s.exceptions())
def exc_keyerror(ctx: Ctx) -> list[str]:
    token = c.token(16)
    sessions: dict[str, int] = {}

    def get(key: str) -> int:
        return sessions[key]

    _raise_in(get, token)
    return [token]


@place("exception", "JWT in a `PermissionError`", lambda s: s.exceptions())
def exc_jwt(ctx: Ctx) -> list[str]:
    value, needles = c.jwt()

    def check(v: str) -> None:
        raise PermissionError(f"invalid token {v}")

    _raise_in(check, value)
    return needles


# --- frame variables ------------------------------------------------------------------------


def _fail(**_: Any) -> None:
    raise RuntimeError("planted locals")


@place("frames", "local named `reset_token`", lambda s: s.frames("holder"))
def frame_secret_name(ctx: Ctx) -> list[str]:
    token = c.token(16)

    def holder(reset_token: str) -> None:
        _fail()

    _raise_in(holder, token)
    return [token]


@place("frames", "e-mail in an innocently named local", lambda s: s.frames("holder"))
def frame_email_value(ctx: Ctx) -> list[str]:
    value, needles = c.email()

    def holder(recipient: str) -> None:
        _fail()

    _raise_in(holder, value)
    return needles


@place("frames", "password nested past the SDK's depth limit (repr)", lambda s: s.frames("holder"))
def frame_deep(ctx: Ctx) -> list[str]:
    pw, needles = c.password()

    def holder(config: dict[str, Any]) -> None:
        _fail()

    _raise_in(holder, {"a": {"b": {"c": {"d": {"db": {"password": pw, "port": 5432}}}}}})
    return needles


@place("frames", "student's name nested past the depth limit (repr)", lambda s: s.frames("holder"))
def frame_deep_name(ctx: Ctx) -> list[str]:
    name, needles = c.student_name()

    def holder(batch: dict[str, Any]) -> None:
        _fail()

    _raise_in(holder, {"a": {"b": {"c": {"d": {"copy": {"student_name": name}}}}}})
    return needles


@place("frames", "e-mail as a dict key", lambda s: s.frames("holder"))
def frame_dict_key(ctx: Ctx) -> list[str]:
    value, needles = c.email()

    def holder(scores: dict[str, int]) -> None:
        _fail()

    _raise_in(holder, {value: 12, "average": 11})
    return needles


@place("frames", "bytes local with a bearer token", lambda s: s.frames("holder"))
def frame_bytes(ctx: Ctx) -> list[str]:
    token = c.token(12)

    def holder(raw: bytes) -> None:
        _fail()

    _raise_in(holder, f"GET / HTTP/1.1\r\nAuthorization: Bearer {token}\r\n".encode())
    return [token]


@place("frames", "long list of e-mails", lambda s: s.frames("holder"))
def frame_long_list(ctx: Ctx) -> list[str]:
    emails = [c.email() for _ in range(30)]

    def holder(recipients: list[str]) -> None:
        _fail()

    _raise_in(holder, [v for v, _ in emails])
    return [n for _, needles in emails[:5] for n in needles[1:]]


Student = make_dataclass("Student", [("name", str), ("email", str), ("grade", float)])


@place("frames", "dataclass holding a student", lambda s: s.frames("holder"))
def frame_dataclass(ctx: Ctx) -> list[str]:
    value, needles = c.email()

    def holder(student: Any) -> None:
        _fail()

    _raise_in(holder, Student("Jeanne", value, 12.0))
    return needles


@place("frames", "settings-like object with a secret key", lambda s: s.frames("holder"))
def frame_settings(ctx: Ctx) -> list[str]:
    key = c.token(20)

    def holder(conf: Any) -> None:
        _fail()

    _raise_in(holder, SimpleNamespace(DEBUG=False, SECRET_KEY=key))
    return [key]


@place("frames", "AWS secret in a local named `creds`", lambda s: s.frames("holder"))
def frame_aws(ctx: Ctx) -> list[str]:
    value, needles = c.aws_pair()

    def holder(creds: str) -> None:
        _fail()

    _raise_in(holder, value)
    return needles


@place("frames", "IBAN in a local named `account`", lambda s: s.frames("holder"))
def frame_iban(ctx: Ctx) -> list[str]:
    value, needles = c.iban()

    def holder(account: str) -> None:
        _fail()

    _raise_in(holder, value)
    return needles


@place("frames", "card number in a local named `ref`", lambda s: s.frames("holder"))
def frame_card(ctx: Ctx) -> list[str]:
    value, needles = c.card()

    def holder(ref: str) -> None:
        _fail()

    _raise_in(holder, value)
    return needles


@place("frames", "`redis://` URL in a local named `url`", lambda s: s.frames("holder"))
def frame_redis_url(ctx: Ctx) -> list[str]:
    url, needles = c.url_with_password("redis", "cache.internal:6379/0")

    def holder(url: str) -> None:
        _fail()

    _raise_in(holder, url)
    return needles


# --- source context and the command line -------------------------------------------------


@place("source", "hard-coded key in a frame's source lines", lambda s: s.frames("check"))
def source_context(ctx: Ctx) -> list[str]:
    value, needles = c.stripe_key()
    path = ctx.tmp / f"korrigo_conf_{c.token(4)}.py"
    path.write_text(
        f'STRIPE_KEY = "{value}"\n\n\ndef check():\n    raise RuntimeError("bad config")\n',
        encoding="utf-8",
    )
    spec = importlib.util.spec_from_file_location(path.stem, path)
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    _raise_in(module.check)
    return needles


@place("source", "database URL in `sys.argv` (`extra['sys.argv']`)", carrier_event)
def argv(ctx: Ctx) -> list[str]:
    url, needles = c.url_with_password("postgres", "db.internal/korrigo")
    saved = sys.argv
    sys.argv = ["manage.py", "import_grades", f"--database-url={url}"]
    try:
        _capture()
    finally:
        sys.argv = saved
    return needles


# --- issue 21: what the pipeline lost or never read ----------------------------------------


def _items_of(kind: str) -> Carrier:
    """A carrier that is an envelope item of `kind` (sessions, metrics): found in the bytes."""
    marker = f'"type":"{kind}"'.encode()
    return lambda s: [s.raw.decode("utf-8", "replace")] if marker in s.raw else []


@place("django template", "e-mail in a rendered template's context (SafeString span)",
       lambda s: s.span("template.render"), keep="sheet.html")  # fmt: skip
def template_context(ctx: Ctx) -> list[str]:
    import django.shortcuts
    from django.test import override_settings
    from django.utils.safestring import mark_safe

    value, needles = c.email()
    loader = ("django.template.loaders.locmem.Loader", {"sheet.html": "{{ who }}"})
    templates = [{"BACKEND": "django.template.backends.django.DjangoTemplates",
                  "OPTIONS": {"loaders": [loader]}}]  # fmt: skip
    with override_settings(TEMPLATES=templates), _txn("/exams/{exam_id}/sheet/"):
        django.shortcuts.render(None, "sheet.html", {"who": mark_safe(value)})
    return needles


@place("sessions", "session `did` from a user's e-mail, `attrs.ip_address`",
       _items_of("session"))  # fmt: skip
def session_user(ctx: Ctx) -> list[str]:
    value, needles = c.email()
    ip, ip_needles = c.ip_address()
    scope = sentry_sdk.get_isolation_scope()
    scope.set_user({"email": value, "ip_address": ip})
    scope.start_session()
    scope.end_session()
    sentry_sdk.get_client().session_flusher.flush()
    return needles + ip_needles


@place("metrics", "metric attribute with an e-mail", _items_of("trace_metric"))
def metric_attribute(ctx: Ctx) -> list[str]:
    value, needles = c.email()
    sentry_sdk.metrics.count("copies.mailed", 1, attributes={"to": value})
    sentry_sdk.get_client().flush()
    return needles


@place("attachments", "uploaded file named after the student (item header)",
       lambda s: s.attachments, keep=".pdf")  # fmt: skip
def attachment_filename(ctx: Ctx) -> list[str]:
    value, needles = c.student_name()
    sentry_sdk.get_isolation_scope().add_attachment(
        bytes=b"%PDF-1.4", filename=f"Copie {value}.pdf"
    )
    _capture()
    return needles


def _card_as_int(number: int) -> None:
    raise ValueError("payment refused")


@place("frame locals", "card number held as an int", lambda s: s.frames("_card_as_int"))
def card_int(ctx: Ctx) -> list[str]:
    value, _ = c.card()
    _raise_in(_card_as_int, int(value.replace(" ", "")))
    return [value.replace(" ", "")]


def _upload(upload: Any) -> None:
    raise ValueError("cannot read the scan")


@place("frame locals", "uploaded file named after the student", lambda s: s.frames("_upload"))
def upload_local(ctx: Ctx) -> list[str]:
    from django.core.files.uploadedfile import SimpleUploadedFile

    value, needles = c.student_name()
    _raise_in(_upload, SimpleUploadedFile(f"{value}.pdf", b"%PDF-1.4"))
    return needles


@place("django request", "reset token in the URL (the route pattern is kept)",
       lambda s: s.transactions, keep="/reset/{uidb64}/{token}/")  # fmt: skip
def reset_route_kept(ctx: Ctx) -> list[str]:
    token = c.token(16)
    demo.client().get(f"/reset/MTI/{token}/")
    return [token]


def _held(**locals_: Any) -> None:
    raise ValueError("grading failed")


@place("frame locals", "student's name in a local named `label`", lambda s: s.frames("_held"))
def name_in_label(ctx: Ctx) -> list[str]:
    value, needles = c.student_name()
    _raise_in(_held, label=value)
    return needles


@place("frame locals", "PEM key held as a list of lines", lambda s: s.frames("_held"))
def pem_lines(ctx: Ctx) -> list[str]:
    value, needles = c.pem()
    _raise_in(_held, lines=value.splitlines())
    return [line for line in value.splitlines()[1:-1] if len(line) >= 16] or needles


@place("frame locals", "copy of a request's headers in a local", lambda s: s.frames("_held"))
def meta_copy(ctx: Ctx) -> list[str]:
    value, needles = c.email()
    session = c.token(16)
    meta = {"HTTP_COOKIE": f"sessionid={session}", "HTTP_X_FORWARDED_FOR": "203.0.113.9",
            "HTTP_FROM": value, "REQUEST_METHOD": "GET"}  # fmt: skip
    _raise_in(_held, env=meta)
    return [*needles, session]


assert len({p.name for p in PLACES}) == len(PLACES)
