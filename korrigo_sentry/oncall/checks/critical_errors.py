"""Quick checks of runbooks/critical-errors.md."""

from korrigo_sentry.oncall.checks import RunbookChecks, Step, steps

CHECKS = RunbookChecks(
    "critical-errors",
    "backend",
    (
        Step(
            "rule",
            "The alert is the one this page describes.",
            "a new-issue alert (`first_seen_event`) on the error monitor, in production.",
            "alerts.yaml changed since this page was built; read the "
            "[alert](#critical-errors) again.",
            steps.rule_is("critical-errors", triggers=("first_seen_event",), kind="issue"),
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
