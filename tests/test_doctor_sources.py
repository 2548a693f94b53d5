"""The doctor's lines `make mutate` found unchecked (issue 24): where the environment was
decided, and the oldest sentry-sdk the wheel accepts (its `sentry-sdk>=2.76` range:
pyproject.toml)."""

from __future__ import annotations

import pytest

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
