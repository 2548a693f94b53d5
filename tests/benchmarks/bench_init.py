"""Per-event cost of `init_sentry`'s configuration against a bare `sentry_sdk.init`.

Two workloads, the same events in both configurations, serialized by the same
FakeTransport:

- an error: an exception raised in a Django view of the demo app, requested through the
  WSGI handler (one error event and one transaction per request);
- a transaction of about 30 spans: `/exams/<id>/report/` reads the database, Redis and
  Django's cache ten times each.

The bare configuration has the same integrations (Django with cache spans, Redis) and
traces rate, and nothing of Korrigo's (no privacy pipeline, no sampler, no
data_collection). The pipeline remembers strings it already found clean (source lines,
span data), as it does in production where the same code paths repeat; a first event of
a kind costs more than these medians.

The two run in alternating rounds, in a shuffled order each round, so drift (CPU
frequency, caches, garbage) hits both alike; the figure per configuration is the
median of its rounds. A request to the demo with the SDK off is printed for scale.

Time is the CPU time of the benchmark's thread (`time.thread_time`), not the wall
clock: on a shared machine, waiting for a CPU would otherwise count as cost.
"""

from __future__ import annotations

from collections.abc import Callable

import sentry_sdk
from sentry_sdk.integrations.django import DjangoIntegration
from sentry_sdk.integrations.redis import RedisIntegration

import demo
from korrigo_sentry import init_sentry
from korrigo_sentry.sampling import rate_for
from korrigo_sentry.testing import TEST_DSN, FakeTransport, reset_scopes
from tests.benchmarks.interleave import cpu_seconds_per_request, interleaved_medians

ENVIRONMENT = "test"
ROUNDS = 11
REQUESTS_PER_ROUND = 100
WARMUP = 30
TARGET = 1.3
#: Workload name -> the path requested (the report's exam is created by `measure`).
WORKLOADS: dict[str, str] = {
    "error event": "/boom/",
    "transaction with ~30 spans": "/exams/{exam_id}/report/",
}


def korrigo(transport: FakeTransport) -> None:
    init_sentry(
        environ={"SENTRY_DSN": TEST_DSN, "SENTRY_ENVIRONMENT": ENVIRONMENT}, transport=transport
    )


def bare(transport: FakeTransport) -> None:
    sentry_sdk.init(
        dsn=TEST_DSN,
        environment=ENVIRONMENT,
        transport=transport,
        integrations=[DjangoIntegration(cache_spans=True), RedisIntegration(max_data_size=None)],
        traces_sample_rate=rate_for(ENVIRONMENT),
    )


def off(transport: FakeTransport) -> None:
    """No SDK client: Django alone, for scale."""


CONFIGURATIONS: dict[str, Callable[[FakeTransport], None]] = {
    "bare sentry_sdk.init": bare,
    "init_sentry (Korrigo)": korrigo,
    "no SDK (Django alone)": off,
}


def run_round(configure: Callable[[FakeTransport], None], path: str, requests: int) -> float:
    """CPU seconds per request for one configuration; checks each request made an event."""
    reset_scopes()
    transport = FakeTransport(relay=False)  # the same plain transport for every configuration
    configure(transport)
    seconds = cpu_seconds_per_request(path, requests)
    if configure is not off and len(transport.envelopes) < requests:
        raise RuntimeError(f"{configure.__name__}: {len(transport.envelopes)} envelopes")
    sentry_sdk.get_client().close()
    reset_scopes()
    return seconds


def measure(
    path: str, rounds: int = ROUNDS, requests: int = REQUESTS_PER_ROUND
) -> dict[str, float]:
    """Median seconds per event for each configuration, interleaved rounds."""
    demo.setup()
    return interleaved_medians(
        lambda name, count: run_round(CONFIGURATIONS[name], path, count),
        list(CONFIGURATIONS),
        rounds=rounds,
        requests=requests,
        warmup=WARMUP,
    )


def spans_per_request(path: str) -> int:
    """How many spans one request to `path` makes (printed next to the figure)."""
    reset_scopes()
    transport = FakeTransport(relay=False)
    bare(transport)
    demo.client().get(path)
    sentry_sdk.get_client().close()
    reset_scopes()
    return max((len(t.get("spans", [])) for t in transport.items("transaction")), default=0)


def main() -> bool:
    """Print per-event times and ratios per workload; True when every ratio meets the target."""
    exam = demo.make_exam(copies=3)
    ok = True
    for workload, template in WORKLOADS.items():
        path = template.format(exam_id=exam.pk)
        figures = measure(path)
        ratio = figures["init_sentry (Korrigo)"] / figures["bare sentry_sdk.init"]
        print(
            f"{workload}: GET {template} ({spans_per_request(path)} spans; "
            f"{ROUNDS} interleaved rounds x {REQUESTS_PER_ROUND} requests, median CPU time)"
        )
        for name, seconds in figures.items():
            print(f"  {name:<24} {seconds * 1e3:8.3f} ms/request")
        verdict = "OK" if ratio <= TARGET else "ABOVE TARGET"
        print(f"  ratio init_sentry / bare {ratio:8.2f}  (target <= {TARGET}) {verdict}")
        ok = ok and ratio <= TARGET
    return ok


if __name__ == "__main__":
    main()
