"""Korrigo's Sentry configuration: `init_sentry()` is what Korrigo's settings call.

For Korrigo itself: this package (the wheel) runs inside its web and worker processes.
The subpackages say who they are for: `cli` and `oncall`/`alerts` for on-call,
`testing` for test suites; the other modules here are the runtime.

Names load on first use, so `import korrigo_sentry.settings` (macros.py, the CLI's help)
does not pay for importing Django, Celery and the SDK's integrations.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from korrigo_sentry.config import ConfigError, SentryConfig, load_config
    from korrigo_sentry.sdk_init import init_sentry

__version__ = "1.0.0"
__all__ = ["ConfigError", "SentryConfig", "init_sentry", "load_config"]

_HOMES = {
    "ConfigError": "korrigo_sentry.config",
    "SentryConfig": "korrigo_sentry.config",
    "load_config": "korrigo_sentry.config",
    "init_sentry": "korrigo_sentry.sdk_init",
}


def __getattr__(name: str) -> Any:
    if name in _HOMES:
        return getattr(importlib.import_module(_HOMES[name]), name)
    raise AttributeError(f"module 'korrigo_sentry' has no attribute {name!r}")
