"""Korrigo's DJANGO_ENV decides the Sentry environment when SENTRY_ENVIRONMENT is not set.

Korrigo's compose files set `DJANGO_ENV: production` (and `e2e` for its end-to-end override);
its settings default to `development`. Every combination of SENTRY_DSN, SENTRY_ENVIRONMENT
and DJANGO_ENV is listed with the environment a reader should expect, typed by hand.
"""

from __future__ import annotations

import logging

import pytest
from inline_snapshot import snapshot

from korrigo_sentry.config import check_config, environment_decided_by, load_config
from korrigo_sentry.oncall.doctor import CheckResult, run_checks

DSN = "https://c0ffee0ddba11cafe@o0.ingest.sentry.io/42"

# (SENTRY_DSN set, SENTRY_ENVIRONMENT, DJANGO_ENV) -> (environment, decided by, problem variables)
# "" is unset. "prod" is not a Sentry environment name; "qa" is not a Korrigo DJANGO_ENV value.
MATRIX: dict[tuple[bool, str, str], tuple[str, str, set[str]]] = {
    (False, "", ""): ("development", "default", set()),
    (False, "", "development"): ("development", "DJANGO_ENV", set()),
    (False, "", "production"): ("production", "DJANGO_ENV", set()),
    (False, "", "e2e"): ("test", "DJANGO_ENV", set()),
    (False, "", "qa"): ("production", "DJANGO_ENV", {"DJANGO_ENV"}),
    (False, "staging", ""): ("staging", "SENTRY_ENVIRONMENT", set()),
    (False, "staging", "development"): ("staging", "SENTRY_ENVIRONMENT", set()),
    (False, "staging", "production"): ("staging", "SENTRY_ENVIRONMENT", set()),
    (False, "staging", "e2e"): ("staging", "SENTRY_ENVIRONMENT", set()),
    (False, "staging", "qa"): ("staging", "SENTRY_ENVIRONMENT", set()),
    (False, "prod", ""): ("production", "SENTRY_ENVIRONMENT", {"SENTRY_ENVIRONMENT"}),
    (False, "prod", "development"): ("production", "SENTRY_ENVIRONMENT", {"SENTRY_ENVIRONMENT"}),
    (False, "prod", "production"): ("production", "SENTRY_ENVIRONMENT", {"SENTRY_ENVIRONMENT"}),
    (False, "prod", "e2e"): ("production", "SENTRY_ENVIRONMENT", {"SENTRY_ENVIRONMENT"}),
    (False, "prod", "qa"): ("production", "SENTRY_ENVIRONMENT", {"SENTRY_ENVIRONMENT"}),
    (True, "", ""): ("production", "default", {"SENTRY_ENVIRONMENT"}),
    (True, "", "development"): ("development", "DJANGO_ENV", set()),
    (True, "", "production"): ("production", "DJANGO_ENV", set()),
    (True, "", "e2e"): ("test", "DJANGO_ENV", set()),
    (True, "", "qa"): ("production", "DJANGO_ENV", {"DJANGO_ENV"}),
    (True, "staging", ""): ("staging", "SENTRY_ENVIRONMENT", set()),
    (True, "staging", "development"): ("staging", "SENTRY_ENVIRONMENT", set()),
    (True, "staging", "production"): ("staging", "SENTRY_ENVIRONMENT", set()),
    (True, "staging", "e2e"): ("staging", "SENTRY_ENVIRONMENT", set()),
    (True, "staging", "qa"): ("staging", "SENTRY_ENVIRONMENT", set()),
    (True, "prod", ""): ("production", "SENTRY_ENVIRONMENT", {"SENTRY_ENVIRONMENT"}),
    (True, "prod", "development"): ("production", "SENTRY_ENVIRONMENT", {"SENTRY_ENVIRONMENT"}),
    (True, "prod", "production"): ("production", "SENTRY_ENVIRONMENT", {"SENTRY_ENVIRONMENT"}),
    (True, "prod", "e2e"): ("production", "SENTRY_ENVIRONMENT", {"SENTRY_ENVIRONMENT"}),
    (True, "prod", "qa"): ("production", "SENTRY_ENVIRONMENT", {"SENTRY_ENVIRONMENT"}),
}


def _env(dsn: bool, sentry_environment: str, django_env: str) -> dict[str, str]:
    env = {"SENTRY_DSN": DSN if dsn else "", "SENTRY_ENVIRONMENT": sentry_environment}
    env["DJANGO_ENV"] = django_env
    return {k: v for k, v in env.items() if v}


@pytest.mark.parametrize(
    "case",
    MATRIX,
    ids=[f"dsn={d}-sentry={s or 'unset'}-django={j or 'unset'}" for d, s, j in MATRIX],
)
def test_every_combination(case: tuple[bool, str, str]) -> None:
    environment, decided_by, problems = MATRIX[case]
    env = _env(*case)
    config, found = check_config(env)
    assert config.environment == environment
    assert environment_decided_by(env) == decided_by
    assert set(found) == problems


def test_an_unknown_django_env_is_one_error_naming_it(caplog: pytest.LogCaptureFixture) -> None:
    with caplog.at_level(logging.ERROR, logger="korrigo_sentry"):
        config = load_config({"SENTRY_DSN": DSN, "DJANGO_ENV": "qa"})
    assert config.environment == "production"
    assert [r.getMessage() for r in caplog.records] == snapshot(
        [
            "DJANGO_ENV is 'qa', which has no Sentry environment (known: development, production, e2e); set SENTRY_ENVIRONMENT to one of development, test, staging, production; using 'production'"
        ]
    )


def _environment_line(env: dict[str, str]) -> CheckResult:
    return next(r for r in run_checks(env, network=False) if r.name == "environment")


@pytest.mark.parametrize(
    ("env", "status", "detail", "source"),
    [
        (
            {"SENTRY_DSN": DSN, "DJANGO_ENV": "production"},
            "ok", "production",
            "decided by DJANGO_ENV='production' from environment; SENTRY_ENVIRONMENT is not set",
        ),
        (
            {"SENTRY_DSN": DSN, "SENTRY_ENVIRONMENT": "staging", "DJANGO_ENV": "production"},
            "ok", "staging", "SENTRY_ENVIRONMENT from environment",
        ),
        (
            {},
            "ok", "development",
            "neither SENTRY_ENVIRONMENT nor DJANGO_ENV is set: default",
        ),
        (
            {"SENTRY_DSN": DSN, "DJANGO_ENV": "qa"},
            "fail", "DJANGO_ENV is 'qa'",
            "decided by DJANGO_ENV='qa' from environment; SENTRY_ENVIRONMENT is not set",
        ),
    ],
    ids=["django_env decides", "sentry_environment wins", "neither", "unknown django_env"],
)  # fmt: skip
def test_doctor_says_which_variable_decided(
    env: dict[str, str], status: str, detail: str, source: str
) -> None:
    line = _environment_line(env)
    assert (line.status, line.source) == (status, source)
    assert line.detail.startswith(detail)
