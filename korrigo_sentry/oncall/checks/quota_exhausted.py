"""Quick checks of runbooks/quota-exhausted.md."""

from korrigo_sentry import settings
from korrigo_sentry.oncall.checks import Here, RunbookChecks, Step, Verdict, steps


def traces_at_most_the_rate(here: Here) -> Verdict:
    from korrigo_sentry.sampling import rate_for

    environment = here.client.options.get("environment")
    rate = steps.traces_rate(here)
    if rate is None:
        return Verdict(False, "no traces_sampler: init_sentry() did not configure this client")
    ceiling = rate_for(environment)
    found = f"{environment}: {rate:.0%} of transactions traced"
    if rate <= ceiling:
        return Verdict(True, found)
    return Verdict(False, f"{found}, above {environment}'s {ceiling:.0%}")


def health_checks_not_traced(here: Here) -> Verdict:
    sampler = here.client.options.get("traces_sampler")
    if sampler is None:
        return Verdict(False, "no traces_sampler: init_sentry() did not configure this client")
    rates = {path: sampler({"wsgi_environ": {"PATH_INFO": path}}) for path in settings.NEVER_TRACED}
    traced = [path for path, rate in rates.items() if rate]
    if traced:
        return Verdict(False, f"traced: {', '.join(traced)}")
    return Verdict(True, f"never traced: {', '.join(rates)}")


CHECKS = RunbookChecks(
    "quota-exhausted",
    "backend",
    (
        Step(
            "environment",
            "This process reports the environment it runs in.",
            "the environment this server runs in, as Sentry files its events. A name Korrigo "
            "does not know fails here, quoted (Korrigo would report it as `production`).",
            "fix `SENTRY_ENVIRONMENT`, then see [Who spends the quota](#who-spends-the-quota).",
            steps.environment_known,
        ),
        Step(
            "traces",
            "Transactions are traced at no more than the environment's rate.",
            "the rate of the environment table in the sampling reference (an override via "
            "`SENTRY_TRACES_SAMPLE_RATE` shows here).",
            "unset `SENTRY_TRACES_SAMPLE_RATE`; see [Sampling](#sampling).",
            traces_at_most_the_rate,
        ),
        Step(
            "health-checks",
            "Health checks are never traced.",
            "every probe path listed, none traced.",
            "the load balancer's probes are spending the transaction quota; see "
            "[Sampling](#sampling).",
            health_checks_not_traced,
        ),
    ),
)
