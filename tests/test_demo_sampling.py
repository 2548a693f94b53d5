"""The seed's "10% of transactions sampled in production", checked two ways.

1. Deterministic: the `traces_sampler` that `init_sentry` installs returns the rate the
   sampling page states for each environment (written here, not read from settings).
2. Statistical: many requests through the demo in production; the share traced is the
   production rate. The trace ids come from a seeded generator and the SDK derives its
   random draw from the trace id, so the outcome is the same on every run.
"""

from __future__ import annotations

import math
import random
from typing import Any

import pytest
import sentry_sdk

import demo
from korrigo_sentry.settings import ENVIRONMENTS
from korrigo_sentry.testing import TEST_DSN

PRODUCTION = "production"
REQUESTS = 1000
SEED = 20240611


def environ(environment: str) -> dict[str, str]:
    return {"SENTRY_DSN": TEST_DSN, "SENTRY_ENVIRONMENT": environment}


def sampling_context(path: str) -> dict[str, Any]:
    """What the Django integration hands the sampler for a new request on `path`."""
    return {
        "transaction_context": {"name": "generic WSGI request", "op": "http.server"},
        "parent_sampled": None,
        "wsgi_environ": {"PATH_INFO": path, "REQUEST_METHOD": "GET"},
    }


@pytest.mark.parametrize("environment", ENVIRONMENTS)
def test_sampler_returns_the_environment_rate(sentry_init: Any, environment: str) -> None:
    sentry_init(environ=environ(environment))
    sampler = sentry_sdk.get_client().options["traces_sampler"]

    # The rates the sampling page states for each environment.
    rates = {"development": 1.0, "test": 1.0, "staging": 0.5, "production": 0.1}
    assert sampler(sampling_context("/exams/1/")) == rates[environment]


@pytest.mark.slow  # make check leaves it to make test
def test_production_traces_its_rate_of_requests(sentry_init: Any) -> None:
    sentry = sentry_init(environ=environ(PRODUCTION))
    demo.reset()
    exam = demo.make_exam(copies=1)
    client = demo.client()
    rng = random.Random(SEED)

    for _ in range(REQUESTS):
        trace = f"{rng.getrandbits(128):032x}-{rng.getrandbits(64):016x}"  # no sampling flag
        client.get(f"/exams/{exam.id}/", headers={"sentry-trace": trace})

    rate = 0.1  # the seed's and the sampling page's 10%
    share = len(sentry.transactions) / REQUESTS
    tolerance = 4 * math.sqrt(rate * (1 - rate) / REQUESTS)  # four standard deviations
    assert abs(share - rate) <= tolerance, (share, rate, tolerance)
    # Each traced envelope tells Sentry the rate it was sampled at (for extrapolation).
    headers = [e.headers["trace"] for e in sentry.envelopes if e.get_transaction_event()]
    assert {float(h["sample_rate"]) for h in headers} == {rate}
