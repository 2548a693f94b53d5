"""Quick checks of runbooks/performance-data-missing.md."""

from korrigo_sentry.oncall.checks import RunbookChecks, Step, steps

CHECKS = RunbookChecks(
    "performance-data-missing",
    "backend",
    (
        Step(
            "traces",
            "Transactions are traced in this environment.",
            "a rate above 0%: the environment's rate, or the `SENTRY_TRACES_SAMPLE_RATE` override.",
            "tracing is turned off; go to [Sampling set to zero](#sampling-set-to-zero).",
            steps.transactions_traced,
        ),
        Step(
            "django",
            "The Django integration is enabled (it makes one transaction per request).",
            "the Django integration is enabled.",
            "`init_sentry()` did not run before Django started; see "
            "[Sentry not capturing errors](sentry-not-capturing-errors.md).",
            steps.integration_enabled("django"),
        ),
    ),
)
