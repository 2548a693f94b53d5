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

from korrigo_sentry import init_sentry, runbooks


def register(subparsers: Any) -> None:
    """Add the `runbook` subcommand."""
    parser = subparsers.add_parser(
        "runbook",
        help="list the runbooks, or run one runbook's quick checks",
        description=__doc__.split("\n\n", 1)[1],
    )
    group = parser.add_mutually_exclusive_group(required=True)
    group.add_argument("--list", action="store_true", help="list the runbooks (slug, title)")
    group.add_argument("slug", nargs="?", help="the runbook to run, e.g. high-error-rate")
    parser.set_defaults(func=main)


def main(args: argparse.Namespace) -> int:
    """Entry point of the subcommand."""
    if args.list:
        return list_runbooks()
    return run_slug(args.slug)


def list_runbooks() -> int:
    """Print `slug  title  (alert or symptom)` for every runbook."""
    books = runbooks.load_runbooks()
    width = max(len(b.slug) for b in books)
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
) -> int:
    """Initialise Sentry as Korrigo does, then run the runbook's quick checks; 0 if all pass.

    `environ` and `dotenv_path` default to the process environment and the `.env` found
    from the working directory, as in production.
    """
    try:
        book = runbooks.get_runbook(slug)
    except runbooks.RunbookError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    with _log_to_stderr():
        init_sentry(environ=environ, dotenv_path=dotenv_path)
        sys.stderr.flush()
        return 0 if runbooks.run_runbook(book, sys.stdout) else 1
