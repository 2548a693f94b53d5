"""Checking and masking DSNs without ever echoing the key."""

from __future__ import annotations

from sentry_sdk.utils import BadDsn, Dsn

from korrigo_sentry.errors import ConfigError

MASK = "***"
#: The longest masked DSN shown.
SHOWN_MAX = 120


def validate_dsn(dsn: str, variable: str = "SENTRY_DSN") -> Dsn:
    """Parse `dsn` with the SDK's own parser; raise ConfigError without the key in it."""
    try:
        return Dsn(dsn)
    except BadDsn as exc:
        raise ConfigError(variable, f"is malformed ({exc}); expected {example()}") from None
    except ValueError:  # urlsplit rejects e.g. a non-numeric port; its text may hold the DSN
        raise ConfigError(variable, f"is malformed; expected {example()}") from None


def mask_dsn(dsn: str | None) -> str:
    """`https://***@o1.ingest.sentry.io/42`: host and project id, never the key.

    A value the SDK cannot parse as a DSN shows nothing of itself: any part of it could be
    the key (a bare key pasted alone would otherwise read as a "project id").
    """
    if not dsn:
        return "(not set)"
    try:
        parsed = Dsn(dsn)
    except (BadDsn, ValueError):
        return f"{MASK} (malformed)"
    shown = f"{parsed.scheme}://{MASK}@{parsed.netloc}/{parsed.project_id}"
    # A host pasted twice, or a whole file: the start says enough.
    return shown if len(shown) <= SHOWN_MAX else f"{shown[:SHOWN_MAX]}... ({len(dsn)} characters)"


def example() -> str:
    """The shape of a DSN, with placeholders instead of a key."""
    return "https://<public key>@<org>.ingest.sentry.io/<project id>"
