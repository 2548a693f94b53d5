"""A `.env` file, whatever its bytes, never stops Korrigo and never puts the key in a log.

Issue 23: an unreadable `.env`, one Latin-1 byte in it (even in a comment), raised from
`init_sentry()` itself; a `.env` folder read as "no .env file found".
"""

from __future__ import annotations

import logging
import os
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from inline_snapshot import snapshot

from korrigo_sentry import init_sentry, load_config
from korrigo_sentry.config import DOTENV_MAX_BYTES, read_sources
from korrigo_sentry.oncall.doctor import isolated_sdk, run_checks
from tests.wording import placeholders

KEY = "5ec7e7c0ffee4b1d9a2e5ec7e7c0ffee"  # made up, 32 hex digits like a real public key
DSN_LINE = f"SENTRY_DSN=https://{KEY}@o0.ingest.sentry.io/42\n".encode()


def _init_logs(path: Path, caplog: pytest.LogCaptureFixture) -> list[str]:
    caplog.clear()
    with isolated_sdk(), caplog.at_level(logging.DEBUG, logger="korrigo_sentry"):
        init_sentry(environ={}, dotenv_path=path)
    return [r.getMessage() for r in caplog.records]


def test_a_latin1_byte_in_a_comment_is_one_warning_and_the_values_still_count(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    env = tmp_path / ".env"
    env.write_bytes(b"# r\xe9glages Sentry\n" + DSN_LINE + b"SENTRY_ENVIRONMENT=staging\n")

    messages = _init_logs(env, caplog)

    assert [placeholders(m, tmp=tmp_path) for m in messages] == snapshot(
        ["<tmp>/.env line 1 is not UTF-8 (byte 0xE9, read as U+FFFD): save the file as UTF-8"]
    )
    config = load_config({}, dotenv_path=env)
    assert (config.environment, config.dsn is not None) == ("staging", True)


def test_a_dotenv_folder_is_named_not_read_as_missing(
    tmp_path: Path, caplog: pytest.LogCaptureFixture, monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / ".env").mkdir()
    monkeypatch.chdir(tmp_path)

    dotenv = read_sources().dotenv

    assert dotenv.path == tmp_path / ".env"
    assert not dotenv.usable
    assert [placeholders(m, tmp=tmp_path) for m in dotenv.messages()] == snapshot(
        [
            "<tmp>/.env is a folder, not a .env file: remove or rename it, or name the file to read; Korrigo reads the environment only until then"
        ]
    )
    env_file = {r.name: r for r in run_checks({}, tmp_path / ".env", network=False)}["env_file"]
    assert env_file.status == "fail"


@pytest.mark.skipif(os.geteuid() == 0, reason="root reads a chmod 000 file anyway")
def test_an_unreadable_dotenv_is_one_error(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    env = tmp_path / ".env"
    env.write_bytes(DSN_LINE)
    env.chmod(0)

    assert placeholders(_init_logs(env, caplog)[0], tmp=tmp_path) == snapshot(
        "<tmp>/.env cannot be read (Permission denied): give the user that runs Korrigo read access to it; Korrigo reads the environment only until then"
    )


def test_an_unreadable_dotenv_is_one_error_even_as_root(
    tmp_path: Path, caplog: pytest.LogCaptureFixture, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The same path without relying on file modes (CI containers often run as root)."""
    import builtins

    env = tmp_path / ".env"
    env.write_bytes(DSN_LINE)
    real_open = builtins.open

    def refuse(file, *args, **kwargs):  # type: ignore[no-untyped-def]
        if Path(file) == env:
            raise PermissionError(13, "Permission denied")
        return real_open(file, *args, **kwargs)

    monkeypatch.setattr(builtins, "open", refuse)

    messages = _init_logs(env, caplog)

    assert placeholders(messages[0], tmp=tmp_path) == snapshot(
        "<tmp>/.env cannot be read (Permission denied): give the user that runs Korrigo read access to it; Korrigo reads the environment only until then"
    )
    assert caplog.records[0].levelname == "ERROR"


def test_a_huge_dotenv_is_not_read(tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    env = tmp_path / ".env"
    env.write_bytes(DSN_LINE + b"#" * DOTENV_MAX_BYTES)

    messages = _init_logs(env, caplog)

    assert placeholders(messages[0], tmp=tmp_path) == snapshot(
        "<tmp>/.env is larger than 1024 KiB, too large for a .env file: check that it is the right file; Korrigo reads the environment only until then"
    )
    assert load_config({}, dotenv_path=env).dsn is None


def test_a_value_of_100_kb_is_echoed_cut(tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    env = tmp_path / ".env"
    env.write_bytes(b"SENTRY_ENVIRONMENT=" + b"x" * 100_000 + b"\n")

    (message,) = [m for m in _init_logs(env, caplog) if "SENTRY_ENVIRONMENT" in m]

    assert message.startswith("SENTRY_ENVIRONMENT is 'xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx'... ")
    assert len(message) < 200


def test_a_dsn_pasted_into_another_variable_is_not_echoed(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    env = tmp_path / ".env"
    env.write_bytes(DSN_LINE.replace(b"SENTRY_DSN", b"SENTRY_ENVIRONMENT"))

    assert KEY not in "\n".join(_init_logs(env, caplog))


# --- the property ---------------------------------------------------------------------------

OTHER_VARIABLES = (
    "SENTRY_ENVIRONMENT",
    "SENTRY_SAMPLE_RATE",
    "SENTRY_TRACES_SAMPLE_RATE",
    "SENTRY_DEBUG",
    "GIT_COMMIT_SHA",
)
#: Pieces a broken .env is made of: the DSN line (the key to protect), lines of other
#: variables, quotes, a Latin-1 byte, a NUL, CR, invalid UTF-8 sequences.
PIECES = st.sampled_from(
    [
        DSN_LINE,
        DSN_LINE.replace(b"=", b'="'),
        DSN_LINE.replace(b"@", b"\xe9@"),
        b"SENTRY_ENVIRONMENT=",
        b"SENTRY_SAMPLE_RATE=",
        b"SENTRY_DEBUG=",
        b"GIT_COMMIT_SHA=",
        b"export ",
        b"'",
        b'"',
        b"#",
        b"\n",
        b"\r\n",
        b"\x00",
        b"\xe9",
        b"\xff\xfe",
        b"${SENTRY_DSN}",
        KEY.encode(),
        # the DSN pasted into the wrong variable, or its key alone
        *(DSN_LINE.replace(b"SENTRY_DSN", name.encode()) for name in OTHER_VARIABLES),
        *(f"{name}={KEY}\n".encode() for name in OTHER_VARIABLES),
    ]
)
DOTENV_BYTES = st.one_of(
    st.binary(max_size=400),
    st.lists(st.one_of(PIECES, st.binary(max_size=8)), max_size=24).map(b"".join),
)


@settings(deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=DOTENV_BYTES)
def test_any_dotenv_bytes_never_raise_and_never_log_the_key(
    data: bytes, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    env = tmp_path / ".env"
    env.write_bytes(data)

    messages = _init_logs(env, caplog)  # raises nothing, whatever the bytes

    logged = "\n".join(messages)
    # not even a cut echo of it: no 16 characters of the key in a row
    assert not any(KEY[i : i + 16] in logged for i in range(len(KEY) - 15)), logged
    assert all("\n" not in m for m in messages), "every problem is one line"
