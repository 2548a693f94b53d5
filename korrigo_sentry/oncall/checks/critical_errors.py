"""Quick checks of runbooks/critical-errors.md."""

from korrigo_sentry.oncall.checks import RunbookChecks, Step, steps

CHECKS = RunbookChecks(
    "critical-errors",
    "backend",
    (
        Step(
            "rule",
            "The rule is the one this page describes.",
            "a first-seen rule on production, as in the box above.",
            "alerts.yaml changed since this page was built; read the "
            "[rule](#critical-errors) again.",
            steps.rule_is("critical-errors", condition="first_seen_event"),
        ),
        Step(
            "dsn",
            "This server reports its errors.",
            "the masked DSN of the Korrigo project.",
            "see [Sentry not capturing errors](sentry-not-capturing-errors.md).",
            steps.has_dsn,
        ),
        Step(
            "sample-rate",
            "Every error is sent, so no new issue is missed.",
            "Korrigo's error rate (every error sent).",
            "unset `SENTRY_SAMPLE_RATE`; see [Quota exhausted](quota-exhausted.md) for the "
            "right way to cut volume.",
            steps.every_error_sent,
        ),
    ),
)
