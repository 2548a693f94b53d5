"""Release names as Sentry validates them (Relay's `parse_release`)."""

from __future__ import annotations

from sentry_relay import InvalidReleaseError, parse_release


def release_problem(release: str) -> str | None:
    """Why Sentry would refuse `release` as a release name, or None when it accepts it."""
    if not release:
        return "is empty"
    if release != release.strip():
        # Relay trims it silently, so the release in Sentry would not be the one deployed.
        return "has leading or trailing whitespace"
    try:
        parse_release(release)
    except InvalidReleaseError as error:
        return str(error.message).splitlines()[0].removeprefix("invalid release: ")
    return None
