"""Per-event cost of the Relay checks that FakeTransport runs on everything it receives.

The same request goes through the same `init_sentry` configuration three times over:
the demo app's failing view, requested through the WSGI handler, which sends one error
event and one transaction. Only the transport differs: plain (`relay=False`, the
baseline), with Relay's ingest checks only (`privacy_floor=False`), and as the tests run
it (ingest checks and the privacy floor). Rounds alternate in a shuffled order so drift
hits all alike; each figure is the median of its rounds, in CPU time of this thread.
"""

from __future__ import annotations

import sentry_sdk

import demo
from korrigo_sentry import init_sentry
from korrigo_sentry.testing import TEST_DSN, FakeTransport, reset_scopes
from tests.benchmarks.interleave import cpu_seconds_per_request, interleaved_medians

ROUNDS = 9
REQUESTS_PER_ROUND = 60
WARMUP = 20
PATH = "/boom/"
ITEMS_PER_REQUEST = 2  # one error event, one transaction

TRANSPORTS: dict[str, dict[str, bool]] = {
    "plain FakeTransport": {"relay": False},
    "+ Relay ingest checks": {"relay": True, "privacy_floor": False},
    "+ ingest + privacy floor": {"relay": True, "privacy_floor": True},
}
BASELINE = "plain FakeTransport"


def run_round(options: dict[str, bool], requests: int) -> float:
    """CPU seconds per request for one transport; checks that Relay found nothing."""
    reset_scopes()
    transport = FakeTransport(**options)
    init_sentry(environ={"SENTRY_DSN": TEST_DSN, "SENTRY_ENVIRONMENT": "test"}, transport=transport)
    seconds = cpu_seconds_per_request(PATH, requests)
    sentry_sdk.get_client().close()
    reset_scopes()
    if len(transport.payloads) < requests:
        raise RuntimeError(f"{options}: {len(transport.payloads)} envelopes for {requests}")
    if transport.relay is not None and transport.relay.violations:
        raise RuntimeError(f"Relay flagged the benchmark's events: {transport.relay.violations[0]}")
    return seconds


def measure(rounds: int = ROUNDS, requests: int = REQUESTS_PER_ROUND) -> dict[str, float]:
    """Median CPU seconds per request for each transport, interleaved rounds."""
    demo.setup()
    return interleaved_medians(
        lambda name, count: run_round(TRANSPORTS[name], count),
        list(TRANSPORTS),
        rounds=rounds,
        requests=requests,
        warmup=WARMUP,
    )


def main() -> None:
    """Print the per-item cost each check adds, and the ratio to the plain transport."""
    figures = measure()
    baseline = figures[BASELINE]
    print(
        f"Relay checks in FakeTransport: a failing Django request ({ITEMS_PER_REQUEST} items: "
        f"error + transaction), {ROUNDS} interleaved rounds x {REQUESTS_PER_ROUND}, median"
    )
    for name, seconds in figures.items():
        added = (seconds - baseline) / ITEMS_PER_REQUEST
        print(
            f"  {name:<26} {seconds * 1e3:8.3f} ms/request  "
            f"{added * 1e3:+7.3f} ms/item  ratio {seconds / baseline:5.2f}"
        )


if __name__ == "__main__":
    main()
