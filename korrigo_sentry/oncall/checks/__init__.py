"""The runbooks' quick checks, as functions: each returns a verdict, none reads Markdown.

For on-call, through `python -m korrigo_sentry check <runbook> [step]` in the runbook's
container; for CI, as ordinary tests (tests/runbooks/). A step says what it looked at,
whether that is what the page expects, and where to go next when it is not. The pages
render each runbook's steps from here (`quick_checks` macro), so the page, the command and
the tests read one definition.

Each runbook has its module (`<slug with underscores>.py`) whose `CHECKS` lists its steps;
steps several runbooks share live in `steps.py`.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import Any


@dataclass(frozen=True)
class Verdict:
    """What one step found, and whether it is what the page expects."""

    ok: bool
    found: str  # one line: what was looked at, as a reader reads it (values masked)
    if_not: str = ""  # replaces the step's next step for this failure (Markdown inline)


@dataclass(frozen=True)
class Step:
    """One quick check: its name on the command line, what it checks, what to expect."""

    id: str
    title: str
    expected: str  # Markdown inline
    if_not: str  # the next step when it fails, with a link (Markdown inline)
    check: Callable[[Here], Verdict]
    network: bool = False  # reaches Sentry's ingest (skipped with --offline)


@dataclass(frozen=True)
class RunbookChecks:
    """A runbook's quick checks and the container they run in (a place of oncall.yaml)."""

    slug: str
    place: str
    steps: tuple[Step, ...]

    def step(self, step_id: str) -> Step:
        for step in self.steps:
            if step.id == step_id:
                return step
        known = ", ".join(s.id for s in self.steps)
        raise LookupError(f"runbook {self.slug!r} has no step {step_id!r}; its steps: {known}")


@dataclass
class Here:
    """The process the checks look at: its Sentry client, and its configuration as Korrigo
    reads it (`environ`/`dotenv_path` default to the process environment and `.env`)."""

    environ: Mapping[str, str] | None = None
    dotenv_path: str | Path | None = None
    network: bool = True
    timeout: float = 5.0

    @property
    def client(self) -> Any:
        import sentry_sdk

        return sentry_sdk.get_client()

    @cached_property
    def config(self) -> tuple[Any, dict[str, Any]]:
        """`check_config`: the configuration and each problem, by variable."""
        from korrigo_sentry.config import check_config

        return check_config(self.environ, dotenv_path=self.dotenv_path)


@dataclass(frozen=True)
class Result:
    """A step and its verdict (None: not run, after an earlier failure)."""

    step: Step
    verdict: Verdict | None = field(default=None)

    @property
    def ok(self) -> bool:
        return self.verdict is not None and self.verdict.ok

    @property
    def if_not(self) -> str:
        return (self.verdict.if_not if self.verdict else "") or self.step.if_not


#: The runbooks with quick checks, by slug (each module's `CHECKS`).
MODULES = (
    "critical_errors",
    "high_error_rate",
    "performance_degradation",
    "celery_failures_not_reported",
    "missing_release_or_environment",
    "performance_data_missing",
    "sensitive_data_in_event",
    "sentry_not_capturing_errors",
    "quota_exhausted",
    "korrigo_down",
)


def registry() -> dict[str, RunbookChecks]:
    """Every runbook's checks, by slug."""
    books = [importlib.import_module(f"{__name__}.{name}").CHECKS for name in MODULES]
    return {book.slug: book for book in books}


def get(slug: str) -> RunbookChecks:
    """A runbook's checks; LookupError naming the known runbooks otherwise."""
    books = registry()
    if slug not in books:
        raise LookupError(f"no runbook {slug!r}; known: {', '.join(sorted(books))}")
    return books[slug]


def run_step(step: Step, here: Here) -> Verdict:
    """One step's verdict. Never raises: a check that breaks is a failed check, its error
    named (and redacted: it could quote a value)."""
    from korrigo_sentry.oncall.echo import redact

    if step.network and not here.network:
        return Verdict(True, "not checked (--offline)")
    try:
        return step.check(here)
    except Exception as error:
        return Verdict(
            False, f"the check itself failed: {type(error).__name__}: {redact(str(error))}"
        )


def run(book: RunbookChecks, here: Here, only: str | None = None) -> list[Result]:
    """Run `book`'s steps in order (or the one named `only`); after the first failure the
    others are listed as not run: the first failure is where the page sends the reader."""
    steps = (book.step(only),) if only else book.steps
    results: list[Result] = []
    failed = False
    for step in steps:
        if failed:
            results.append(Result(step))
            continue
        verdict = run_step(step, here)
        results.append(Result(step, verdict))
        failed = not verdict.ok
    return results
