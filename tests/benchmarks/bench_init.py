"""Per-event cost of `init_sentry`'s configuration against a bare `sentry_sdk.init`.

The event is the same in both: an exception raised in a Django view of the demo app,
requested through the WSGI handler, captured by the Django integration, and serialized
by the same FakeTransport (one error event and one transaction per request). The bare
configuration has the Django integration and the same traces rate, and nothing of
Korrigo's (no scrubbing hooks, no sampler, no extra integrations).

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

from korrigo_sentry import demo, init_sentry
from korrigo_sentry.sampling import rate_for
from korrigo_sentry.testing import TEST_DSN, FakeTransport, reset_scopes
from tests.benchmarks.interleave import cpu_seconds_per_request, interleaved_medians

ENVIRONMENT = "test"
ROUNDS = 11
REQUESTS_PER_ROUND = 100
WARMUP = 30
TARGET = 1.3
PATH = "/boom/"


def korrigo(transport: FakeTransport) -> None:
    init_sentry(
        environ={"SENTRY_DSN": TEST_DSN, "SENTRY_ENVIRONMENT": ENVIRONMENT}, transport=transport
    )


def bare(transport: FakeTransport) -> None:
    sentry_sdk.init(
        dsn=TEST_DSN,
        environment=ENVIRONMENT,
        transport=transport,
        integrations=[DjangoIntegration()],
        traces_sample_rate=rate_for(ENVIRONMENT),
    )


def off(transport: FakeTransport) -> None:
    """No SDK client: Django alone, for scale."""


CONFIGURATIONS: dict[str, Callable[[FakeTransport], None]] = {
    "bare sentry_sdk.init": bare,
    "init_sentry (Korrigo)": korrigo,
    "no SDK (Django alone)": off,
}


def run_round(configure: Callable[[FakeTransport], None], requests: int) -> float:
    """CPU seconds per request for one configuration; checks each request made an event."""
    reset_scopes()
    transport = FakeTransport(relay=False)  # the same plain transport for every configuration
    configure(transport)
    seconds = cpu_seconds_per_request(PATH, requests)
    if configure is not off and len(transport.envelopes) < requests:
        raise RuntimeError(f"{configure.__name__}: {len(transport.envelopes)} envelopes")
    sentry_sdk.get_client().close()
    reset_scopes()
    return seconds


def measure(rounds: int = ROUNDS, requests: int = REQUESTS_PER_ROUND) -> dict[str, float]:
    """Median seconds per event for each configuration, interleaved rounds."""
    demo.setup()
    return interleaved_medians(
        lambda name, count: run_round(CONFIGURATIONS[name], count),
        list(CONFIGURATIONS),
        rounds=rounds,
        requests=requests,
        warmup=WARMUP,
    )


def main() -> bool:
    """Print both per-event times and their ratio; True when the ratio meets the target."""
    figures = measure()
    baseline = figures["bare sentry_sdk.init"]
    ratio = figures["init_sentry (Korrigo)"] / baseline
    print(
        f"per-event cost of a captured exception from a Django request "
        f"({ROUNDS} interleaved rounds x {REQUESTS_PER_ROUND} requests, median)"
    )
    for name, seconds in figures.items():
        print(f"  {name:<24} {seconds * 1e3:8.3f} ms/event")
    verdict = "OK" if ratio <= TARGET else "ABOVE TARGET"
    print(f"  ratio init_sentry / bare {ratio:8.2f}  (target <= {TARGET}) {verdict}")
    return ratio <= TARGET


if __name__ == "__main__":
    main()
