"""`python -m korrigo_sentry runbook [--list | SLUG]`: list the runbooks, run one's checks.

`runbook SLUG` runs the runbook's quick checks exactly as `check SLUG` does (functions of
`korrigo_sentry.oncall.checks`, no Markdown executed): each step's verdict, the first line
OK or FAILED, the next step of the first failure and its address.
"""

from __future__ import annotations

import argparse
from collections.abc import Mapping
from pathlib import Path
from typing import Any

#: Exit statuses (korrigo_sentry.cli.exits): an unknown slug is a usage error; missing
#: pages, an installation one.
NOT_FOUND, INSTALLATION = 2, 21


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
    parser.add_argument(
        "--read",
        action="store_true",
        help="print the runbook's page here, values filled, without network (no checks run)",
    )
    parser.add_argument("--json", action="store_true", help="print the result as JSON")
    parser.set_defaults(func=main)


def main(args: argparse.Namespace) -> int:
    """Entry point of the subcommand."""
    if args.list:
        return list_runbooks(as_json=args.json)
    if args.read:
        return read(args.slug, as_json=args.json)
    return run_slug(args.slug, as_json=args.json)


def read(slug: str, *, as_json: bool = False) -> int:
    """Print runbook `slug` as the site renders it (values filled), from the wheel's copy or,
    in a checkout, rendered now by the site's own macros (handbook/offline.py)."""
    from korrigo_sentry.cli import output
    from korrigo_sentry.oncall import package_data, runbooks

    try:
        runbooks.get_runbook(slug)
    except runbooks.RunbookError as exc:
        if str(exc) == package_data.MISSING_PAGES:
            return output.fail("runbook", INSTALLATION, "installation", str(exc), as_json=as_json)
        return output.fail("runbook", NOT_FOUND, "usage", str(exc), as_json=as_json)
    packaged = package_data.rendered_runbook(slug)
    if packaged is not None:
        text = packaged.read_text(encoding="utf-8")
    elif (package_data.REPO_ROOT / "handbook" / "offline.py").is_file():
        text = _render_from_checkout(slug)
    else:
        message = package_data.MISSING_RENDERED
        return output.fail("runbook", INSTALLATION, "installation", message, as_json=as_json)
    if as_json:
        print(output.dumps("runbook --read", {"runbook": slug, "text": text}))
    else:
        print(text, end="")
    return 0


def _render_from_checkout(slug: str) -> str:
    """A checkout renders on demand (the command layer may import the site's code; the
    library never does): an edited page reads as it will be built."""
    import importlib
    import sys

    from korrigo_sentry.oncall import package_data

    root = str(package_data.REPO_ROOT)
    sys.path.insert(0, root)
    try:
        offline = importlib.import_module("handbook.offline")
        return offline.render_runbooks(package_data.REPO_ROOT)[slug]
    finally:
        sys.path.remove(root)


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
    from korrigo_sentry.cli.check import run_checks

    return run_checks(
        slug, environ=environ, dotenv_path=dotenv_path, as_json=as_json, command="runbook"
    )
