"""korrigo_sentry.sampling: which transactions are traced, branch by branch.

The expected rates are the handbook's (Sampling and cost page): every transaction in
development and test, half in staging, one in ten in production; health checks never.
"""

from __future__ import annotations

from typing import Any

import pytest
import sentry_sdk

from korrigo_sentry.sampling import is_never_traced, make_traces_sampler, rate_for
from korrigo_sentry.testing import TEST_DSN


@pytest.mark.parametrize(
    ("environment", "rate"),
    [("development", 1.0), ("test", 1.0), ("staging", 0.5), ("production", 0.1)],
)
def test_each_environment_has_its_rate(environment: str, rate: float) -> None:
    assert rate_for(environment) == rate
    assert make_traces_sampler(environment)({"transaction_context": {"name": "/exams/"}}) == rate


def test_an_unknown_environment_gets_productions_rate() -> None:
    assert rate_for("preprod") == 0.1


def _request(path: str) -> dict[str, Any]:
    return {"wsgi_environ": {"PATH_INFO": path}, "transaction_context": {"name": "generic WSGI"}}


def _named(name: str) -> dict[str, Any]:
    """A transaction with no WSGI request (ASGI, Celery, a manual span): its name only."""
    return {"transaction_context": {"name": name, "op": "http.server"}}


# Korrigo's probe paths (backend/core/urls.py at 45872b4), typed from Korrigo's file.
@pytest.mark.parametrize(
    "path", ["/api/health/", "/api/health/live/", "/api/health/ready/", "/metrics", "/api/metrics/"]
)
def test_health_checks_are_never_traced_by_path_or_by_name(path: str) -> None:
    assert is_never_traced(_request(path))
    assert is_never_traced(_named(path))


@pytest.mark.parametrize(
    "path", ["/exams/", "/health/", "/healthz/", "/api/health", "/metrics/", "/api/health/x/", ""]
)
def test_other_paths_and_names_are_traced(path: str) -> None:
    assert not is_never_traced(_request(path))
    assert not is_never_traced(_named(path))
    assert not is_never_traced({})


def test_a_health_check_is_dropped_even_when_the_caller_traced_it() -> None:
    sampler = make_traces_sampler("development")
    assert sampler({**_named("/api/health/"), "parent_sampled": True}) == 0.0
    assert sampler({**_request("/api/health/ready/"), "parent_sampled": True}) == 0.0


@pytest.mark.parametrize("environment", ["development", "production"])
def test_the_upstream_decision_is_followed(environment: str) -> None:
    sampler = make_traces_sampler(environment)
    assert sampler({**_named("/exams/"), "parent_sampled": True}) == 1.0
    assert sampler({**_named("/exams/"), "parent_sampled": False}) == 0.0


@pytest.mark.parametrize("override", [0.0, 0.25, 1.0])
def test_an_override_replaces_the_environment_rate(override: float) -> None:
    assert make_traces_sampler("production", override)(_named("/exams/")) == override
    assert make_traces_sampler("production", override)(_named("/metrics")) == 0.0


@pytest.mark.parametrize(("name", "sent"), [("/api/health/live/", 0), ("/exams/", 1)])
def test_the_sdk_drops_a_never_traced_transaction_by_its_name(
    sentry_init: Any, name: str, sent: int
) -> None:
    """Through the SDK: a transaction started by name only (no request) is dropped."""
    sentry = sentry_init(
        environ={"SENTRY_DSN": TEST_DSN, "SENTRY_ENVIRONMENT": "production",
                 "SENTRY_TRACES_SAMPLE_RATE": "1"}
    )  # fmt: skip
    with sentry_sdk.start_transaction(name=name, op="http.server"):
        pass
    assert [t["transaction"] for t in sentry.transactions] == [name] * sent
