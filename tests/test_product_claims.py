"""What the handbook says Sentry's SDK does, proven through the real integrations.

Each test backs a fact of `data/facts.yaml` (named in its docstring) or a decision of
docs/reference/decisions.md, against the fake transport: if sentry-sdk changes the
behaviour, the test goes red before the page goes wrong.
"""

from __future__ import annotations

import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager

import pytest
import sentry_sdk
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.urls import clear_url_caches, path

import demo
from korrigo_sentry import settings
from korrigo_sentry.testing import FakeTransport


@contextmanager
def extra_view(route: str, view: Callable[[HttpRequest], HttpResponse]) -> Iterator[None]:
    """Serve `view` at `/route` in the demo app for the duration of the block."""
    from demo import urls

    demo.client()  # configures Django
    urls.urlpatterns.append(path(route, view))
    clear_url_caches()
    try:
        yield
    finally:
        urls.urlpatterns.pop()
        clear_url_caches()


def _returns_500(request: HttpRequest) -> HttpResponse:
    return HttpResponse("failed, handled", status=500)


def _raises(exc: Exception) -> Callable[[HttpRequest], HttpResponse]:
    def view(request: HttpRequest) -> HttpResponse:
        raise exc

    return view


def test_an_uncaught_exception_in_an_interactive_console_is_not_sent(
    sentry: FakeTransport, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """Fact sdk.excepthook_interactive: why Verify catches the exception itself."""
    try:
        1 / 0  # noqa: B018
    except ZeroDivisionError:
        exc_info = sys.exc_info()
    monkeypatch.setattr(sys, "ps1", ">>> ", raising=False)
    sys.excepthook(*exc_info)
    assert sentry.events == []
    monkeypatch.delattr(sys, "ps1")
    sys.excepthook(*exc_info)  # the same call from a script is reported
    assert sentry.events[-1]["exception"]["values"][-1]["type"] == "ZeroDivisionError"
    assert "ZeroDivisionError" in capsys.readouterr().err  # printed in both cases


def test_a_view_returning_500_sends_no_error_only_a_failed_transaction(
    sentry: FakeTransport,
) -> None:
    """Fact sdk.django_failed_status: a 500 *returned* is not an error."""
    with extra_view("returns-500/", _returns_500):
        assert demo.client().get("/returns-500/").status_code == 500
    assert sentry.events == []
    (transaction,) = sentry.transactions
    assert transaction["contexts"]["trace"]["status"] == "internal_error"


@pytest.mark.parametrize(("exc", "status"), [(Http404("no exam"), 404), (PermissionDenied(), 403)])
def test_exceptions_django_answers_itself_are_not_reported_below_500(
    sentry: FakeTransport, exc: Exception, status: int
) -> None:
    """Fact sdk.django_failed_status, and the decision to keep the 5xx default."""
    with extra_view("answered/", _raises(exc)):
        assert demo.client().get("/answered/").status_code == status
    assert sentry.events == []


def test_an_exception_django_gives_up_on_is_reported(sentry: FakeTransport) -> None:
    with extra_view("gives-up/", _raises(RuntimeError("grading crashed"))):
        assert demo.client().get("/gives-up/").status_code == 500
    assert sentry.events[-1]["exception"]["values"][-1]["type"] == "RuntimeError"


def test_release_health_sessions_are_sent_with_release_and_environment(
    sentry: FakeTransport,
) -> None:
    """Decision: release health adopted (fact sdk.session_tracking, releases.health)."""
    demo.client().get(demo.HEALTH_PATH)
    sentry_sdk.get_client().flush()
    (sessions,) = sentry.items("sessions")
    options = sentry_sdk.get_client().options
    assert sessions["attrs"] == {
        "environment": options["environment"],
        "release": options["release"],
    }
    assert sum(a.get("exited", 0) for a in sessions["aggregates"]) == 1


def test_the_clients_ip_address_never_leaves_the_process(sentry: FakeTransport) -> None:
    """Decision: no IP addresses stored (fact privacy.ip_storage is the server side)."""
    demo.client().get("/boom/", environ_overrides={"REMOTE_ADDR": "203.0.113.7"})
    assert sentry.events, "the failing view was not reported"
    assert all(b"203.0.113.7" not in payload for payload in sentry.payloads)
    assert "ip_address" not in (sentry.events[-1].get("user") or {})


def test_the_health_endpoint_suits_an_uptime_monitor(sentry: FakeTransport) -> None:
    """Decision: uptime monitor on the health endpoint (fact uptime.checks): a 2xx, and
    the checks Sentry sends every few minutes spend no span quota."""
    response = demo.client().get(demo.HEALTH_PATH)
    assert 200 <= response.status_code < 300
    assert sentry.transactions == []


def test_celery_beat_is_not_monitored(sentry: FakeTransport) -> None:
    """Decision: cron monitors declined (fact sdk.celery_beat_off): no check-in is sent."""
    assert settings.INTEGRATIONS["celery"]["monitor_beat_tasks"] is False
    demo.ocr_copy.delay(7)
    sentry_sdk.get_client().flush()
    assert sentry.items("check_in") == []


# --- issue 22: what the SDK does, as the corrected pages say it -----------------------------


def test_django_cache_calls_are_spans_only_and_redis_leaves_the_breadcrumbs(
    sentry: FakeTransport,
) -> None:
    """Facts sdk.django_cache_spans and sdk.redis_breadcrumbs (features.md, item 4)."""
    demo.setup()
    from django.core.cache import cache

    with sentry_sdk.isolation_scope(), sentry_sdk.start_transaction(name="report"):
        cache.get("exam:1:report")
        demo.redis().get("exam:1:grade")
        sentry_sdk.capture_message("after the reads")
    crumbs = sentry.events[-1]["breadcrumbs"]["values"]
    assert [c["category"] for c in crumbs] == ["redis"]  # none for the Django cache call
    operations = [span["op"] for span in sentry.transactions[-1]["spans"]]
    assert operations == ["cache.get", "db.redis"]


def test_a_failed_tasks_arguments_are_not_collected(sentry: FakeTransport) -> None:
    """Fact sdk.celery_queues with Korrigo's data_collection (privacy.md, item 2)."""
    assert settings.DATA_COLLECTION["queues"] is False
    demo.ocr_copy.delay(4242)
    job = sentry.events[-1]["extra"]["celery-job"]
    assert job == {"task_name": "exams.tasks.process_single_document"}  # Korrigo's name
    assert b"4242" not in sentry.payloads[-1]


def test_the_hard_time_limit_log_line_becomes_an_event(sentry: FakeTransport) -> None:
    """Facts celery.hard_time_limit_logged and sdk.celery_ignored_loggers (features.md,
    item 3): the line Celery's main process logs is an event of the logging integration,
    while the loggers the Celery integration mutes stay silent."""
    import logging

    from celery.worker import request

    logging.getLogger("celery.app.trace").error("muted by the Celery integration")
    assert sentry.events == []
    # What Request.on_timeout(soft=False) calls in Celery's main process.
    request.error(
        "Hard time limit (%ss) exceeded for %s[%s]",
        300,
        "exams.tasks.process_single_document",
        "id-1",
    )
    (event,) = sentry.events
    assert event["logger"] == "celery.worker.request"
    assert event["level"] == "error"
    assert event["logentry"]["message"] == "Hard time limit (%ss) exceeded for %s[%s]"


def test_before_send_sees_the_attachments_in_its_hint(
    sentry: FakeTransport, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Fact sdk.attachments_in_hint (privacy.md, item 1)."""
    client = sentry_sdk.get_client()
    original = client.options["before_send"]
    seen: list[list[str]] = []

    def spy(event: dict, hint: dict) -> dict | None:
        seen.append([a.filename for a in hint.get("attachments", [])])
        return original(event, hint)

    monkeypatch.setitem(client.options, "before_send", spy)
    with sentry_sdk.isolation_scope() as scope:
        scope.add_attachment(bytes=b"grades", filename="grades.txt")
        sentry_sdk.capture_message("with an attachment")
    assert seen == [["grades.txt"]]
