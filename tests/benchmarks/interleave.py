"""Interleaved timing rounds: every configuration measured under the same machine load."""

from __future__ import annotations

import random
import statistics
from collections.abc import Callable, Mapping


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
