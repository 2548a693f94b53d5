"""runbooks/missing-release-or-environment.md."""

from __future__ import annotations

from tests.runbooks.conftest import Run, all_ok, first_failure

SLUG = "missing-release-or-environment"


def test_a_healthy_server_passes(run_checks: Run, healthy: dict) -> None:
    assert all_ok(run_checks(SLUG, healthy))


def test_a_deployed_server_without_commit_fails(run_checks: Run, healthy: dict) -> None:
    environ = {k: v for k, v in healthy.items() if k != "GIT_COMMIT_SHA"}

    step, found = first_failure(run_checks(SLUG, environ, release=None))

    assert step == "release"
    # sentry-sdk guesses a release (the git checkout's commit here, None in a container)
    assert found.endswith(" in production: GIT_COMMIT_SHA is not set or not a SHA")


def test_a_laptop_without_commit_passes_the_release_step(run_checks: Run) -> None:
    results = run_checks(SLUG, {"SENTRY_ENVIRONMENT": "development"}, release=None)

    assert results[0].ok


def test_an_unknown_environment_fails(run_checks: Run, healthy: dict) -> None:
    assert first_failure(run_checks(SLUG, {**healthy, "SENTRY_ENVIRONMENT": "prod"}))[0] == (
        "environment"
    )


# --- the page's CI-only proofs (issue 23: no visible block of assertions on a page) ---


def test_the_pages_ci_drill_1() -> None:
    """What the page says, proved (moved from missing-release-or-environment.md, line 76)."""
    import sentry_sdk

    from korrigo_sentry.testing import TEST_DSN, sentry_capture

    env = {"SENTRY_DSN": TEST_DSN, "SENTRY_ENVIRONMENT": "staging", "GIT_COMMIT_SHA": "01C1541"}
    with sentry_capture(environ=env) as staging:
        sentry_sdk.capture_message("release check")
    event = staging.events[-1]
    assert event["release"] == "korrigo@01c1541"
    assert event["environment"] == "staging"
