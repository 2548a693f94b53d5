"""Edges of the `.env` reader `make mutate` found untested (issue 24): the strict refusal
names `.env` and the problem without the path, an unusable file is an error and a bad byte
a warning in the log, the 1 MiB bound (a file of exactly 1 MiB is read), a link to a missing
file, and the line of a byte that is not UTF-8 (lines counted from 1, a leading blank line
included)."""

from __future__ import annotations

import logging
from pathlib import Path

import pytest

from korrigo_sentry import config
from korrigo_sentry.errors import ConfigError

MIB = 1024 * 1024  # the bound the docstring of read_dotenv_text gives


def test_strict_refuses_an_unusable_env_file_naming_env_not_its_path(tmp_path: Path) -> None:
    folder = tmp_path / ".env"
    folder.mkdir()
    with pytest.raises(ConfigError) as refused:
        config.load_config({}, dotenv_path=folder, strict=True)
    assert refused.value.variable == ".env"
    assert refused.value.problem.startswith("is a folder, not a .env file: remove or rename it")
    missing = tmp_path / "gone.env"
    with pytest.raises(ConfigError) as refused:
        config.load_config({}, dotenv_path=missing, strict=True)
    assert refused.value.problem.startswith("no such .env file: check the path")


def test_an_unusable_file_is_an_error_and_a_bad_byte_a_warning(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    folder = tmp_path / "folder.env"
    folder.mkdir()
    latin = tmp_path / "latin.env"
    latin.write_bytes(b"SENTRY_ENVIRONMENT=caf\xe9\n")
    with caplog.at_level(logging.WARNING, logger="korrigo_sentry"):
        config.load_config({}, dotenv_path=folder)
        config.load_config({}, dotenv_path=latin)
    levels = [(r.levelname, r.getMessage().split(" ", 1)[1][:12]) for r in caplog.records]
    assert ("ERROR", "is a folder,") in levels
    assert ("WARNING", "line 1 is no") in levels


def test_a_file_of_exactly_1_mib_is_read_and_one_byte_more_is_not(tmp_path: Path) -> None:
    exact = tmp_path / "exact.env"
    exact.write_bytes(b"A=1\n" + b"#" * (MIB - 5) + b"\n")
    text, problems = config.read_dotenv_text(exact)
    assert (len(text or ""), problems) == (MIB, [])
    over = tmp_path / "over.env"
    over.write_bytes(b"#" * (MIB + 1))
    text, problems = config.read_dotenv_text(over)
    assert text is None
    assert problems[0].startswith(f"{over} is larger than 1024 KiB")


def test_a_link_to_a_missing_file_says_so(tmp_path: Path) -> None:
    link = tmp_path / ".env"
    link.symlink_to(tmp_path / "deleted.env")
    assert config.read_dotenv_text(link)[1] == [
        f"{link}: no such .env file (a link to a missing file): check the path; "
        "Korrigo reads the environment only until then"
    ]


def test_the_line_of_a_bad_byte_counts_a_leading_blank_line(tmp_path: Path) -> None:
    path = tmp_path / ".env"
    path.write_bytes(b"\nA=1\nB=\xff\n")
    text, problems = config.read_dotenv_text(path)
    assert text == "\nA=1\nB=\ufffd\n"
    assert problems == [
        f"{path} line 3 is not UTF-8 (byte 0xFF, read as U+FFFD): save the file as UTF-8"
    ]
