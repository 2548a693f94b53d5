"""Every command meets every `.env` defect with sentences, never a traceback (issue 23: an
unreadable `.env`, or one Latin-1 byte in it, raised from every command)."""

from __future__ import annotations

import builtins
from collections.abc import Callable
from pathlib import Path

import pytest

from korrigo_sentry.cli import main

Capture = pytest.CaptureFixture[str]
DSN = "http://a1b2c3d4e5f60718293a4b5c6d7e8f90@127.0.0.1:9/1"


def folder(env: Path) -> None:
    env.mkdir()


def latin1(env: Path) -> None:
    env.write_bytes(b"# r\xe9glages\nSENTRY_ENVIRONMENT=staging\n")


def huge(env: Path) -> None:
    env.write_bytes(b"#" * (2 << 20))


DEFECTS: dict[str, Callable[[Path], None]] = {"folder": folder, "latin1": latin1, "huge": huge}
COMMANDS = [
    ["doctor", "--offline"],
    ["send-test", "--timeout", "1"],
    ["check", "sentry-not-capturing-errors", "--offline"],
    ["runbook", "quota-exhausted"],
    ["runbook", "--list"],
]


@pytest.mark.usefixtures("clean_sentry_env")
@pytest.mark.parametrize("defect", DEFECTS)
@pytest.mark.parametrize("argv", COMMANDS, ids=lambda a: " ".join(a))
def test_no_command_prints_a_traceback(
    defect: str, argv: list[str], capsys: Capture, tmp_path: Path
) -> None:
    env = tmp_path / ".env"
    DEFECTS[defect](env)

    status = main(argv)

    out, err = capsys.readouterr()
    assert "Traceback" not in out + err
    assert status in (0, 1, 20), (status, out, err)
    if argv[0] in ("doctor", "check", "runbook") and argv[1] != "--list":
        assert str(env) in out + err, "the defect is named with its file"


@pytest.mark.usefixtures("clean_sentry_env")
def test_an_unreadable_env_is_one_line_in_every_command(
    capsys: Capture, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    env = tmp_path / ".env"
    env.write_text(f"SENTRY_DSN={DSN}\n")
    real_open = builtins.open

    def refuse(file, *args, **kwargs):  # type: ignore[no-untyped-def]
        if str(file) == str(env):
            raise PermissionError(13, "Permission denied")
        return real_open(file, *args, **kwargs)

    monkeypatch.setattr(builtins, "open", refuse)
    expected = (
        f"{env} cannot be read (Permission denied): give the user that runs Korrigo read "
        "access to it; Korrigo reads the environment only until then"
    )
    for argv in COMMANDS[:3]:
        status = main(argv)
        out, err = capsys.readouterr()
        assert "Traceback" not in out + err
        assert expected in out + err, argv
        assert status in (1, 20), argv
