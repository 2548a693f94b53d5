"""Which transactions are traced: the per-environment rates of `settings`."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from korrigo_sentry import settings

Sampler = Callable[[Mapping[str, Any]], float]


def rate_for(environment: str) -> float:
    """The traces rate of `environment` (production's for a name it does not know)."""
    return settings.TRACES_SAMPLE_RATES.get(environment, settings.TRACES_SAMPLE_RATES["production"])


def is_never_traced(sampling_context: Mapping[str, Any]) -> bool:
    """True for health checks and other paths listed in `settings.NEVER_TRACED`."""
    path = (sampling_context.get("wsgi_environ") or {}).get("PATH_INFO")
    name = (sampling_context.get("transaction_context") or {}).get("name")
    return path in settings.NEVER_TRACED or name in settings.NEVER_TRACED


def make_traces_sampler(environment: str, override: float | None = None) -> Sampler:
    """A `traces_sampler` for `environment`; `override` replaces its rate when set."""
    rate = rate_for(environment) if override is None else override

    def traces_sampler(sampling_context: Mapping[str, Any]) -> float:
        if is_never_traced(sampling_context):
            return 0.0
        parent = sampling_context.get("parent_sampled")
        if parent is not None:  # follow the upstream service's decision
            return 1.0 if parent else 0.0
        return rate

    return traces_sampler
