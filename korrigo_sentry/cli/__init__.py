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
from typing import NoReturn

#: Subcommand modules, in the order `--help` lists them.
COMMANDS: tuple[str, ...] = ("doctor", "send_test", "check", "runbook", "alerts", "lint")


class UsageError(Exception):
    """The command line is wrong; `message` says how, `prog` which command."""

    def __init__(self, prog: str, message: str) -> None:
        super().__init__(message)
        self.prog, self.message = prog, message


class Parser(argparse.ArgumentParser):
    """argparse, but a usage error is raised, so `main` can report it once (as JSON when
    `--json` was asked for) with its own exit status; subcommands' parsers inherit it."""

    def error(self, message: str) -> NoReturn:
        raise UsageError(self.prog, message)


def build_parser() -> argparse.ArgumentParser:
    """The parser with every subcommand registered."""
    parser = Parser(
        prog="python -m korrigo_sentry",
        description="Korrigo's Sentry configuration: checks, test events, runbooks, alerts.",
    )
    subparsers = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)
    for name in COMMANDS:
        module = importlib.import_module(f"korrigo_sentry.cli.{name}")
        module.register(subparsers)
    return parser


def command_name(argv: Sequence[str]) -> str:
    """`send-test`, `alerts export`...: the command the JSON output names."""
    words = [a for a in argv if not a.startswith("-")]
    if words[:1] == ["alerts"]:
        return " ".join(words[:2])
    return words[0] if words else ""


def run() -> int:
    """`main()` as the process of one command (`python -m korrigo_sentry`, the
    `korrigo-sentry` script): with the cyclic garbage collector off.

    Importing Django, Celery and the SDK's integrations makes about 200 collections, each
    scanning the young objects, for almost no garbage (about 1,300 objects in all in a
    `doctor` run): 0.07 to 0.1 CPU s of a 0.7 s command. A command ends within seconds, so
    nothing piles up; reference counting still frees everything else. Never done in
    `main()`, which tests and other programs call in their own long-lived processes.
    """
    import gc

    gc.disable()
    return main()


def main(argv: Sequence[str] | None = None) -> int:
    """Run one subcommand and return its exit status. Every outcome is one sentence (or,
    with `--json`, one JSON object); never a traceback."""
    from korrigo_sentry.cli import exits, output

    argv = list(sys.argv[1:] if argv is None else argv)
    as_json = "--json" in argv
    command = command_name(argv)
    try:
        args = build_parser().parse_args(argv)
    except UsageError as error:
        message = f"{error.prog}: {error.message} (see {error.prog} --help)"
        return output.fail(command, exits.USAGE, "usage", message, as_json=as_json)
    try:
        return int(args.func(args))
    except BrokenPipeError:
        # The reader (`| head`) left: stop quietly, as the Python docs advise (signal).
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return exits.BROKEN_PIPE
    except Exception as exc:
        # sentry-sdk raises DidNotEnable when an integration asked for by name cannot
        # start (its package is missing): one line, not a traceback. Imported here only.
        from sentry_sdk.integrations import DidNotEnable

        if isinstance(exc, DidNotEnable):
            message = (
                f"a Sentry integration cannot start ({exc}): install korrigo-sentry with "
                "its dependencies (pip install korrigo-sentry), or the missing package"
            )
            return output.fail(
                command, exits.INSTALLATION, "installation", message, as_json=as_json
            )
        if os.environ.get("KORRIGO_SENTRY_TRACEBACK"):
            raise
        message = (
            f"{command} stopped on an unforeseen {type(exc).__name__} "
            f"({output.redact(str(exc))}): please report it; KORRIGO_SENTRY_TRACEBACK=1 "
            "shows the traceback"
        )
        return output.fail(command, exits.INTERNAL, "internal", message, as_json=as_json)


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
