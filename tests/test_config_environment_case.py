"""`SENTRY_ENVIRONMENT=Production`: a case variant is no environment (issue 25, item 1).

Sentry compares environment names as written: an event tagged `Production` is not matched by
an alert rule filtering on `production` (the rules of alerts.yaml all name `production`).
So a variant must not pass through: Korrigo reports as `production`, the fallback that
keeps the production alerts firing, and `doctor` fails, naming the variable and the value.
"""

from __future__ import annotations

from collections.abc import Callable

import pytest
import sentry_sdk
from inline_snapshot import snapshot

from korrigo_sentry.config import check_config, load_config
from korrigo_sentry.errors import ConfigError
from korrigo_sentry.oncall.doctor import run_checks
from korrigo_sentry.testing import TEST_DSN, FakeTransport

VARIANTS = ["Production", "PRODUCTION", " PRODUCTION ", "Staging", "pRoduction"]


@pytest.mark.parametrize("variant", VARIANTS)
def test_a_case_variant_falls_back_to_production_and_is_a_problem(variant: str) -> None:
    config, problems = check_config({"SENTRY_DSN": TEST_DSN, "SENTRY_ENVIRONMENT": variant})

    assert config.environment == "production"
    assert list(problems) == ["SENTRY_ENVIRONMENT"]
    assert (
        str(problems["SENTRY_ENVIRONMENT"])
        == snapshot(
            {
                "Production": "SENTRY_ENVIRONMENT is 'Production', not one of development, test, staging, production (names are lower case: write 'production')",
                "PRODUCTION": "SENTRY_ENVIRONMENT is 'PRODUCTION', not one of development, test, staging, production (names are lower case: write 'production')",
                " PRODUCTION ": "SENTRY_ENVIRONMENT is 'PRODUCTION', not one of development, test, staging, production (names are lower case: write 'production')",
                "Staging": "SENTRY_ENVIRONMENT is 'Staging', not one of development, test, staging, production (names are lower case: write 'staging')",
                "pRoduction": "SENTRY_ENVIRONMENT is 'pRoduction', not one of development, test, staging, production (names are lower case: write 'production')",
            }
        )[variant]
    )


@pytest.mark.parametrize("variant", ["Production", "STAGING"])
def test_strict_loading_refuses_a_case_variant(variant: str) -> None:
    with pytest.raises(ConfigError) as raised:
        load_config({"SENTRY_DSN": TEST_DSN, "SENTRY_ENVIRONMENT": variant}, strict=True)
    assert raised.value.variable == "SENTRY_ENVIRONMENT"


@pytest.mark.parametrize("variant", ["Production", "PRODUCTION"])
def test_doctor_fails_on_a_case_variant(variant: str) -> None:
    env = {"SENTRY_DSN": TEST_DSN, "SENTRY_ENVIRONMENT": variant, "GIT_COMMIT_SHA": "01c1541"}

    results = {r.name: r for r in run_checks(env, network=False)}

    assert results["environment"].status == "fail"
    assert (
        results["environment"].detail
        == snapshot(
            {
                "Production": "SENTRY_ENVIRONMENT is 'Production', not one of development, test, staging, production (names are lower case: write 'production'); using 'production'",
                "PRODUCTION": "SENTRY_ENVIRONMENT is 'PRODUCTION', not one of development, test, staging, production (names are lower case: write 'production'); using 'production'",
            }
        )[variant]
    )
    assert not results["environment"].ok


def test_events_of_a_case_variant_are_tagged_production(
    sentry_init: Callable[..., FakeTransport],
) -> None:
    sentry = sentry_init(environ={"SENTRY_DSN": TEST_DSN, "SENTRY_ENVIRONMENT": "Production"})

    sentry_sdk.capture_message("grades export failed")

    (event,) = sentry.events
    assert event["environment"] == "production"
