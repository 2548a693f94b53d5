"""Quick checks of runbooks/performance-degradation.md."""

from korrigo_sentry.oncall.checks import RunbookChecks, Step, steps

CHECKS = RunbookChecks(
    "performance-degradation",
    "backend",
    (
        Step(
            "rule",
            "The alert is the one this page describes.",
            "the percentile, threshold and window of the box above.",
            "alerts.yaml changed since this page was built; read the "
            "[alert](#performance-degradation) again.",
            steps.rule_is("performance-degradation", aggregate="p95(span.duration)"),
        ),
        Step(
            "traces",
            "This server sends transactions.",
            "the environment's traces rate, above 0%.",
            "see [Performance data missing](performance-data-missing.md).",
            steps.transactions_traced,
        ),
    ),
)
