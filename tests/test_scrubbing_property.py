"""Plant secrets everywhere an event can carry them; find none in the bytes sent.

Every location the scrubbing promise covers gets its own secret, so a leak names the place.
The same planting with Korrigo's scrubbing switched off must leak: that proves the check
can fail and that the scrubbing, not luck, keeps the wire clean.
"""

from __future__ import annotations

import logging
import string
from dataclasses import dataclass, fields
from typing import Any

import fakeredis
import pytest
import sentry_sdk
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from korrigo_sentry.testing import FakeTransport, sentry_capture

_token = st.text(string.ascii_letters + string.digits + "-_", min_size=10, max_size=24).filter(
    lambda s: any(c.isalpha() for c in s) and any(c.isdigit() for c in s)
)


def _with_luhn_digit(body: str) -> str:
    """`body` plus the check digit every real card number has (Luhn)."""
    total = 0
    for i, d in enumerate(reversed(body)):
        n = int(d) * (1 if i % 2 else 2)
        total += n - 9 if n > 9 else n
    number = body + str(-total % 10)
    return " ".join(number[i : i + 4] for i in range(0, 16, 4))


# A card number passes the Luhn check (16 random digits are not a card: Korrigo keeps those).
_card = st.text("0123456789", min_size=15, max_size=15).map(_with_luhn_digit)
_ip = st.tuples(*[st.integers(11, 254)] * 4).map(lambda t: ".".join(map(str, t)))


@dataclass
class Secrets:
    """One secret per location, so a leak says where it came from."""

    frame_local: str
    frame_nested: str
    header_auth: str
    header_api_key: str
    cookie: str
    query: str
    form: str
    json_body: str
    extra_nested: str
    context_nested: str
    tag_value: str
    tag_text: str
    crumb_message: str
    crumb_data: str
    exc_password: str
    exc_bearer: str
    exc_jwt: str
    exc_dsn: str
    exc_card: str
    log_arg: str
    user_email: str
    user_name: str
    user_ip: str
    celery_arg: str
    redis_value: str
    span_data: str
    span_text: str


_secrets = st.builds(
    Secrets,
    **{
        f.name: (_card if f.name == "exc_card" else _ip if f.name == "user_ip" else _token)
        for f in fields(Secrets)
    },
).filter(lambda s: len({getattr(s, f.name) for f in fields(Secrets)}) == len(fields(Secrets)))


def _request(s: Secrets) -> dict[str, Any]:
    """What a web integration attaches to an event (the worst case: everything collected)."""
    return {
        "url": f"http://korrigo.test/exams/?token={s.query}",
        "method": "POST",
        "query_string": f"token={s.query}&page=2",
        "headers": {
            "Authorization": f"Bearer {s.header_auth}",
            "X-Api-Key": s.header_api_key,
            "Cookie": f"sessionid={s.cookie}",
            "User-Agent": "pytest",
        },
        "cookies": {"sessionid": s.cookie, "csrftoken": s.cookie},
        "data": {"password": s.form, "body": {"student": {"email": s.json_body}}},
        "env": {"REMOTE_ADDR": s.user_ip},
    }


def _attach(s: Secrets) -> None:
    def processor(event: dict[str, Any], hint: dict[str, Any]) -> dict[str, Any]:
        event["request"] = _request(s)
        event.setdefault("extra", {})["celery-job"] = {
            "task_name": "korrigo.ocr.read_copy",
            "args": [s.celery_arg],
            "kwargs": {"student_name": s.celery_arg},
        }
        return event

    sentry_sdk.get_isolation_scope().add_event_processor(processor)


def plant(s: Secrets) -> None:
    """Send an exception, a log record and a transaction, each full of secrets."""
    sentry_sdk.set_user(
        {"id": 42, "email": f"{s.user_email}@lycee.example.fr", "username": s.user_name,
         "ip_address": s.user_ip}
    )  # fmt: skip
    sentry_sdk.set_tag("auth_token", s.tag_value)
    sentry_sdk.set_tag("note", f"retry with password={s.tag_text}")
    sentry_sdk.set_extra("payload", {"level1": {"level2": [{"api_key": s.extra_nested}]}})
    sentry_sdk.set_context("exam", {"copies": [{"meta": {"student_name": s.context_nested}}]})
    sentry_sdk.add_breadcrumb(
        category="auth",
        message=f"login attempt with password={s.crumb_message}",
        data={"token": s.crumb_data, "copy_id": 3},
    )
    _attach(s)

    _raise_and_capture(
        f"Copy could not be graded: password={s.exc_password}, "
        f"Authorization: Bearer {s.exc_bearer}, jwt eyJ{s.exc_jwt}.eyJ{s.exc_jwt}.sig, "
        f"dsn https://{s.exc_dsn}@o1.ingest.sentry.io/1, card {s.exc_card}",
        password=s.frame_local,
        payload={"deep": {"secret": s.frame_nested}},
    )

    logging.getLogger("korrigo.auth").error("login refused: password=%s", s.log_arg)

    with sentry_sdk.start_transaction(name="/exams/<id>/grade/", op="http.server"):
        fakeredis.FakeRedis().set("copy:42", s.redis_value)
        with sentry_sdk.start_span(op="http.client", name=f"POST /ocr?token={s.span_text}") as span:
            span.set_data("credentials", s.span_data)


def _raise_and_capture(message: str, password: str, payload: dict[str, Any]) -> None:
    """Raise from a frame whose only locals are the planted ones (not all the secrets)."""

    def grade_copy(password: str, payload: dict[str, Any]) -> None:
        raise ValueError(message)

    try:
        grade_copy(password, payload)
    except ValueError:
        sentry_sdk.capture_exception()


def leaks(transport: FakeTransport, s: Secrets) -> list[str]:
    """The names of the secrets found in the bytes the transport would send."""
    wire = transport.wire.decode("utf-8")
    return [f.name for f in fields(Secrets) if getattr(s, f.name) in wire]


def _send(s: Secrets, **overrides: Any) -> FakeTransport:
    with sentry_capture(**overrides) as transport:
        plant(s)
    return transport


@settings(max_examples=40, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(s=_secrets)
def test_no_secret_reaches_the_wire(s: Secrets) -> None:
    transport = _send(s)
    assert len(transport.events) == 2
    assert len(transport.transactions) == 1
    assert leaks(transport, s) == []


@settings(max_examples=25)
@given(s=_secrets)
def test_harmless_text_survives_scrubbing(s: Secrets) -> None:
    transport = _send(s)
    error, log = transport.events
    (value,) = error["exception"]["values"]
    assert value["type"] == "ValueError"
    assert value["value"].startswith("Copy could not be graded: password=[Filtered]")
    assert log["logentry"]["message"] == "login refused: password=%s"
    assert error["user"] == {"id": 42}
    assert error["tags"]["note"] == "retry with password=[Filtered]"


@pytest.mark.parametrize("switched_off", ["before_send", "before_send_transaction"])
@settings(max_examples=15)
@given(s=_secrets)
def test_switching_scrubbing_off_makes_the_check_fail(switched_off: str, s: Secrets) -> None:
    # Without Korrigo's scrubbing, the privacy floor would also object: keep only the leak check.
    transport = _send(s, transport=FakeTransport(privacy_floor=False), **{switched_off: None})
    leaked = leaks(transport, s)
    assert leaked, "the leak check cannot fail: it proves nothing"
    if switched_off == "before_send":
        assert {"exc_password", "exc_bearer", "user_email", "tag_value", "log_arg"} <= set(leaked)
    else:
        assert {"span_data", "span_text"} <= set(leaked)
