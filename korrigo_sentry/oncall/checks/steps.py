"""Steps several runbooks share: the DSN, the client, sampling, environment, the ingest.

Each takes `Here` and returns a `Verdict`; the runbook modules give them their titles,
expected results and next steps.
"""

from __future__ import annotations

from collections.abc import Callable

from korrigo_sentry import settings
from korrigo_sentry.oncall.checks import Here, Verdict

#: A request path a check asks the traces sampler about (any page of Korrigo's).
SAMPLE_PATH = "/exams/1/"


def has_dsn(here: Here) -> Verdict:
    from korrigo_sentry.dsn import mask_dsn

    dsn = here.client.dsn
    if dsn:
        return Verdict(True, f"DSN: {mask_dsn(dsn)}")
    _, problems = here.config
    why = problems.get("SENTRY_DSN")
    reason = f"SENTRY_DSN was refused: {why}" if why else "SENTRY_DSN is unset or empty"
    return Verdict(False, f"no DSN: {reason}; nothing is sent")


def initialised(here: Here) -> Verdict:
    client = here.client
    found = f"{type(client).__name__}, transport {type(client.transport).__name__}"
    if not client.is_active():
        return Verdict(False, f"{found}: sentry_sdk is not initialised in this process")
    if client.transport is None:
        return Verdict(False, f"{found}: no transport, events are dropped (no DSN?)")
    return Verdict(True, f"{found}, active")


def errors_not_sampled_away(here: Here) -> Verdict:
    rate = here.client.options.get("sample_rate", 0)
    if rate > 0:
        return Verdict(True, f"error sample rate: {rate}")
    return Verdict(False, f"error sample rate: {rate}: every error event is dropped")


def every_error_sent(here: Here) -> Verdict:
    rate = here.client.options.get("sample_rate", 0)
    if rate >= settings.ERROR_SAMPLE_RATE:
        return Verdict(True, f"error sample rate: {rate}")
    return Verdict(
        False,
        f"error sample rate: {rate}, below Korrigo's {settings.ERROR_SAMPLE_RATE}: "
        "a new issue may go unseen",
    )


def environment_known(here: Here) -> Verdict:
    config, problems = here.config
    problem = problems.get("SENTRY_ENVIRONMENT")
    if problem is None:
        return Verdict(True, f"environment: {config.environment}")
    return Verdict(False, f"{problem}; Korrigo reports as {config.environment!r}")


def traces_rate(here: Here) -> float | None:
    """The rate the installed sampler gives a request (None: no sampler)."""
    sampler = here.client.options.get("traces_sampler")
    if sampler is None:
        return None
    return sampler({"transaction_context": {"name": SAMPLE_PATH}, "parent_sampled": None})


def transactions_traced(here: Here) -> Verdict:
    environment = here.client.options.get("environment")
    if not here.client.dsn:
        return Verdict(False, "no DSN: no transaction is sent")
    rate = traces_rate(here)
    if rate is None:
        return Verdict(False, "no traces_sampler: init_sentry() did not configure this client")
    found = f"{environment}: {rate:.0%} of transactions traced"
    return Verdict(rate > 0, found if rate > 0 else f"{found}: tracing is off")


def integration_enabled(name: str) -> Callable[[Here], Verdict]:
    def check(here: Here) -> Verdict:
        enabled = sorted(getattr(here.client, "integrations", {}))
        if name in enabled:
            return Verdict(True, f"{name} integration enabled ({', '.join(enabled)})")
        return Verdict(False, f"no {name} integration; enabled: {', '.join(enabled) or 'none'}")

    check.__name__ = f"{name}_integration_enabled"
    return check


def release_reported(here: Here) -> Verdict:
    options = here.client.options
    release, environment = options.get("release"), options.get("environment")
    ours = bool(release) and str(release).startswith(settings.RELEASE_PREFIX)
    deployed = environment in settings.DEPLOYED_ENVIRONMENTS
    if ours:
        return Verdict(True, f"release {release} in {environment}")
    if not deployed:
        return Verdict(True, f"release {release!r} in {environment} (accepted off the servers)")
    return Verdict(
        False, f"release {release!r} in {environment}: GIT_COMMIT_SHA is not set or not a SHA"
    )


def rule_is(rule_id: str, **expected: object) -> Callable[[Here], Verdict]:
    """The alert `rule_id` of the installed package (alerts.yaml), and whether it still has
    the shape the page describes (`expected` attributes)."""

    def check(here: Here) -> Verdict:
        from korrigo_sentry.alerts import get_rule

        rule = get_rule(rule_id)
        monitor = rule.monitor
        if rule.kind == "metric":
            unit = f" {rule.unit}" if rule.unit else ""
            found = (
                f"{rule.aggregate} above {rule.threshold:g}{unit} in {rule.window_minutes} min "
                f"(monitor {monitor.id}, {rule.environment})"
            )
        else:
            found = (
                f"{', '.join(rule.triggers)} on monitor {monitor.id} ({monitor.type}) in "
                f"{rule.environment}"
            )
        changed = [k for k, v in expected.items() if getattr(rule, k) != v]
        if changed:
            return Verdict(False, f"{found}: alerts.yaml changed {', '.join(changed)}")
        return Verdict(True, found)

    check.__name__ = f"rule_{rule_id.replace('-', '_')}"
    return check


def ingest_takes_the_key(here: Here) -> Verdict:
    """Sentry's ingest, from here, takes the DSN's key for its project (nothing stored)."""
    import sentry_sdk

    from korrigo_sentry.oncall import delivery, echo

    dsn = here.client.dsn
    if not dsn:
        return Verdict(False, "no DSN: nowhere to send to")
    where = delivery.target(str(dsn), f"sentry.python/{sentry_sdk.VERSION}")
    outcome = delivery.check_key(where, timeout=here.timeout)
    sentence = echo.redact(outcome.sentence, *echo.dsn_keys(str(dsn)))
    if outcome.accepted:
        return Verdict(True, f"{where.host}:{where.port} accepts the key for project "
                       f"{delivery.project_of(str(dsn))}")  # fmt: skip
    link = outcome.kind.next_step
    title = LINK_TITLES.get(link.split("#")[-1], "the runbook")
    return Verdict(False, sentence, f"go to [{title}]({link})")


#: The headings `delivery`'s next steps point at, as a link reads them.
LINK_TITLES = {
    "network-tls-or-proxy": "Network, TLS or proxy",
    "sentry-answered-with-an-error": "Sentry answered with an error",
    "diagnosis": "Quota exhausted, Diagnosis",
}
