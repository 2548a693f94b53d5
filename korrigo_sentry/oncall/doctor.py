"""`doctor`: check Korrigo's Sentry configuration the way the server would load it.

Each check gives one `CheckResult`. Configuration problems come from `check_config`
(one `ConfigError` per variable), then the SDK is initialised
through `init_sentry` to see what it really enables. Nothing is sent, and the SDK client
that was active before the checks is put back afterwards. Each result says where its value
came from: the environment, a `.env` file and line, or the default.
"""

from __future__ import annotations

import importlib.util
import logging
import re
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Literal

import sentry_sdk
from sentry_sdk.client import BaseClient

from korrigo_sentry import settings
from korrigo_sentry.config import (
    DotenvFile,
    SentryConfig,
    Sources,
    check_config,
    environment_decided_by,
    read_sources,
)
from korrigo_sentry.dsn import mask_dsn
from korrigo_sentry.errors import ConfigError
from korrigo_sentry.sampling import rate_for

Status = Literal["ok", "warn", "fail"]

#: The checks `run_checks` makes, in order: (name, what it verifies).
CHECKS: list[tuple[str, str]] = [
    ("env_file", "Which .env file is read, and any line in it that is not NAME=value."),
    ("dsn", "SENTRY_DSN is set and well formed (shown with its key masked)."),
    ("environment", f"SENTRY_ENVIRONMENT is one of {', '.join(settings.ENVIRONMENTS)}."),
    ("release", "GIT_COMMIT_SHA is a commit SHA, so events carry a release."),
    ("sample_rates", "The traces and error sample rates are numbers from 0 to 1."),
    ("debug", "SENTRY_DEBUG is a yes/no value (1/0, true/false...) and off in production."),
    ("sdk", "After init_sentry(), the SDK is active and has a transport to send through."),
    ("integrations", f"The {', '.join(settings.INTEGRATIONS)} integrations are enabled."),
    (
        "sdk_version",
        f"The installed sentry-sdk is one the wheel accepts ({settings.SDK_PIN} or a later "
        f"{settings.SDK_FLOOR[0]}.x); only another one warns, with the command that installs "
        "the pinned one.",
    ),
    (
        "ingest",
        "Sentry takes the DSN's key for its project, from here: DNS, connection, TLS "
        "certificate, proxy, then the key and project id (an empty client report, which "
        "Sentry authenticates and stores nothing of; --offline skips it).",
    ),
]
#: How long the ingest check waits for Sentry's host.
INGEST_TIMEOUT = 5.0

RATE_VARIABLES = ("SENTRY_TRACES_SAMPLE_RATE", "SENTRY_SAMPLE_RATE")

#: The package each integration of `settings.INTEGRATIONS` needs (stdlib ones: none).
INTEGRATION_PACKAGES: dict[str, str] = {"django": "django", "celery": "celery", "redis": "redis"}


@dataclass(frozen=True)
class CheckResult:
    """One line of the doctor's report."""

    name: str
    status: Status
    detail: str
    source: str = ""  # where the value came from: environment, `<file> line N`, default

    @property
    def ok(self) -> bool:
        """False only for a failed check; a warning does not fail the doctor."""
        return self.status != "fail"

    def as_dict(self) -> dict[str, str]:
        return asdict(self)


@dataclass(frozen=True)
class Report:
    """Every check's result, and the `.env` file read (None: none)."""

    results: list[CheckResult]
    env_file: Path | None


def run_checks(
    environ: Mapping[str, str] | None = None,
    dotenv_path: str | Path | None = None,
    *,
    network: bool = True,
) -> list[CheckResult]:
    """Run every check of `CHECKS` on `environ` (default: the process environment) and `.env`."""
    return diagnose(environ, dotenv_path, network=network).results


def diagnose(
    environ: Mapping[str, str] | None = None,
    dotenv_path: str | Path | None = None,
    *,
    network: bool = True,
    on_result: Callable[[CheckResult], None] | None = None,
) -> Report:
    """`run_checks`, with the `.env` file that was read. `on_result` is called with each
    result as soon as it is known: the configuration lines print before the SDK's
    integrations (Django, Celery) are imported."""
    results: list[CheckResult] = []

    def add(*new: CheckResult) -> None:
        results.extend(new)
        for result in new:
            if on_result is not None:
                on_result(result)

    sources = read_sources(environ, dotenv_path)
    env = sources.values
    config, problems = check_config(env)
    add(
        _check_env_file(sources.dotenv),
        _sourced(_check_dsn(config, problems, env), sources, "SENTRY_DSN"),
        _decided(_check_environment(config, problems), sources, env),
        _sourced(_check_release(config, problems), sources, "GIT_COMMIT_SHA"),
        _sourced(_check_rates(config, problems), sources, *RATE_VARIABLES),
        _sourced(_check_debug(config, problems), sources, "SENTRY_DEBUG"),
    )
    missing = missing_packages()
    with isolated_sdk(), quiet(logging.getLogger("korrigo_sentry")):  # reported above
        if missing:  # init_sentry would raise DidNotEnable for an integration asked for
            add(
                CheckResult("sdk", "fail", "not initialised: see integrations"),
                _missing_integrations(missing),
            )
        else:
            # Imported here: it loads Django and Celery, after the lines above are shown.
            from korrigo_sentry.sdk_init import init_sentry

            init_sentry(
                environ=env,
                dotenv_path=dotenv_path,  # pragma: no mutate (env holds the .env's values already)
            )
            client = sentry_sdk.get_client()
            add(_check_sdk(client, config), _check_integrations(client))
    add(_check_version())
    add(_check_ingest(config.dsn, network=network))
    return Report(results, sources.dotenv.path)


def _check_ingest(dsn: str | None, *, network: bool) -> CheckResult:
    if not network:
        return CheckResult("ingest", "ok", "not checked (--offline)")
    if not dsn:
        return CheckResult("ingest", "fail", "no usable DSN: nowhere to reach")
    from korrigo_sentry.oncall import delivery, echo

    where = delivery.target(dsn, f"sentry.python/{sentry_sdk.VERSION}")
    outcome = delivery.check_key(where, timeout=INGEST_TIMEOUT)
    via = f" through the proxy {where.proxy}" if where.proxy else ""
    project = delivery.project_of(dsn)
    if outcome.kind.name == "rate_limited":  # the key is good; the project is over quota
        return CheckResult("ingest", "warn", f"key accepted{via}, but {outcome.sentence}")
    if not outcome.accepted:  # the sentence may quote the server, which may quote the key
        sentence = echo.redact(outcome.sentence, *echo.dsn_keys(dsn))
        return CheckResult("ingest", "fail", f"{sentence} (send-test says more)")
    return CheckResult(
        "ingest",
        "ok",
        f"{where.host}:{where.port} accepts the key for project {project}{via}",
    )


def missing_packages() -> dict[str, str]:
    """Integrations of `settings.INTEGRATIONS` whose package is not installed: {name: package}."""
    return {
        name: package
        for name, package in INTEGRATION_PACKAGES.items()
        if name in settings.INTEGRATIONS and importlib.util.find_spec(package) is None
    }


def _missing_integrations(missing: Mapping[str, str]) -> CheckResult:
    packages = " ".join(sorted(set(missing.values())))
    return CheckResult(
        "integrations",
        "fail",
        f"{', '.join(missing)} cannot start: package {packages} is not installed "
        f"(pip install {packages}; korrigo-sentry's own dependencies include it)",
    )


def _sourced(result: CheckResult, sources: Sources, *variables: str) -> CheckResult:
    """`result` with where its variables' values came from."""
    shown = [f"{v} from {sources.of(v)}" for v in variables if sources.of(v) != "default"]
    source = "; ".join(shown) or "not set: default"
    return CheckResult(result.name, result.status, result.detail, source)


def _check_env_file(dotenv: DotenvFile) -> CheckResult:
    if not dotenv.usable:  # a folder, unreadable, too large, or a named file that is missing
        return CheckResult("env_file", "fail", "; ".join(dotenv.messages()))
    if dotenv.path is None:
        where = f" from {dotenv.cwd}" if dotenv.cwd else ""
        return CheckResult("env_file", "ok", f"no .env file found{where}: the environment only")
    junk = dotenv.junk_messages()
    if dotenv.folders_up:
        up = "1 folder" if dotenv.folders_up == 1 else f"{dotenv.folders_up} folders"
        detail = (
            f"{dotenv.path}, found {up} above the working directory {dotenv.cwd}: "
            "is it this server's? Pass --env-file to choose"
        )
        return CheckResult("env_file", "warn", "; ".join([detail, *dotenv.messages()]))
    if junk or dotenv.problems:
        return CheckResult("env_file", "warn", "; ".join([str(dotenv.path), *dotenv.messages()]))
    how = " (--env-file)" if dotenv.explicit else ""
    return CheckResult("env_file", "ok", f"{dotenv.path}{how}")


@contextmanager
def isolated_sdk() -> Iterator[None]:
    """Around a block that calls `sentry_sdk.init`: close its client, restore the previous."""
    scope = sentry_sdk.get_global_scope()
    previous = scope.client
    try:
        yield
    finally:
        current = sentry_sdk.get_client()
        if current is not previous:
            current.close(timeout=0)
        scope.set_client(previous)


@contextmanager
def quiet(logger: logging.Logger) -> Iterator[None]:
    """Silence `logger` for a block (init_sentry logs again what the checks report)."""
    previous = logger.disabled
    logger.disabled = True
    try:
        yield
    finally:
        logger.disabled = previous


def _failed(name: str, error: ConfigError, consequence: str) -> CheckResult:
    return CheckResult(name, "fail", f"{error}; {consequence}")


def _check_dsn(
    config: SentryConfig, problems: Mapping[str, ConfigError], env: Mapping[str, str]
) -> CheckResult:
    if "SENTRY_DSN" in problems:
        # No masked value here: a malformed DSN (e.g. a bare key) has no part safe to show.
        return _failed("dsn", problems["SENTRY_DSN"], "Sentry is disabled")
    if not config.dsn:
        return CheckResult("dsn", "fail", "SENTRY_DSN is not set: Sentry is disabled")
    raw = env.get(
        "SENTRY_DSN",
        "",  # pragma: no mutate (unread: config.dsn is set, so SENTRY_DSN is in env)
    )
    if raw != raw.strip():
        return CheckResult(
            "dsn", "warn", f"{mask_dsn(config.dsn)}, with spaces around it (ignored): remove them"
        )
    return CheckResult("dsn", "ok", mask_dsn(config.dsn))


def _check_environment(config: SentryConfig, problems: Mapping[str, ConfigError]) -> CheckResult:
    for variable in ("SENTRY_ENVIRONMENT", settings.DJANGO_ENV_VARIABLE):
        if variable in problems:
            return _failed("environment", problems[variable], f"using {config.environment!r}")
    return CheckResult("environment", "ok", config.environment)


def _decided(result: CheckResult, sources: Sources, env: Mapping[str, str]) -> CheckResult:
    """The environment's result, naming the variable that decided it and where it was set."""
    variable = environment_decided_by(env)
    django_env = settings.DJANGO_ENV_VARIABLE
    if variable == "default":
        source = f"neither SENTRY_ENVIRONMENT nor {django_env} is set: default"
    elif variable == django_env:
        source = (
            f"decided by {django_env}={env[django_env].strip()!r} from "
            f"{sources.of(django_env)}; SENTRY_ENVIRONMENT is not set"
        )
    else:  # SENTRY_ENVIRONMENT wins: DJANGO_ENV is not read
        source = f"SENTRY_ENVIRONMENT from {sources.of(variable)}"
    return CheckResult(result.name, result.status, result.detail, source)


def _check_release(config: SentryConfig, problems: Mapping[str, ConfigError]) -> CheckResult:
    if "GIT_COMMIT_SHA" in problems:
        return _failed("release", problems["GIT_COMMIT_SHA"], "release left to sentry-sdk's guess")
    if config.release is None:
        return CheckResult(
            "release",
            "warn",
            "GIT_COMMIT_SHA is not set: sentry-sdk guesses (SENTRY_RELEASE, git, a CI variable), "
            "or sends none",
        )
    return CheckResult("release", "ok", config.release)


def _check_rates(config: SentryConfig, problems: Mapping[str, ConfigError]) -> CheckResult:
    traces = config.traces_sample_rate
    if traces is None:
        traces_text = f"traces {rate_for(config.environment)} ({config.environment})"
    else:
        traces_text = f"traces {traces} (SENTRY_TRACES_SAMPLE_RATE)"
    detail = f"{traces_text}, errors {config.sample_rate}"
    bad = [
        problems[v] for v in ("SENTRY_TRACES_SAMPLE_RATE", "SENTRY_SAMPLE_RATE") if v in problems
    ]
    if bad:
        return CheckResult("sample_rates", "fail", "; ".join(map(str, bad)) + f"; using {detail}")
    return CheckResult("sample_rates", "ok", detail)


def _check_debug(config: SentryConfig, problems: Mapping[str, ConfigError]) -> CheckResult:
    if "SENTRY_DEBUG" in problems:
        return _failed("debug", problems["SENTRY_DEBUG"], "debug is off")
    if config.debug and config.environment == "production":
        return CheckResult("debug", "warn", "on in production: the SDK logs every event it sends")
    return CheckResult("debug", "ok", "on" if config.debug else "off")


def _check_sdk(client: BaseClient, config: SentryConfig) -> CheckResult:
    # `is_active()` is true for any initialised client, even one without a DSN; only a
    # transport means events can leave.
    if not client.is_active():
        return CheckResult("sdk", "fail", "init_sentry() left the SDK inactive")
    if client.transport is None:
        return CheckResult("sdk", "fail", "active but without a transport: events are dropped")
    return CheckResult(
        "sdk",
        "ok",
        f"active, sending to {mask_dsn(config.dsn)} ({type(client.transport).__name__})",
    )


def _check_integrations(client: BaseClient) -> CheckResult:
    enabled = getattr(
        client,
        "integrations",
        {},  # pragma: no mutate (unread: every sentry-sdk client has `integrations`)
    )
    missing = [name for name in settings.INTEGRATIONS if name not in enabled]
    if missing:
        return CheckResult("integrations", "fail", f"not enabled: {', '.join(missing)}")
    return CheckResult("integrations", "ok", ", ".join(settings.INTEGRATIONS))


def sdk_range() -> str:
    """The sentry-sdk releases Korrigo's wheel accepts, as pip writes them: `>=2.76,<3`."""
    major, minor = settings.SDK_FLOOR
    return f">={major}.{minor},<{settings.SDK_NEXT_MAJOR}"


def _major_minor(version: str) -> tuple[int, int] | None:
    # Only "x.y" is compared, against a floor and a major ceiling: a regular expression
    # is enough, and the runtime does not depend on `packaging` for it.
    match = re.match(r"(\d+)\.(\d+)", version)
    return (int(match[1]), int(match[2])) if match else None


def _check_version() -> CheckResult:
    """Warn only about a release the wheel itself would refuse, and say how to install one.

    A release newer than the pin but inside the wheel's range is what pip installs for a
    new user: it is fine, and the line says which one the handbook was tested with.
    """
    installed = sentry_sdk.VERSION
    if installed == settings.SDK_PIN:
        return CheckResult("sdk_version", "ok", f"sentry-sdk {installed}")
    found = _major_minor(installed)
    if found is not None and found >= settings.SDK_FLOOR and found[0] < settings.SDK_NEXT_MAJOR:
        return CheckResult(
            "sdk_version",
            "ok",
            f"sentry-sdk {installed} (the handbook is tested with {settings.SDK_PIN})",
        )
    return CheckResult(
        "sdk_version",
        "warn",
        f"sentry-sdk {installed} installed, Korrigo needs {sdk_range()}: "
        f"pip install 'sentry-sdk[django,celery]=={settings.SDK_PIN}'",
    )
