"""`init_sentry`: the one call Korrigo's Django settings make."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any

import sentry_sdk
from sentry_sdk.integrations import Integration
from sentry_sdk.integrations.celery import CeleryIntegration
from sentry_sdk.integrations.django import DjangoIntegration
from sentry_sdk.integrations.logging import LoggingIntegration
from sentry_sdk.integrations.redis import RedisIntegration

from korrigo_sentry import privacy, settings
from korrigo_sentry.config import SentryConfig, load_config
from korrigo_sentry.sampling import make_traces_sampler

_INTEGRATION_CLASSES: dict[str, type[Integration]] = {
    "django": DjangoIntegration,
    "celery": CeleryIntegration,
    "redis": RedisIntegration,
    "logging": LoggingIntegration,
}


def integrations() -> list[Integration]:
    """The integrations of `settings.INTEGRATIONS`, built with their options."""
    return [_INTEGRATION_CLASSES[name](**opts) for name, opts in settings.INTEGRATIONS.items()]


def sdk_options(config: SentryConfig) -> dict[str, Any]:
    """The keyword arguments `init_sentry` gives `sentry_sdk.init` for `config`."""
    return {
        # "" and not None: given None, sentry_sdk.init reads $SENTRY_DSN itself, so a DSN
        # refused above would come back (and a malformed one raise BadDsn at startup).
        "dsn": config.dsn or "",
        "environment": config.environment,
        "release": config.release,
        "sample_rate": config.sample_rate,
        "traces_sampler": make_traces_sampler(config.environment, config.traces_sample_rate),
        "debug": config.debug,
        "integrations": integrations(),
        # Only the integrations of settings.INTEGRATIONS (plus the SDK's defaults: logging,
        # excepthook, dedupe...): nothing switched on because a package happens to be installed.
        "auto_enabling_integrations": False,
        "data_collection": settings.DATA_COLLECTION,
        "before_send": privacy.before_send,
        "before_send_transaction": privacy.before_send_transaction,
        "before_breadcrumb": privacy.before_breadcrumb,
        "before_send_log": privacy.before_send_log,
        "before_send_metric": privacy.before_send_metric,
    }


def init_sentry(
    *,
    strict: bool = False,
    environ: Mapping[str, str] | None = None,
    dotenv_path: str | Path | None = None,
    **overrides: Any,
) -> SentryConfig:
    """Configure sentry-sdk for Korrigo; `overrides` are passed to `sentry_sdk.init` last.

    Bad configuration is logged and Sentry falls back or turns off, so Korrigo keeps
    serving; with `strict=True` it raises `ConfigError` instead.
    """
    config = load_config(environ, dotenv_path=dotenv_path, strict=strict)
    options = {**sdk_options(config), **overrides}
    if options.get("trace_lifecycle") == "stream":
        # Only then: the SDK warns about `before_send_span` in any other mode.
        options.setdefault("before_send_span", privacy.before_send_span)
    # Personal models and uploaded files serialised as `<Student pk=12>` (privacy.models).
    privacy.models.install()
    sentry_sdk.init(**options)
    # The envelope (its trace header, its attachment, session and batch items) is built
    # after before_send: scrub it again at the transport (facts sdk.envelope_after_before_send,
    # issue 22; every item type: privacy.envelope.ITEM_DECISIONS).
    privacy.install(sentry_sdk.get_client().transport)
    return config
