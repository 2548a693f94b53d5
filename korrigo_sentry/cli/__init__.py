"""`python -m korrigo_sentry`: one argparse front door, one module per subcommand.

For on-call engineers, in a terminal of a backend container (doctor, send-test, runbook,
alerts). The command layer: it calls `oncall` and `alerts`; nothing calls it.

Each module in `korrigo_sentry.cli` exposes `register(subparsers)`, which adds its
parser and sets `func(args) -> int` as the default. The exit status is what `func` returns.
Command modules import the SDK, Django and Celery only when they run, so `--help` is quick.
"""

from __future__ import annotations

import argparse
import importlib
import os
import sys
from collections.abc import Sequence

#: Subcommand modules, in the order `--help` lists them.
COMMANDS: tuple[str, ...] = ("doctor", "send_test", "runbook", "alerts", "lint")


def build_parser() -> argparse.ArgumentParser:
    """The parser with every subcommand registered."""
    parser = argparse.ArgumentParser(
        prog="python -m korrigo_sentry",
        description="Korrigo's Sentry configuration: checks, test events, runbooks, alerts.",
    )
    subparsers = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)
    for name in COMMANDS:
        module = importlib.import_module(f"korrigo_sentry.cli.{name}")
        module.register(subparsers)
    return parser


#: Exit status when an integration of settings.INTEGRATIONS cannot start (package missing).
INTEGRATION_MISSING = 2


def main(argv: Sequence[str] | None = None) -> int:
    """Run one subcommand and return its exit status."""
    args = build_parser().parse_args(argv)
    try:
        return int(args.func(args))
    except BrokenPipeError:
        # The reader (`| head`) left: stop quietly, as the Python docs advise (signal).
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 141
    except Exception as exc:
        # sentry-sdk raises DidNotEnable when an integration asked for by name cannot
        # start (its package is missing): one line, not a traceback. Imported here only.
        from sentry_sdk.integrations import DidNotEnable

        if not isinstance(exc, DidNotEnable):
            raise
        print(
            f"error: a Sentry integration cannot start ({exc}): install korrigo-sentry with "
            "its dependencies (pip install korrigo-sentry), or the missing package",
            file=sys.stderr,
        )
        return INTEGRATION_MISSING


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
