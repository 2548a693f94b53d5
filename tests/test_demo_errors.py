"""The seed's "Automatic Error Tracking": every kind of failure in Korrigo reaches Sentry.

The demo app runs behind Django's real WSGI handler, with the SDK configured by
`init_sentry` (fixture `sentry`), so each event is the JSON Sentry would receive.
"""

from __future__ import annotations

from typing import Any

import pytest

import demo
from demo import views
from demo.tasks import OCREngineError


@pytest.fixture
def exam() -> Any:
    demo.reset()
    return demo.make_exam(copies=2)


def outermost(event: dict[str, Any]) -> dict[str, Any]:
    """The exception that was raised last (Sentry lists a chain from the cause on)."""
    return event["exception"]["values"][-1]


def test_unhandled_exception_in_a_view_is_captured(sentry: Any) -> None:
    response = demo.client().get("/boom/")

    assert response.status_code == 500
    (event,) = sentry.events
    exception = outermost(event)
    assert exception["type"] == ZeroDivisionError.__name__
    assert exception["mechanism"]["type"] == "django"
    assert exception["mechanism"]["handled"] is False
    frames = [frame["function"] for frame in exception["stacktrace"]["frames"]]
    assert views.trigger_error.__name__ in frames
    assert event["level"] == "error"


def test_database_error_is_captured_with_the_failing_query(sentry: Any) -> None:
    from django.db import OperationalError

    response = demo.client().get("/db-error/")

    assert response.status_code == 500
    (event,) = sentry.events
    exception = outermost(event)
    assert exception["type"] == OperationalError.__name__
    assert exception["module"] == OperationalError.__module__
    assert "korrigo_missing_table" in exception["value"]
    queries = [b for b in event["breadcrumbs"]["values"] if b.get("category") == "query"]
    assert any("korrigo_missing_table" in b["message"] for b in queries)


def test_request_failure_has_url_and_method_but_no_cookie_or_ip(sentry: Any) -> None:
    client = demo.client()
    client.set_cookie("sessionid", "session-cookie-value-1234")
    client_ip, forwarded_ip = "198.51.100.9", "203.0.113.7"

    response = client.get(
        "/boom/?page=2",
        headers={"X-Forwarded-For": forwarded_ip},
        environ_overrides={"REMOTE_ADDR": client_ip},
    )

    assert response.status_code == 500
    (event,) = sentry.events
    request = event["request"]
    assert request["url"] == "http://localhost/boom/"
    assert request["method"] == "GET"
    assert "cookies" not in request
    assert "REMOTE_ADDR" not in request.get("env", {})
    assert "ip_address" not in event.get("user", {})
    for leaked in (b"session-cookie-value-1234", client_ip.encode(), forwarded_ip.encode()):
        assert leaked not in sentry.wire


def test_celery_task_failure_is_captured_with_the_celery_mechanism(sentry: Any, exam: Any) -> None:
    copy = exam.copies.first()

    result = demo.ocr_copy.delay(copy.id)

    assert result.failed()
    (event,) = sentry.events
    exception = outermost(event)
    assert exception["type"] == OCREngineError.__name__
    assert exception["mechanism"] == {"type": "celery", "handled": False}
    assert event["extra"]["celery-job"]["task_name"] == demo.ocr_copy.name


def test_task_failing_behind_a_request_is_reported_while_the_request_succeeds(
    sentry: Any, exam: Any
) -> None:
    copy = exam.copies.first()

    response = demo.client().get(f"/copies/{copy.id}/ocr/")

    assert response.status_code == 200
    assert response.json["state"] == "FAILURE"
    (event,) = sentry.events
    assert outermost(event)["mechanism"]["type"] == "celery"
