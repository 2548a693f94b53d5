"""The doctor's lines `make mutate` found unchecked (issue 24): where the environment was
decided, the `.env` line when there is no file or it cannot be used, and the oldest
sentry-sdk the wheel accepts (its `sentry-sdk>=2.76` range: pyproject.toml)."""

from __future__ import annotations

from pathlib import Path

import pytest

from korrigo_sentry import config
from korrigo_sentry.oncall import doctor


def _line(report: doctor.Report, name: str) -> doctor.CheckResult:
    return next(r for r in report.results if r.name == name)


def test_the_environment_line_says_what_decided_it() -> None:
    nothing = doctor.diagnose({}, network=False)
    assert _line(nothing, "environment").source == (
        "neither SENTRY_ENVIRONMENT nor DJANGO_ENV is set: default"
    )
    django = doctor.diagnose({"DJANGO_ENV": " production "}, network=False)
    assert _line(django, "environment").source == (
        "decided by DJANGO_ENV='production' from environment; SENTRY_ENVIRONMENT is not set"
    )


def test_the_oldest_sdk_the_wheel_accepts_is_fine(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(doctor.sentry_sdk, "VERSION", "2.76.1")  # not the pin: the range
    assert doctor._check_version().status == "ok"
    monkeypatch.setattr(doctor.sentry_sdk, "VERSION", "2.75.9")
    assert doctor._check_version().status != "ok"


def test_no_env_file_says_where_it_was_looked_for_and_nothing_when_unknown() -> None:
    searched = config.DotenvFile(None, cwd=Path("/srv/korrigo"))
    assert doctor._check_env_file(searched).detail == (
        "no .env file found from /srv/korrigo: the environment only"
    )
    unknown = config.DotenvFile(None)
    assert doctor._check_env_file(unknown).detail == "no .env file found: the environment only"


def test_an_unusable_env_file_lists_each_problem_apart() -> None:
    problems = ("/srv/korrigo/.env is a folder", "/srv/korrigo/.env is not readable")
    dotenv = config.DotenvFile(Path("/srv/korrigo/.env"), problems=problems, usable=False)
    result = doctor._check_env_file(dotenv)
    assert (result.status, result.detail) == (
        "fail",
        "/srv/korrigo/.env is a folder; /srv/korrigo/.env is not readable",
    )
