"""Checking and masking DSNs without ever echoing the key."""

from __future__ import annotations

from urllib.parse import urlsplit

from sentry_sdk.utils import BadDsn, Dsn

from korrigo_sentry.errors import ConfigError

MASK = "***"


def validate_dsn(dsn: str, variable: str = "SENTRY_DSN") -> Dsn:
    """Parse `dsn` with the SDK's own parser; raise ConfigError without the key in it."""
    try:
        return Dsn(dsn)
    except BadDsn as exc:
        raise ConfigError(variable, f"is malformed ({exc}); expected {example()}") from None
    except ValueError:  # urlsplit rejects e.g. a non-numeric port; its text may hold the DSN
        raise ConfigError(variable, f"is malformed; expected {example()}") from None


def mask_dsn(dsn: str | None) -> str:
    """`https://***@o1.ingest.sentry.io/42`: host and project id, never the key."""
    if not dsn:
        return "(not set)"
    try:
        parts = urlsplit(dsn)
        host = parts.hostname or "?"
        port = f":{parts.port}" if parts.port else ""
        project = parts.path.rstrip("/").rsplit("/", 1)[-1] or "?"
        return f"{parts.scheme or '?'}://{MASK}@{host}{port}/{project}"
    except ValueError:
        return f"{MASK} (unparseable)"


def example() -> str:
    """The shape of a DSN, with placeholders instead of a key."""
    return "https://<public key>@<org>.ingest.sentry.io/<project id>"
