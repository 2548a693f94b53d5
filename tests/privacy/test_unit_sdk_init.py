"""`init_sentry` and the options it gives the SDK, read from the outside."""

from __future__ import annotations

import logging
from pathlib import Path

import pytest
import sentry_sdk

from korrigo_sentry import ConfigError, load_config, sdk_init
from korrigo_sentry.config import SentryConfig
from korrigo_sentry.sdk_init import sdk_options
from korrigo_sentry.testing import (
    TEST_COMMIT_SHA,
    TEST_DSN,
    FakeTransport,
    reset_scopes,
    sentry_capture,
)

F = "[Filtered]"


def test_the_traces_rate_override_reaches_the_sampler() -> None:
    # SENTRY_TRACES_SAMPLE_RATE "overrides the environment's traces rate" (ENV_VARS)
    config = load_config({"SENTRY_ENVIRONMENT": "production", "SENTRY_TRACES_SAMPLE_RATE": "0.25"})
    sampler = sdk_options(config)["traces_sampler"]
    assert sampler({"transaction_context": {"name": "/exams/7/"}}) == 0.25


def test_no_integration_is_switched_on_because_its_package_is_installed() -> None:
    assert sdk_options(load_config({}))["auto_enabling_integrations"] is False


def test_strict_init_raises_on_a_bad_dsn() -> None:
    with pytest.raises(ConfigError), sentry_capture(environ={"SENTRY_DSN": "x"}, strict=True):
        pass


def test_a_named_dotenv_file_is_read(tmp_path: Path) -> None:
    dotenv = tmp_path / "sentry.env"
    dotenv.write_text("SENTRY_ENVIRONMENT=staging\n", encoding="utf-8")
    environ = {"SENTRY_DSN": TEST_DSN, "GIT_COMMIT_SHA": TEST_COMMIT_SHA}
    with sentry_capture(environ=environ, dotenv_path=dotenv) as sent:
        sentry_sdk.capture_message("x")
    assert sent.events[0]["environment"] == "staging"


def test_the_transport_init_sentry_builds_scrubs_attachments() -> None:
    with sentry_capture() as sent:
        scope = sentry_sdk.get_isolation_scope()
        scope.add_attachment(bytes=b"to eleve@lycee.fr", filename="x.txt")
        sentry_sdk.capture_message("with attachment")
    (attachment,) = [i for i in sent.envelopes[0].items if i.type == "attachment"]
    assert attachment.get_bytes() == f"to {F}".encode()


def test_an_unforeseen_configuration_failure_turns_sentry_off_in_one_line(
    monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    # The promise of init_sentry: configuration never stops Korrigo. The error's own text
    # may quote a value (a DSN, a key): only its type is logged.
    def broken(*args: object, **kwargs: object) -> None:
        raise RuntimeError(f"cannot parse {TEST_DSN}")

    monkeypatch.setattr(sdk_init, "load_config", broken)
    try:
        with caplog.at_level(logging.ERROR, logger="korrigo_sentry"):
            config = sdk_init.init_sentry(transport=FakeTransport())
    finally:
        sentry_sdk.get_client().close()
        reset_scopes()
    # No DSN, the environment used without one, nothing sampled.
    assert config == SentryConfig(None, "development", None, None, 0.0)
    logged = [(r.name, r.levelname, r.getMessage()) for r in caplog.records]
    assert logged == [(
        "korrigo_sentry", "ERROR",
        "Sentry's configuration could not be read (RuntimeError): Sentry is disabled; run "
        "`python -m korrigo_sentry doctor` to see why",
    )]  # fmt: skip


def test_strict_init_reads_the_named_dotenv_file(tmp_path: Path) -> None:
    dotenv = tmp_path / "sentry.env"
    dotenv.write_text("SENTRY_ENVIRONMENT=staging\n", encoding="utf-8")
    environ = {"SENTRY_DSN": TEST_DSN, "GIT_COMMIT_SHA": TEST_COMMIT_SHA}
    with sentry_capture(environ=environ, dotenv_path=dotenv, strict=True) as sent:
        sentry_sdk.capture_message("x")
    assert sent.events[0]["environment"] == "staging"
