"""Read Sentry's configuration from the environment and an optional `.env` file.

Bad input never stops Korrigo: each problem is logged once at ERROR level, naming the
variable, and the value falls back to a safe default (or Sentry is turned off). With
`strict=True` the first problem raises `ConfigError` instead.

`read_sources` also keeps where each value came from (the environment, which `.env` file
and line) and the `.env` lines python-dotenv could not parse, so `doctor` can say it.

A `.env` file that cannot be used (a folder, unreadable, too large) is skipped with one
sentence naming it and the fix; bytes that are not UTF-8 (even in a comment) are read as
U+FFFD and the line is named. The file is read once, here, and handed to python-dotenv as
text: python-dotenv opens it itself with strict UTF-8, and its `find_dotenv` skips a `.env`
that is not a file, which hid a `.env` folder as "no .env file found".
"""

from __future__ import annotations

import io
import logging
import math
import os
import re
import stat
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

from dotenv import dotenv_values
from dotenv.parser import parse_stream

from korrigo_sentry import settings
from korrigo_sentry.dsn import validate_dsn
from korrigo_sentry.errors import ConfigError

__all__ = [
    "ConfigError",
    "SentryConfig",
    "check_config",
    "environment_decided_by",
    "load_config",
    "read_environ",
    "read_sources",
]

logger = logging.getLogger("korrigo_sentry")

#: A git commit SHA, short or full. Anything else is refused as a release.
_SHA_MIN, _SHA_MAX = settings.SHA_LENGTHS
_SHA = re.compile(rf"^[0-9a-fA-F]{{{_SHA_MIN},{_SHA_MAX}}}$")
#: A `.env` file larger than this is not one (a log or a dump named by mistake): not read.
DOTENV_MAX_BYTES = 1 << 20
#: How much of a refused value a message shows.
SHOWN_CHARS = 32
#: A run of hex digits as long as half a Sentry public key (32 hex digits): never echoed.
_KEY_LIKE = re.compile(r"[0-9a-fA-F]{16,}")
_TRUE = {"1", "true", "yes", "on"}
_FALSE = {"0", "false", "no", "off", ""}


@dataclass(frozen=True)
class SentryConfig:
    """What `init_sentry` passes to the SDK, after validation."""

    dsn: str | None
    environment: str
    release: str | None
    traces_sample_rate: float | None  # None: the per-environment sampler decides
    sample_rate: float
    debug: bool = False

    @property
    def enabled(self) -> bool:
        """True when events can be sent somewhere."""
        return bool(self.dsn)


@dataclass(frozen=True)
class DotenvFile:
    """The `.env` file a process reads, and how it was chosen."""

    path: Path | None  # None: no file
    explicit: bool = False  # named by the caller (--env-file), not found by searching
    cwd: Path | None = None  # the working directory the search started from
    junk_lines: tuple[int, ...] = ()  # lines python-dotenv could not parse (ignored)
    problems: tuple[str, ...] = ()  # the file could not be used, or had bytes not UTF-8
    usable: bool = True  # False: the file was not read (a folder, unreadable, too large)

    @property
    def folders_up(self) -> int:
        """How many folders above the working directory the found file is (0: in it)."""
        if self.path is None or self.explicit or self.cwd is None:
            return 0
        return len(self.cwd.parts) - len(self.path.parent.parts)

    def junk_messages(self) -> list[str]:
        """One sentence per unparsable line, naming the file (python-dotenv does not)."""
        return [
            f"{self.path} line {line}: not a NAME=value line, ignored" for line in self.junk_lines
        ]

    def messages(self) -> list[str]:
        """Every problem with the file, each one sentence naming it (problems, then junk)."""
        return [*self.problems, *self.junk_messages()]


@dataclass(frozen=True)
class Sources:
    """The merged values and, for each variable, where its value came from."""

    values: dict[str, str]
    origin: dict[str, str]  # "environment" or "<file> line N"
    dotenv: DotenvFile = field(default_factory=lambda: DotenvFile(None))

    def of(self, variable: str) -> str:
        """`environment`, `/app/.env line 3`, or `default` (the variable is not set)."""
        return self.origin.get(variable, "default")


def read_sources(
    environ: Mapping[str, str] | None = None, dotenv_path: str | Path | None = None
) -> Sources:
    """The process environment over the `.env` file's values, each with its origin."""
    # An explicit `environ` (tests, tools) reads a .env only when one is named.
    dotenv = _dotenv_file(dotenv_path) if environ is None or dotenv_path else DotenvFile(None)
    values: dict[str, str] = {}
    origin: dict[str, str] = {}
    if dotenv.path is not None:
        text, problems = read_dotenv_text(dotenv.path)
        lines, junk = _dotenv_lines(text or "")
        with _dotenv_warnings_muted():  # reported with the file's name in `junk_messages`
            parsed = dotenv_values(stream=io.StringIO(text or ""))
        for name, value in parsed.items():
            if value is not None:
                values[name] = value
                origin[name] = f"{dotenv.path} line {lines.get(name, '?')}"
        dotenv = DotenvFile(
            dotenv.path, dotenv.explicit, dotenv.cwd, junk, tuple(problems), text is not None
        )
    process = os.environ if environ is None else environ
    values.update(process)
    origin.update(dict.fromkeys(process, "environment"))
    return Sources(values, origin, dotenv)


def read_environ(
    environ: Mapping[str, str] | None = None, dotenv_path: str | Path | None = None
) -> dict[str, str]:
    """The process environment over the `.env` file's values (the environment wins)."""
    return read_sources(environ, dotenv_path).values


def _dotenv_file(dotenv_path: str | Path | None) -> DotenvFile:
    if dotenv_path is None:
        try:
            cwd = Path.cwd()
        except OSError:  # the working directory was deleted: nothing to search from
            return DotenvFile(None)
        return DotenvFile(find_dotenv(cwd), cwd=cwd)
    return DotenvFile(Path(dotenv_path), explicit=True)


def find_dotenv(start: Path) -> Path | None:
    """The nearest `.env` from `start` up, whatever it is (python-dotenv's `find_dotenv`
    skips one that is not a file, so a `.env` folder read as "no .env file")."""
    for folder in (start, *start.parents):
        candidate = folder / ".env"
        if candidate.exists() or candidate.is_symlink():
            return candidate
    return None


#: What every unusable-file sentence ends with: what Korrigo does meanwhile.
_ENV_ONLY = "Korrigo reads the environment only until then"


def read_dotenv_text(path: Path) -> tuple[str | None, list[str]]:
    """The text of `.env` file `path` (None: not usable) and one sentence per problem.

    Never raises: a folder, a missing or unreadable file and one over `DOTENV_MAX_BYTES`
    give None; bytes that are not UTF-8 are read as U+FFFD, their line named.
    """
    try:
        mode = path.stat().st_mode
        if stat.S_ISDIR(mode):
            return None, [
                f"{path} is a folder, not a .env file: remove or rename it, or name the "
                f"file to read; {_ENV_ONLY}"
            ]
        with open(path, "rb") as stream:
            data = stream.read(DOTENV_MAX_BYTES + 1)
    except FileNotFoundError:
        broken = " (a link to a missing file)" if path.is_symlink() else ""
        return None, [f"{path}: no such .env file{broken}: check the path; {_ENV_ONLY}"]
    except OSError as error:
        why = error.strerror or type(error).__name__
        return None, [
            f"{path} cannot be read ({why}): give the user that runs Korrigo read access "
            f"to it; {_ENV_ONLY}"
        ]
    if len(data) > DOTENV_MAX_BYTES:
        return None, [
            f"{path} is larger than {DOTENV_MAX_BYTES // 1024} KiB, too large for a .env "
            f"file: check that it is the right file; {_ENV_ONLY}"
        ]
    try:
        return data.decode(), []  # UTF-8, bytes.decode's own
    except UnicodeDecodeError as error:
        line = data.count(b"\n", 0, error.start) + 1
        byte = data[error.start]
        return data.decode(errors="replace"), [
            f"{path} line {line} is not UTF-8 (byte 0x{byte:02X}, read as U+FFFD): save the "
            "file as UTF-8"
        ]


def _dotenv_lines(text: str) -> tuple[dict[str, int], tuple[int, ...]]:
    """Each variable's line in `text` (the last one wins, as in python-dotenv), junk lines."""
    lines: dict[str, int] = {}
    junk: list[int] = []
    for binding in parse_stream(io.StringIO(text)):
        if binding.error:
            junk.append(binding.original.line)
        elif binding.key:
            # A binding's text starts with the blank lines before it: skip them.
            before_key = binding.original.string.split(binding.key, 1)[0]
            lines[binding.key] = binding.original.line + before_key.count("\n")
    return lines, tuple(junk)


class _Drop(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        return False


@contextmanager
def _dotenv_warnings_muted() -> Iterator[None]:
    """python-dotenv logs "could not parse statement starting at line N" without the file's
    name; `DotenvFile.junk_messages` says it with the name instead."""
    dotenv_logger, drop = logging.getLogger("dotenv.main"), _Drop()
    dotenv_logger.addFilter(drop)
    try:
        yield
    finally:
        dotenv_logger.removeFilter(drop)


def load_config(
    environ: Mapping[str, str] | None = None,
    *,
    dotenv_path: str | Path | None = None,
    strict: bool = False,
) -> SentryConfig:
    """Validate every variable of `settings.ENV_VARS` and build a `SentryConfig`."""
    sources = read_sources(environ, dotenv_path)
    dotenv = sources.dotenv
    for message in dotenv.problems:
        if strict:
            raise ConfigError(".env", message.removeprefix(f"{dotenv.path}").lstrip(": "))
        logger.log(logging.WARNING if dotenv.usable else logging.ERROR, message)
    for message in dotenv.junk_messages():
        logger.warning(message)  # no argument: logging does no %-formatting of it
    return _build(sources.values, _Reporter(strict=strict))


def check_config(
    environ: Mapping[str, str] | None = None, *, dotenv_path: str | Path | None = None
) -> tuple[SentryConfig, dict[str, ConfigError]]:
    """The configuration Korrigo would run with, and each problem by variable (none logged)."""
    reporter = _Reporter(
        strict=False,  # pragma: no mutate (None is as falsy as False; True: tested, hidden)
        log=False,  # pragma: no mutate (None is as falsy as False; True: tested, hidden)
    )
    return _build(read_sources(environ, dotenv_path).values, reporter), reporter.problems


def _build(env: Mapping[str, str], report: _Reporter) -> SentryConfig:
    return SentryConfig(
        dsn=report.value(_dsn, env, report.warn),
        environment=report.value(_environment, env) or settings.DEFAULT_ENVIRONMENT,
        release=report.value(_release, env),
        traces_sample_rate=report.value(_rate, env, "SENTRY_TRACES_SAMPLE_RATE", None),
        sample_rate=report.value(_rate, env, "SENTRY_SAMPLE_RATE", settings.ERROR_SAMPLE_RATE),
        debug=bool(report.value(_debug, env)),
    )


class _Reporter:
    """Runs one parser; on a problem, logs it (or raises when strict) and falls back."""

    def __init__(self, *, strict: bool, log: bool = True) -> None:
        self.strict, self.log = strict, log
        self.problems: dict[str, ConfigError] = {}

    def value(self, parse, env, *args):
        try:
            return parse(env, *args)
        except _Fallback as fallback:
            if self.strict:
                raise fallback.error from None
            self.problems[fallback.error.variable] = fallback.error
            if self.log:
                logger.error("%s; %s", fallback.error, fallback.consequence)
            return fallback.value

    def warn(self, message: str) -> None:
        """A gap that is not an error (a missing DSN): logged at WARNING, never raised."""
        if self.log:
            logger.warning(message)  # no argument: logging does no %-formatting of it


class _Fallback(Exception):
    def __init__(self, error: ConfigError, value: object, consequence: str) -> None:
        self.error, self.value, self.consequence = error, value, consequence


def _dsn(env: Mapping[str, str], warn: Callable[[str], None]) -> str | None:
    dsn = env.get("SENTRY_DSN", "").strip()
    if not dsn:
        warn("SENTRY_DSN is not set: Sentry is disabled, no event will be sent")
        return None
    if dsn[0] in "\"'" or dsn[-1] in "\"'":
        error = ConfigError(
            "SENTRY_DSN",
            "is wrapped in quotes: remove them (a compose `environment:` list or a "
            "`docker run -e` keeps quotes as part of the value)",
        )
        raise _Fallback(error, None, "Sentry is disabled")
    if any(char.isspace() for char in dsn):
        error = ConfigError(
            "SENTRY_DSN", "contains a space or a line break: paste it again in one piece"
        )
        raise _Fallback(error, None, "Sentry is disabled")
    try:
        validate_dsn(dsn)
    except ConfigError as error:
        raise _Fallback(error, None, "Sentry is disabled") from None
    return dsn


def environment_decided_by(env: Mapping[str, str]) -> str:
    """The variable that decides the environment: `SENTRY_ENVIRONMENT` when set (it wins),
    else Korrigo's own `DJANGO_ENV` when set, else `default` (neither is set)."""
    for variable in ("SENTRY_ENVIRONMENT", settings.DJANGO_ENV_VARIABLE):
        if env.get(variable, "").strip():
            return variable
    return "default"


def _environment(env: Mapping[str, str]) -> str:
    name = env.get("SENTRY_ENVIRONMENT", "").strip()
    fallback = settings.FALLBACK_ENVIRONMENT
    if not name and environment_decided_by(env) == settings.DJANGO_ENV_VARIABLE:
        return _from_django_env(env[settings.DJANGO_ENV_VARIABLE].strip())
    if not name:
        if not env.get("SENTRY_DSN", "").strip():
            return settings.DEFAULT_ENVIRONMENT  # no DSN: a laptop, and nothing is sent
        # A DSN says "a server": reporting as development would trace everything and
        # hide its errors from the production alerts (see settings.FALLBACK_ENVIRONMENT).
        raise _Fallback(
            ConfigError(
                "SENTRY_ENVIRONMENT",
                "is not set although SENTRY_DSN is: set it to this server's environment "
                f"(one of {', '.join(settings.ENVIRONMENTS)})",
            ),
            fallback,
            f"reporting as {fallback!r}",
        )
    if name not in settings.ENVIRONMENTS:
        # Falling back to production keeps the cheapest sampling and keeps production
        # alerts firing: a typo on a server must not hide its errors or spend the quota.
        # 'Production' is "not one of ..., production" only to a machine: say it is the case.
        lower = name.strip().lower()
        case = f" (names are lower case: write {lower!r})" if lower in settings.ENVIRONMENTS else ""
        raise _Fallback(
            ConfigError(
                "SENTRY_ENVIRONMENT",
                f"is {shown(name)}, not one of {', '.join(settings.ENVIRONMENTS)}{case}",
            ),
            fallback,
            f"using {fallback!r}",
        )
    return name


def _from_django_env(value: str) -> str:
    """Korrigo's DJANGO_ENV mapped to a Sentry environment (settings.DJANGO_ENV_MAP)."""
    if value in settings.DJANGO_ENV_MAP:
        return settings.DJANGO_ENV_MAP[value]
    fallback = settings.FALLBACK_ENVIRONMENT
    known = ", ".join(settings.DJANGO_ENV_MAP)
    raise _Fallback(
        ConfigError(
            settings.DJANGO_ENV_VARIABLE,
            f"is {value!r}, which has no Sentry environment (known: {known}); set "
            f"SENTRY_ENVIRONMENT to one of {', '.join(settings.ENVIRONMENTS)}",
        ),
        fallback,
        f"using {fallback!r}",
    )


def _release(env: Mapping[str, str]) -> str | None:
    sha = env.get("GIT_COMMIT_SHA", "").strip()
    if not sha:
        return None
    if not _SHA.match(sha):
        raise _Fallback(
            ConfigError(
                "GIT_COMMIT_SHA", f"must be a git commit SHA ({_SHA_MIN} to {_SHA_MAX} hex digits)"
            ),
            None,
            "the release is left to sentry-sdk's guess (SENTRY_RELEASE, git, or a CI variable)",
        )
    return f"{settings.RELEASE_PREFIX}{sha.lower()}"


def _rate(env: Mapping[str, str], variable: str, default: float | None) -> float | None:
    raw = env.get(variable, "").strip()
    if not raw:
        return default
    try:
        rate = float(raw)
    except ValueError:
        rate = math.nan
    if not 0.0 <= rate <= 1.0:  # also false for NaN
        raise _Fallback(
            ConfigError(variable, f"must be a number from 0 to 1, got {shown(raw, 16)}"),
            default,
            f"using the default ({'per environment' if default is None else default})",
        )
    return abs(rate)  # "-0" is 0.0, not the -0.0 float() reads


def _debug(env: Mapping[str, str]) -> bool:
    raw = env.get("SENTRY_DEBUG", "").strip().lower()
    if raw in _TRUE:
        return True
    if raw in _FALSE:
        return False
    raise _Fallback(
        ConfigError("SENTRY_DEBUG", "must be 1 or 0 (or true/false, yes/no, on/off)"),
        False,  # pragma: no mutate (None: read through bool(); True: tested, hidden)
        "debug is off",
    )


def shown(value: str, limit: int = SHOWN_CHARS) -> str:
    """A refused value as a message may echo it: quoted, cut to `limit` characters, and not
    at all when it holds a URL's credentials (`@`, `://`) or a run of hex digits as long as
    a key: a DSN or a key pasted into the wrong variable must not be printed."""
    if "@" in value or "://" in value or _KEY_LIKE.search(value):
        return f"a value of {len(value)} characters (not shown: it may hold a key)"
    if len(value) > limit:
        return f"{value[:limit]!r}... ({len(value)} characters)"
    return repr(value)
