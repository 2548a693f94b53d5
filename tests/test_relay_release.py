"""Releases built from GIT_COMMIT_SHA are names Sentry accepts (Relay's `parse_release`)."""

from __future__ import annotations

import logging
import re

import pytest
import sentry_sdk
from hypothesis import given
from hypothesis import strategies as st
from sentry_relay import parse_release
from sentry_sdk.utils import get_default_release

from korrigo_sentry import ConfigError, load_config
from korrigo_sentry.config import _SHA
from korrigo_sentry.testing import TEST_DSN, sentry_capture
from korrigo_sentry.testing.relay import release_problem


@given(sha=st.from_regex(_SHA, fullmatch=True))
def test_every_sha_the_runtime_check_accepts_makes_a_release_sentry_accepts(sha: str) -> None:
    release = load_config({"GIT_COMMIT_SHA": sha}, strict=True).release
    assert release is not None
    assert release_problem(release) is None
    parsed = parse_release(release)
    assert (parsed["package"], parsed["version_raw"]) == ("korrigo", sha.lower())


@given(raw=st.text(max_size=300))
def test_whatever_the_config_accepts_sentry_accepts(raw: str) -> None:
    # git's commit SHAs: 7 (short) to 40 hex digits; anything else must be refused, by name.
    sha = raw.strip()
    if sha and not re.fullmatch(r"[0-9a-fA-F]{7,40}", sha):
        with pytest.raises(ConfigError) as raised:
            load_config({"GIT_COMMIT_SHA": raw}, strict=True)
        assert raised.value.variable == "GIT_COMMIT_SHA"
        return
    release = load_config({"GIT_COMMIT_SHA": raw}, strict=True).release
    if not sha:
        assert release is None
        return
    assert release == "korrigo@" + sha.lower()
    assert release_problem(release) is None


REFUSED_BY_SENTRY = {
    "bad characters": "abc/1234567",
    "a tab": "abc1234\tdef",
    "inner whitespace": "abc1234 def5678",
    "too long": "a" * 300,
    "dot": ".",
    "dot dot": "..",
    "restricted name": "latest",
}


@pytest.mark.parametrize("value", REFUSED_BY_SENTRY.values(), ids=REFUSED_BY_SENTRY.keys())
def test_a_value_sentry_would_refuse_is_refused_clearly(
    value: str, caplog: pytest.LogCaptureFixture
) -> None:
    if value.strip() == value and " " not in value:
        assert release_problem(value) is not None  # Relay itself refuses it as a release
    with pytest.raises(ConfigError) as raised:
        load_config({"GIT_COMMIT_SHA": value}, strict=True)
    assert raised.value.variable == "GIT_COMMIT_SHA"

    caplog.set_level(logging.ERROR, logger="korrigo_sentry")
    environ = {"SENTRY_DSN": TEST_DSN, "SENTRY_ENVIRONMENT": "test", "GIT_COMMIT_SHA": value}
    with sentry_capture(environ=environ) as sentry:  # not strict: Korrigo keeps serving
        sentry_sdk.capture_message("still reporting")
    (record,) = [r for r in caplog.records if "GIT_COMMIT_SHA" in r.getMessage()]
    assert record.levelno == logging.ERROR
    (event,) = sentry.events
    assert event["message"] == "still reporting"
    # The refused value is dropped: the release is sentry-sdk's own guess (SENTRY_RELEASE or
    # the git checkout, None elsewhere), and any guess is a name Sentry accepts.
    guess = get_default_release()
    assert event.get("release") == guess
    assert guess is None or release_problem(guess) is None


def test_surrounding_whitespace_from_git_is_trimmed_not_refused() -> None:
    release = load_config({"GIT_COMMIT_SHA": " 0123abcd\n"}, strict=True).release
    assert release is not None
    assert release_problem(release) is None
    assert release_problem(f" {release}") == "has leading or trailing whitespace"
