"""The seed's "Privacy & Security": no personal data, no secret reaches Sentry.

Checked on the exact bytes the transport would send (`sentry.wire`), for requests
through the demo app: the seed's own custom-context view sets the user's username and
e-mail; a login form posts a password; requests carry an Authorization header and a
session cookie.
"""

from __future__ import annotations

from typing import Any

import pytest

import demo
from demo import views


@pytest.fixture
def exam() -> Any:
    demo.reset()
    return demo.make_exam(name="Physics final", exam_type="oral", copies=4)


def personal_data() -> list[bytes]:
    return [demo.user.username.encode(), demo.user.email.encode()]


def test_seed_context_view_keeps_its_context_but_not_the_user_identity(
    sentry: Any, exam: Any
) -> None:
    response = demo.client().get(f"/exams/{exam.id}/context/")

    assert response.status_code == 200
    (transaction,) = sentry.transactions
    assert transaction["user"] == {"id": demo.user.id}
    assert transaction["contexts"]["exam"] == {
        "exam_id": exam.id,
        "exam_name": exam.name,
        "copies_count": exam.copies.count(),
    }
    assert transaction["tags"]["exam_type"] == exam.exam_type
    for value in personal_data():
        assert value not in sentry.wire


def test_error_after_custom_context_carries_it_without_pii(sentry: Any, exam: Any) -> None:
    demo.client().get(f"/exams/{exam.id}/grade/")

    (event,) = sentry.events
    assert event["exception"]["values"][-1]["type"] == views.GradingError.__name__
    assert event["user"] == {"id": demo.user.id}
    assert event["contexts"]["exam"]["copies_count"] == exam.copies.count()
    assert event["tags"]["exam_type"] == exam.exam_type
    for value in personal_data():
        assert value not in sentry.wire


def test_signed_in_user_is_not_sent_by_the_django_integration(sentry: Any) -> None:
    demo.client().get("/boom/")

    (event,) = sentry.events
    assert set(event.get("user", {})) <= {"id"}
    for value in personal_data():
        assert value not in sentry.wire


def test_students_data_never_leaves(sentry: Any, exam: Any) -> None:
    # Copies hold students' names and OCR text: neither is in any event or span.
    demo.client().get(f"/exams/{exam.id}/")
    demo.client().get(f"/exams/{exam.id}/grade/")

    assert sentry.events
    assert sentry.transactions
    for copy in exam.copies.all():
        assert copy.student_name.encode() not in sentry.wire
        assert copy.ocr_text.encode() not in sentry.wire


SECRET = "s3cr3t-Value-4242"


@pytest.mark.parametrize(
    ("where", "request_kwargs"),
    [
        ("form password", {"data": {"username": "teacher", "password": SECRET}}),
        ("JSON password", {"json": {"username": "teacher", "password": SECRET}}),
        ("Authorization header", {"headers": {"Authorization": f"Bearer {SECRET}"}}),
        ("API key header", {"headers": {"X-Api-Key": SECRET}}),
        ("query string", {"query_string": {"token": SECRET}}),
    ],
)
def test_secrets_in_a_failing_request_are_filtered(
    sentry: Any, where: str, request_kwargs: dict[str, Any]
) -> None:
    response = demo.client().post("/login/", **request_kwargs)

    assert response.status_code == 500
    (event,) = sentry.events
    assert event["exception"]["values"][-1]["type"] == views.LoginBackendError.__name__
    assert event["request"]["method"] == "POST"
    assert SECRET.encode() not in sentry.wire, where


def test_session_and_csrf_cookies_are_filtered(sentry: Any) -> None:
    client = demo.client()
    client.set_cookie("sessionid", SECRET)
    client.set_cookie("csrftoken", SECRET[::-1])

    client.get("/boom/")

    (event,) = sentry.events
    assert "cookies" not in event["request"]
    assert SECRET.encode() not in sentry.wire
    assert SECRET[::-1].encode() not in sentry.wire


def test_seed_view_called_directly_sets_the_scope_for_later_events(sentry: Any, exam: Any) -> None:
    # How a doc block runs the seed's example: a request from the demo, the view, an event.
    import sentry_sdk

    request = demo.make_request(f"/exams/{exam.id}/context/")

    views.some_view(request, exam.id)
    sentry_sdk.capture_message("grading started")

    (event,) = sentry.events
    assert event["contexts"]["exam"]["copies_count"] == exam.copies.count()
    assert event["tags"]["exam_type"] == exam.exam_type
    assert event["user"] == {"id": request.user.id}
