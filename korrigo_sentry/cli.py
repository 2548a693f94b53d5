"""`python -m korrigo_sentry`: one argparse front door, one module per subcommand.

Each module in `korrigo_sentry.commands` exposes `register(subparsers)`, which adds its
parser and sets `func(args) -> int` as the default. The exit status is what `func` returns.
"""

from __future__ import annotations

import argparse
import importlib
import sys
from collections.abc import Sequence

#: Subcommand modules, in the order `--help` lists them.
COMMANDS: tuple[str, ...] = ("doctor", "send_test", "runbook", "alerts")


def build_parser() -> argparse.ArgumentParser:
    """The parser with every subcommand registered."""
    parser = argparse.ArgumentParser(
        prog="python -m korrigo_sentry",
        description="Korrigo's Sentry configuration: checks, test events, runbooks, alerts.",
    )
    subparsers = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)
    for name in COMMANDS:
        module = importlib.import_module(f"korrigo_sentry.commands.{name}")
        module.register(subparsers)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run one subcommand and return its exit status."""
    args = build_parser().parse_args(argv)
    return int(args.func(args))


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
