"""Quick checks of runbooks/sentry-not-capturing-errors.md: the path of an event, in order,
ending with Sentry's own answer to this DSN's key (so a down ingest fails here)."""

from korrigo_sentry.oncall.checks import RunbookChecks, Step, steps

CHECKS = RunbookChecks(
    "sentry-not-capturing-errors",
    "backend",
    (
        Step(
            "dsn",
            "The SDK has a DSN.",
            "`DSN: https://***@<host>/<project id>`, the key masked.",
            "the events never leave the process; go to [No DSN](#no-dsn).",
            steps.has_dsn,
        ),
        Step(
            "client",
            "The SDK is initialised and has somewhere to send to.",
            "an active client with a transport (`HttpTransport` on a server).",
            "`init_sentry()` did not run in this process; go to "
            "[Not initialised](#not-initialised).",
            steps.initialised,
        ),
        Step(
            "sample-rate",
            "Error events are not sampled away.",
            "an error sample rate above 0 (Korrigo's own setting sends every error).",
            "someone set `SENTRY_SAMPLE_RATE`; go to "
            "[Dropped on the way out](#dropped-on-the-way-out).",
            steps.errors_not_sampled_away,
        ),
        Step(
            "environment",
            "The environment is one Korrigo knows.",
            "the environment this server runs in, as Sentry files its events. A name Korrigo "
            "does not know, or no `SENTRY_ENVIRONMENT` at all on a server that has a DSN, "
            "fails here with the fix (Korrigo then reports as production, so the alerts still "
            "see the events).",
            "the events are there, filed elsewhere; go to "
            "[Wrong environment or project](#wrong-environment-or-project).",
            steps.environment_known,
        ),
        Step(
            "ingest",
            "Sentry takes this DSN's key, from here.",
            "the ingest host accepts the key for the DSN's project (an empty client report, "
            "which Sentry authenticates and stores nothing of).",
            "go to [Network, TLS or proxy](#network-tls-or-proxy).",
            steps.ingest_takes_the_key,
            network=True,
        ),
    ),
)
