"""`python -m korrigo_sentry runbook [--list | SLUG]`: run a runbook's quick checks here.

The checks are the python blocks of the page's "Quick checks" section, run in order after
Sentry is initialised exactly as Korrigo's settings do it (real environment, real `.env`,
real DSN). The first failure stops the run and prints the page's next step and its URL.
"""

from __future__ import annotations

import argparse
import logging
import sys
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path
from typing import Any

#: Exit statuses (korrigo_sentry.cli.exits): an unknown slug is a usage error; missing
#: pages, an installation one.
NOT_FOUND, INSTALLATION = 2, 17


def register(subparsers: Any) -> None:
    """Add the `runbook` subcommand."""
    parser = subparsers.add_parser(
        "runbook",
        help="list the runbooks, or run one runbook's quick checks",
        description=__doc__.split("\n\n", 1)[1],
        epilog="exit status: 0 every check passed, 1 a check failed, 2 no such runbook",
    )
    group = parser.add_mutually_exclusive_group(required=True)
    group.add_argument("--list", action="store_true", help="list the runbooks (slug, title)")
    group.add_argument("slug", nargs="?", help="the runbook to run, e.g. high-error-rate")
    parser.add_argument("--json", action="store_true", help="print the result as JSON")
    parser.set_defaults(func=main)


def main(args: argparse.Namespace) -> int:
    """Entry point of the subcommand."""
    if args.list:
        return list_runbooks(as_json=args.json)
    return run_slug(args.slug, as_json=args.json)


def list_runbooks(*, as_json: bool = False) -> int:
    """Print `slug  title  [alert or symptom]` for every runbook."""
    from korrigo_sentry.cli import output
    from korrigo_sentry.oncall import runbooks

    try:
        books = runbooks.load_runbooks()
    except runbooks.RunbookError as exc:
        return output.fail("runbook", INSTALLATION, "installation", str(exc), as_json=as_json)
    if as_json:
        items = [
            {"slug": b.slug, "title": b.title, "subject": b.subject, "url": b.url} for b in books
        ]
        print(output.dumps("runbook --list", {"runbooks": items}))
        return 0
    width = max((len(b.slug) for b in books), default=0)
    for book in books:
        print(f"{book.slug:<{width}}  {book.title}  [{book.subject}]")
    return 0


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


def run_slug(
    slug: str,
    *,
    environ: Mapping[str, str] | None = None,
    dotenv_path: str | Path | None = None,
    as_json: bool = False,
) -> int:
    """Initialise Sentry as Korrigo does, then run the runbook's quick checks; 0 if all pass.

    `environ` and `dotenv_path` default to the process environment and the `.env` found
    from the working directory, as in production.
    """
    from korrigo_sentry import init_sentry
    from korrigo_sentry.cli import output
    from korrigo_sentry.oncall import runbooks

    try:
        book = runbooks.get_runbook(slug)
    except runbooks.RunbookError as exc:
        if str(exc) == runbooks.package_data.MISSING_PAGES:
            return output.fail("runbook", INSTALLATION, "installation", str(exc), as_json=as_json)
        return output.fail("runbook", NOT_FOUND, "usage", str(exc), as_json=as_json)
    with _log_to_stderr():
        init_sentry(environ=environ, dotenv_path=dotenv_path)
        sys.stderr.flush()
        if not as_json:
            return 0 if runbooks.run_runbook(book, sys.stdout) else 1
        results = runbooks.run_quick_checks(book)
    print(_as_json(book, results))
    return 0 if all(r.passed for r in results) and len(results) == len(book.checks) else 1


def _as_json(book: Any, results: list[Any]) -> str:
    from korrigo_sentry.cli import output
    from korrigo_sentry.oncall import runbooks

    failed = next((r for r in results if not r.passed), None)
    next_step = None
    if failed is not None:
        next_step = {
            "text": runbooks.plain(failed.check.if_not),
            "url": runbooks.link_url(book.slug, failed.check.link or "#diagnosis"),
        }
    checks = [
        {
            "title": r.check.title,
            "passed": r.passed,
            "output": r.output,
            "expected": runbooks.plain(r.check.expected),
        }
        for r in results
    ]
    payload = {
        "slug": book.slug,
        "ok": failed is None,
        "checks": checks,
        "next_step": next_step,
        "url": book.url,
    }
    return output.dumps("runbook", payload)
