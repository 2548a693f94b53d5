"""`python -m korrigo_sentry check RUNBOOK [STEP]`: a runbook's quick checks, with verdicts.

Sentry is initialised exactly as Korrigo's settings do it (the environment, the `.env`
file, the real DSN); then each step of the runbook (`korrigo_sentry.oncall.checks`) looks
at this process and says OK or FAILED, what it found, what the page expects and, for the
first failure, the next step and its address. The first line is the verdict.
"""

from __future__ import annotations

import argparse
import logging
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from korrigo_sentry.cli import exits


def register(subparsers: Any) -> None:
    """Add the `check` subcommand."""
    from korrigo_sentry.cli.send_test import seconds

    parser = subparsers.add_parser(
        "check",
        help="run a runbook's quick checks here: OK or FAILED, and the next step",
        description=__doc__.split("\n\n", 1)[1],
        epilog="exit status: 0 every check passed, 1 a check failed, 2 no such runbook or "
        "step (see the exit-status table of the handbook for the others)",
    )
    parser.add_argument("runbook", nargs="?", help="the runbook, e.g. sentry-not-capturing-errors")
    parser.add_argument("step", nargs="?", help="one step of it (default: every step, in order)")
    parser.add_argument("--list", action="store_true", help="list the runbooks and their steps")
    parser.add_argument("--json", action="store_true", help="print the result as JSON")
    parser.add_argument(
        "--offline", action="store_true", help="skip the steps that reach Sentry's ingest"
    )
    parser.add_argument("--env-file", type=Path, metavar="PATH", help="read this .env file")
    parser.add_argument(
        "--timeout",
        type=seconds,
        default=5.0,
        metavar="SECONDS",
        help="how long a step waits for Sentry's ingest (default 5)",
    )
    parser.set_defaults(func=main)


def main(args: argparse.Namespace) -> int:
    """Entry point of the subcommand."""
    from korrigo_sentry.cli import output

    if args.list:
        return list_checks(as_json=args.json)
    if not args.runbook:
        return output.fail(
            "check", exits.USAGE, "usage",
            "name a runbook (python -m korrigo_sentry check --list shows them)",
            as_json=args.json,
        )  # fmt: skip
    return run_checks(
        args.runbook,
        args.step,
        dotenv_path=args.env_file,
        network=not args.offline,
        timeout=args.timeout,
        as_json=args.json,
    )


def list_checks(*, as_json: bool = False) -> int:
    from korrigo_sentry.cli import output
    from korrigo_sentry.oncall import checks

    books = checks.registry()
    if as_json:
        items = [
            {"runbook": b.slug, "place": b.place, "steps": [s.id for s in b.steps]}
            for b in books.values()
        ]
        print(output.dumps("check --list", {"runbooks": items}))
        return exits.OK
    for book in books.values():
        print(f"{book.slug} ({book.place}): {' '.join(s.id for s in book.steps)}")
    return exits.OK


def run_checks(
    slug: str,
    step: str | None = None,
    *,
    environ: Any = None,
    dotenv_path: str | Path | None = None,
    network: bool = True,
    timeout: float = 5.0,
    as_json: bool = False,
    command: str = "check",
) -> int:
    """Initialise Sentry as Korrigo does, run the steps, print the verdicts; the exit status."""
    from korrigo_sentry.cli import output
    from korrigo_sentry.oncall import checks

    try:
        book = checks.get(slug)
        if step is not None:
            book.step(step)
    except LookupError as error:
        return output.fail(command, exits.USAGE, "usage", str(error.args[0]), as_json=as_json)
    # Imported once the runbook and step are known: the SDK's integrations load Django and
    # Celery (about 0.3 CPU s), which a mistyped name has no use for.
    from korrigo_sentry import init_sentry
    from korrigo_sentry.oncall.doctor import isolated_sdk

    here = checks.Here(environ, dotenv_path, network=network, timeout=timeout)
    with _log_to_stderr(), isolated_sdk():
        init_sentry(environ=environ, dotenv_path=dotenv_path)
        sys.stderr.flush()
        results = checks.run(book, here, step)
    if as_json:
        print(output.dumps(command, as_dict(book, step, results)))
    else:
        print("\n".join(report(book, results)))
    return exits.OK if all(r.ok for r in results) else exits.FAILED


@contextmanager
def _log_to_stderr() -> Iterator[None]:
    """Show korrigo_sentry's configuration messages (e.g. "SENTRY_DSN is not set") on the
    current stderr while the checks run, whatever logging the caller set up."""
    logger = logging.getLogger("korrigo_sentry")
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(logging.Formatter("%(levelname)s %(name)s: %(message)s"))
    propagate = logger.propagate
    logger.addHandler(handler)
    logger.propagate = False
    try:
        yield
    finally:
        logger.removeHandler(handler)
        logger.propagate = propagate


def _next_step(book: Any, failed: Any) -> tuple[str, str]:
    from korrigo_sentry.oncall import runbooks

    text = failed.if_not
    return runbooks.plain(text), runbooks.link_url(book.slug, runbooks.first_link(text))


def report(book: Any, results: list[Any]) -> list[str]:
    """The lines a reader sees: the verdict first, then each step, then the next step."""
    from korrigo_sentry.oncall import runbooks

    total = len(results)
    failed = next((r for r in results if r.verdict is not None and not r.verdict.ok), None)
    if failed is None:
        first = f"OK: {book.slug}, {total} of {total} checks passed"
    else:
        number = results.index(failed) + 1
        first = f"FAILED: {book.slug}, check {number} of {total}: {failed.step.title}"
    lines = [first, ""]
    for number, result in enumerate(results, 1):
        mark = "not run" if result.verdict is None else ("OK" if result.ok else "FAILED")
        lines.append(f"[{number}/{total}] {mark:7} {result.step.id}: {result.step.title}")
        if result.verdict is not None:
            lines.append(f"          found:    {result.verdict.found}")
            lines.append(f"          expected: {runbooks.plain(result.step.expected)}")
    if failed is not None:
        text, url = _next_step(book, failed)
        offline = f"python -m korrigo_sentry runbook {book.slug} --read"
        lines += ["", f"Next step: {text}", f"  {url}", f"  (offline: {offline})"]
    else:
        lines += ["", "If the problem persists, continue with the page's Diagnosis section:"]
        lines.append(f"  {runbooks.page_url(book.slug, 'diagnosis')}")
        lines.append(f"  (offline: python -m korrigo_sentry runbook {book.slug} --read)")
    return lines


def as_dict(book: Any, step: str | None, results: list[Any]) -> dict[str, Any]:
    from korrigo_sentry.oncall import runbooks

    failed = next((r for r in results if r.verdict is not None and not r.verdict.ok), None)
    next_step = None
    if failed is not None:
        text, url = _next_step(book, failed)
        next_step = {"text": text, "url": url}
    return {
        "runbook": book.slug,
        "step": step,
        "ok": failed is None,
        "checks": [
            {
                "id": r.step.id,
                "title": r.step.title,
                "status": "not_run" if r.verdict is None else ("ok" if r.ok else "failed"),
                "found": r.verdict.found if r.verdict else None,
                "expected": runbooks.plain(r.step.expected),
            }
            for r in results
        ],
        "next_step": next_step,
        "url": runbooks.page_url(book.slug),
    }
