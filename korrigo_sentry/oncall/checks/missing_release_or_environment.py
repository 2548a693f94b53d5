"""Quick checks of runbooks/missing-release-or-environment.md."""

from korrigo_sentry.oncall.checks import RunbookChecks, Step, steps

CHECKS = RunbookChecks(
    "missing-release-or-environment",
    "backend",
    (
        Step(
            "release",
            "A deployed server reports a Korrigo release.",
            "`release korrigo@<commit>` on the servers (`settings.DEPLOYED_ENVIRONMENTS`); "
            "anything on a laptop or in CI.",
            "the deploy does not pass the commit; go to [No release](#no-release).",
            steps.release_reported,
        ),
        Step(
            "environment",
            "The environment is one Korrigo knows.",
            "the environment this server runs in, as Sentry files its events. A name Korrigo "
            "does not know fails here, quoted (Korrigo would report it as `production`).",
            "see [Wrong environment](#wrong-environment).",
            steps.environment_known,
        ),
    ),
)
