"""Quick checks of runbooks/high-error-rate.md."""

from korrigo_sentry.oncall.checks import RunbookChecks, Step, steps

CHECKS = RunbookChecks(
    "high-error-rate",
    "backend",
    (
        Step(
            "rule",
            "The alert is the one this page describes.",
            "the count, threshold and window of the box above.",
            "alerts.yaml changed since this page was built; read the "
            "[alert](#high-error-rate) again.",
            steps.rule_is("high-error-rate", kind="metric", aggregate="count()"),
        ),
        Step(
            "dsn",
            "This server reports its errors.",
            "the masked DSN of the Korrigo project.",
            "this server's own errors are missing from the picture; see "
            "[Sentry not capturing errors](sentry-not-capturing-errors.md).",
            steps.has_dsn,
        ),
        Step(
            "release",
            "This server's release, to compare with the issue's.",
            "the release deployed here; if the burst's events carry the same one and it is "
            "recent, suspect the deploy.",
            "see [Events missing release or environment](missing-release-or-environment.md).",
            steps.release_reported,
        ),
    ),
)
