"""Timing helpers: CPU time per demo request, and interleaved rounds under one machine load."""

from __future__ import annotations

import gc
import random
import statistics
import time
from collections.abc import Callable, Mapping

import demo


def interleaved_medians(
    run_round: Callable[[str, int], float],
    names: list[str],
    *,
    rounds: int,
    requests: int,
    warmup: int,
) -> dict[str, float]:
    """Median of `run_round(name, requests)` per name, rounds shuffled (seeded) and interleaved.

    One warm-up round per name first (imports, patches, Django's URL resolver).
    """
    rng = random.Random(0)
    order = list(names)
    for name in order:
        run_round(name, warmup)
    samples: Mapping[str, list[float]] = {name: [] for name in order}
    for _ in range(rounds):
        rng.shuffle(order)
        for name in order:
            samples[name].append(run_round(name, requests))
    return {name: statistics.median(samples[name]) for name in names}


def cpu_seconds_per_request(path: str, requests: int) -> float:
    """This thread's CPU time per `GET path` through the demo app's WSGI handler."""
    client = demo.client()
    gc.collect()
    start = time.thread_time()
    for _ in range(requests):
        client.get(path)
    return (time.thread_time() - start) / requests
