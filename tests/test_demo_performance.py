"""The seed's "Performance Monitoring" and "Environment tracking": what transactions carry.

Transactions come from requests through Django's WSGI handler (and from eager Celery
tasks), sampled by `init_sentry`'s `traces_sampler`; the `test` environment traces all.
"""

from __future__ import annotations

from typing import Any

import pytest

import demo
from korrigo_sentry.settings import ENVIRONMENTS, NEVER_TRACED
from korrigo_sentry.testing import TEST_DSN


@pytest.fixture
def exam() -> Any:
    demo.reset()
    return demo.make_exam(copies=3)


def spans(transaction: dict[str, Any], op: str) -> list[dict[str, Any]]:
    return [span for span in transaction["spans"] if span["op"] == op]


def test_endpoint_transaction_has_database_spans(sentry: Any, exam: Any) -> None:
    response = demo.client().get(f"/exams/{exam.id}/")

    assert response.status_code == 200
    (transaction,) = sentry.transactions
    assert transaction["transaction"] == "/exams/{exam_id}/"
    assert transaction["contexts"]["trace"]["op"] == "http.server"
    assert transaction["timestamp"] > transaction["start_timestamp"]
    queries = [span["description"] for span in spans(transaction, "db")]
    assert any("korrigo_exam" in query for query in queries)
    assert any("COUNT" in query and "korrigo_copy" in query for query in queries)


def test_redis_operation_has_its_own_span(sentry: Any, exam: Any) -> None:
    demo.client().get(f"/exams/{exam.id}/")

    (transaction,) = sentry.transactions
    redis_spans = spans(transaction, "db.redis")
    commands = [span["tags"]["redis.command"] for span in redis_spans]
    assert commands == ["GET", "SET"]  # cache miss, then the count is stored
    assert all(span["data"]["db.system"] == "redis" for span in redis_spans)


def test_second_request_is_served_from_redis(sentry: Any, exam: Any) -> None:
    client = demo.client()
    client.get(f"/exams/{exam.id}/")
    client.get(f"/exams/{exam.id}/")

    first, second = sentry.transactions
    assert len(spans(second, "db.redis")) == 1
    assert len(spans(second, "db")) == len(spans(first, "db")) - 1  # no COUNT query


def test_celery_task_duration_is_a_transaction(sentry: Any, exam: Any) -> None:
    result = demo.count_copies.delay(exam.id)

    assert result.get() == exam.copies.count()
    (transaction,) = sentry.transactions
    assert transaction["transaction"] == demo.count_copies.name
    assert transaction["contexts"]["trace"]["op"] == "queue.task.celery"
    assert transaction["timestamp"] > transaction["start_timestamp"]


@pytest.mark.parametrize("path", NEVER_TRACED)
def test_health_check_is_never_traced(sentry_init: Any, exam: Any, path: str) -> None:
    # Even with every other transaction traced (SENTRY_TRACES_SAMPLE_RATE=1).
    sentry = sentry_init(
        environ={"SENTRY_DSN": TEST_DSN, "SENTRY_ENVIRONMENT": "production",
                 "SENTRY_TRACES_SAMPLE_RATE": "1"}
    )  # fmt: skip
    client = demo.client()

    assert client.get(path).status_code == 200
    assert sentry.transactions == []
    client.get(f"/exams/{exam.id}/")  # the same client's other requests are traced
    assert len(sentry.transactions) == 1


@pytest.mark.parametrize("environment", ENVIRONMENTS)
def test_events_carry_environment_and_release(sentry_init: Any, environment: str) -> None:
    sha = "01c1541"
    sentry = sentry_init(
        environ={"SENTRY_DSN": TEST_DSN, "SENTRY_ENVIRONMENT": environment,
                 "GIT_COMMIT_SHA": sha}
    )  # fmt: skip

    demo.client().get("/boom/")

    (event,) = sentry.events
    assert event["environment"] == environment
    assert event["release"] == f"korrigo@{sha}"
