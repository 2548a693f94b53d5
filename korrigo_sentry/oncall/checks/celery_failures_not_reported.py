"""Quick checks of runbooks/celery-failures-not-reported.md (in the worker's container)."""

from korrigo_sentry.oncall.checks import RunbookChecks, Step, steps

CHECKS = RunbookChecks(
    "celery-failures-not-reported",
    "worker",
    (
        Step(
            "dsn",
            "This process has a DSN.",
            "the same masked DSN as the web container.",
            "the worker's environment lacks the variables; go to "
            "[Worker not configured](#worker-not-configured).",
            steps.has_dsn,
        ),
        Step(
            "celery",
            "The Celery integration is enabled.",
            "`celery` among the enabled integrations.",
            "the worker starts without `init_sentry()`; go to "
            "[Worker not configured](#worker-not-configured).",
            steps.integration_enabled("celery"),
        ),
    ),
)
