"""`python -m korrigo_sentry doctor`: one line per check, non-zero exit when one fails."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

#: The mark printed before each check, by status.
MARKS = {"ok": "✓", "warn": "!", "fail": "✗"}


def register(subparsers: argparse._SubParsersAction) -> None:
    """Add the `doctor` subcommand."""
    parser = subparsers.add_parser(
        "doctor",
        help="check the Sentry configuration (DSN, environment, release, rates, integrations)",
        description="Check Korrigo's Sentry configuration as the server would load it, and "
        "say where each value came from (the environment, a .env file and line, a default). "
        "Exit status 1 when a check fails; warnings (!) do not fail.",
    )
    parser.add_argument("--json", action="store_true", help="print the results as JSON")
    parser.add_argument(
        "--env-file",
        type=Path,
        metavar="PATH",
        help="read this .env file (default: the nearest .env from the current directory up)",
    )
    parser.add_argument(
        "--offline",
        action="store_true",
        help="do not connect to the DSN's host (the ingest check is skipped)",
    )
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    """Run the checks, print them, return 0 when none failed."""
    from korrigo_sentry.cli import output
    from korrigo_sentry.oncall.doctor import diagnose

    def show(result: Any) -> None:  # each line as soon as it is known
        print(format_line(result), flush=True)

    report = diagnose(
        dotenv_path=args.env_file, network=not args.offline, on_result=None if args.json else show
    )
    results = report.results
    ok = all(result.ok for result in results)
    if args.json:
        payload = {
            "ok": ok,
            "checks": [r.as_dict() for r in results],
            "env_file": str(report.env_file) if report.env_file else None,
        }
        print(output.dumps("doctor", payload))
    else:
        print("Sentry configuration OK" if ok else "Sentry configuration has problems (✗ above)")
    return 0 if ok else 1


def format_line(result: Any) -> str:
    """`✓ dsn: https://***@o0.ingest.sentry.io/0 (SENTRY_DSN from environment)`."""
    source = f" ({result.source})" if result.source else ""
    return f"{MARKS[result.status]} {result.name}: {result.detail}{source}"
