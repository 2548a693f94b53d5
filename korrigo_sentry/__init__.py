"""Korrigo's Sentry configuration: `init_sentry()` is what Korrigo's settings call."""

from korrigo_sentry.config import ConfigError, SentryConfig, load_config
from korrigo_sentry.sdk_init import init_sentry

__version__ = "1.0.0"
__all__ = ["ConfigError", "SentryConfig", "init_sentry", "load_config"]
