"""Read Sentry's configuration from the environment and an optional `.env` file.

Bad input never stops Korrigo: each problem is logged once at ERROR level, naming the
variable, and the value falls back to a safe default (or Sentry is turned off). With
`strict=True` (used by `doctor` and CI) the first problem raises `ConfigError` instead.
"""

from __future__ import annotations

import logging
import os
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path

from dotenv import dotenv_values, find_dotenv

from korrigo_sentry import settings
from korrigo_sentry.dsn import validate_dsn
from korrigo_sentry.errors import ConfigError

__all__ = ["ConfigError", "SentryConfig", "check_config", "load_config", "read_environ"]

logger = logging.getLogger("korrigo_sentry")

#: A git commit SHA, short or full. Anything else is refused as a release.
_SHA = re.compile(r"^[0-9a-fA-F]{7,40}$")
_TRUE = {"1", "true", "yes", "on"}
_FALSE = {"0", "false", "no", "off", ""}


@dataclass(frozen=True)
class SentryConfig:
    """What `init_sentry` passes to the SDK, after validation."""

    dsn: str | None
    environment: str
    release: str | None
    traces_sample_rate: float | None  # None: the per-environment sampler decides
    sample_rate: float
    debug: bool = False

    @property
    def enabled(self) -> bool:
        """True when events can be sent somewhere."""
        return bool(self.dsn)


def read_environ(
    environ: Mapping[str, str] | None = None, dotenv_path: str | Path | None = None
) -> dict[str, str]:
    """The process environment over the `.env` file's values (the environment wins)."""
    values: dict[str, str] = {}
    # An explicit `environ` (tests, tools) reads a .env only when one is named.
    path = _dotenv_file(dotenv_path) if environ is None or dotenv_path else None
    if path is not None:
        values.update({k: v for k, v in dotenv_values(path).items() if v is not None})
    values.update(os.environ if environ is None else environ)
    return values


def _dotenv_file(dotenv_path: str | Path | None) -> str | None:
    if dotenv_path is None:
        found = find_dotenv(usecwd=True)
        return found or None
    if not Path(dotenv_path).is_file():
        logger.warning(".env file %s not found: using the environment only", dotenv_path)
        return None
    return str(dotenv_path)


def load_config(
    environ: Mapping[str, str] | None = None,
    *,
    dotenv_path: str | Path | None = None,
    strict: bool = False,
) -> SentryConfig:
    """Validate every variable of `settings.ENV_VARS` and build a `SentryConfig`."""
    return _build(read_environ(environ, dotenv_path), _Reporter(strict=strict))


def check_config(
    environ: Mapping[str, str] | None = None, *, dotenv_path: str | Path | None = None
) -> tuple[SentryConfig, dict[str, ConfigError]]:
    """The configuration Korrigo would run with, and each problem by variable (none logged)."""
    reporter = _Reporter(strict=False, log=False)
    return _build(read_environ(environ, dotenv_path), reporter), reporter.problems


def _build(env: Mapping[str, str], report: _Reporter) -> SentryConfig:
    return SentryConfig(
        dsn=report.value(_dsn, env, report.warn),
        environment=report.value(_environment, env) or settings.DEFAULT_ENVIRONMENT,
        release=report.value(_release, env),
        traces_sample_rate=report.value(_rate, env, "SENTRY_TRACES_SAMPLE_RATE", None),
        sample_rate=report.value(_rate, env, "SENTRY_SAMPLE_RATE", settings.ERROR_SAMPLE_RATE),
        debug=bool(report.value(_debug, env)),
    )


class _Reporter:
    """Runs one parser; on a problem, logs it (or raises when strict) and falls back."""

    def __init__(self, *, strict: bool, log: bool = True) -> None:
        self.strict, self.log = strict, log
        self.problems: dict[str, ConfigError] = {}
        self.warnings: list[str] = []

    def value(self, parse, env, *args):  # type: ignore[no-untyped-def]
        try:
            return parse(env, *args)
        except _Fallback as fallback:
            if self.strict:
                raise fallback.error from None
            self.problems[fallback.error.variable] = fallback.error
            if self.log:
                logger.error("%s; %s", fallback.error, fallback.consequence)
            return fallback.value

    def warn(self, message: str) -> None:
        """A gap that is not an error (a missing DSN): logged at WARNING, never raised."""
        self.warnings.append(message)
        if self.log:
            logger.warning("%s", message)


class _Fallback(Exception):
    def __init__(self, error: ConfigError, value: object, consequence: str) -> None:
        self.error, self.value, self.consequence = error, value, consequence


def _dsn(env: Mapping[str, str], warn: Callable[[str], None]) -> str | None:
    dsn = env.get("SENTRY_DSN", "").strip()
    if not dsn:
        warn("SENTRY_DSN is not set: Sentry is disabled, no event will be sent")
        return None
    try:
        validate_dsn(dsn)
    except ConfigError as error:
        raise _Fallback(error, None, "Sentry is disabled") from None
    return dsn


def _environment(env: Mapping[str, str]) -> str:
    name = env.get("SENTRY_ENVIRONMENT", "").strip()
    if not name:
        return settings.DEFAULT_ENVIRONMENT
    if name not in settings.ENVIRONMENTS:
        # Falling back to production keeps the cheapest sampling and keeps production
        # alerts firing: a typo on a server must not hide its errors or spend the quota.
        raise _Fallback(
            ConfigError(
                "SENTRY_ENVIRONMENT",
                f"is {name!r}, not one of {', '.join(settings.ENVIRONMENTS)}",
            ),
            "production",
            "using 'production'",
        )
    return name


def _release(env: Mapping[str, str]) -> str | None:
    sha = env.get("GIT_COMMIT_SHA", "").strip()
    if not sha:
        return None
    if not _SHA.match(sha):
        raise _Fallback(
            ConfigError("GIT_COMMIT_SHA", "must be a git commit SHA (7 to 40 hex digits)"),
            None,
            "the release is left to sentry-sdk's guess (SENTRY_RELEASE or the git checkout)",
        )
    return f"{settings.RELEASE_PREFIX}{sha.lower()}"


def _rate(env: Mapping[str, str], variable: str, default: float | None) -> float | None:
    raw = env.get(variable, "").strip()
    if not raw:
        return default
    try:
        rate = float(raw)
    except ValueError:
        rate = float("nan")
    if not 0.0 <= rate <= 1.0:  # also false for NaN
        shown = raw if len(raw) <= 16 else raw[:16] + "..."
        raise _Fallback(
            ConfigError(variable, f"must be a number from 0 to 1, got {shown!r}"),
            default,
            f"using the default ({'per environment' if default is None else default})",
        )
    return rate


def _debug(env: Mapping[str, str]) -> bool:
    raw = env.get("SENTRY_DEBUG", "").strip().lower()
    if raw in _TRUE:
        return True
    if raw in _FALSE:
        return False
    raise _Fallback(
        ConfigError("SENTRY_DEBUG", "must be 1 or 0 (or true/false, yes/no, on/off)"),
        False,
        "debug is off",
    )
