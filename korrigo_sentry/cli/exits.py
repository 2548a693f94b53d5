"""The exit statuses every command shares, apart from what each command adds.

A script tells a mistyped command (usage, 2) from a server whose configuration gives
nothing to work with (configuration, 20) and from an installation missing a piece
(installation, 21). `send-test` adds one status per delivery outcome (3 to 16, from
`korrigo_sentry.oncall.delivery.KINDS`); `alerts export` adds 3 for an unwritable
`--output`. `table()` is what the "Runbooks from a terminal" page shows (through macros.py).
"""

from __future__ import annotations

from dataclasses import dataclass

OK = 0
#: A check failed (doctor, check, runbook, alerts validate).
FAILED = 1
#: The command line is wrong: unknown option, missing or out-of-range value, unknown runbook.
USAGE = 2
#: The configuration gives nothing to work with: no usable SENTRY_DSN, a .env file or
#: --env-file that cannot be read.
CONFIGURATION = 20
#: The installation lacks a piece: an integration's package, the runbook pages.
INSTALLATION = 21
#: A failure the command did not foresee (a bug): one line, never a traceback.
INTERNAL = 70  # EX_SOFTWARE of BSD's sysexits.h
#: The reader of the output went away (`| head`): 128 + SIGPIPE, as a shell reports it.
BROKEN_PIPE = 141


@dataclass(frozen=True)
class Status:
    code: int
    kind: str  # the `error.kind` of the JSON output, '' for a success or a failed check
    meaning: str


SHARED: tuple[Status, ...] = (
    Status(OK, "", "success: every check passed, the events were accepted"),
    Status(FAILED, "", "a check failed (its line says which, and the next step)"),
    Status(USAGE, "usage", "the command line is wrong (an option, a value, a runbook name)"),
    Status(
        CONFIGURATION,
        "configuration",
        "the configuration gives nothing to work with (no usable `SENTRY_DSN`, an unreadable "
        "`.env` or `--env-file`)",
    ),
    Status(INSTALLATION, "installation", "the installation lacks a package or the runbook pages"),
    Status(INTERNAL, "internal", "an unforeseen failure in the command (please report it)"),
    Status(BROKEN_PIPE, "", "the reader of the output went away (`| head`)"),
)


def table() -> str:
    """A Markdown table of the shared statuses and what each command adds."""
    from korrigo_sentry.oncall.delivery import KINDS

    rows = ["| Exit status | Commands | Meaning |", "|---|---|---|"]
    rows += [f"| `{s.code}` | all | {s.meaning} |" for s in SHARED[:3]]
    low, high = min(k.exit_code for k in KINDS[1:]), max(k.exit_code for k in KINDS)
    rows.append(
        f"| `{low}` to `{high}` | `send-test` | Sentry was not reached or refused the event "
        "(one status per outcome, below) |"
    )
    rows.append("| `3` | `alerts export` | the `--output` file cannot be written |")
    rows += [f"| `{s.code}` | all | {s.meaning} |" for s in SHARED[3:]]
    return "\n".join(rows)
