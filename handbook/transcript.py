"""What a command prints, captured for the site (not a subcommand).

The "From a terminal" page shows what `python -m korrigo_sentry check SLUG` (the same run
as `runbook SLUG`) prints with no DSN. It is captured by running the command itself, in a
new process from an empty folder: the quick checks are Python of the package, and a
process started now runs the code as it is now (`make serve` keeps the modules it imported
once, so an in-process run would show an edited check only after a restart).
"""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
from collections.abc import Mapping
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def transcript(slug: str, environ: Mapping[str, str] | None = None) -> tuple[str, int]:
    """What `python -m korrigo_sentry check SLUG` prints (stdout and stderr, as a terminal
    shows them) with `environ` (default: no Sentry variable, so no DSN) and an empty `.env`,
    and its exit status."""
    base = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith("SENTRY_") and k not in ("GIT_COMMIT_SHA", "KORRIGO_SENTRY_TRACEBACK")
    }
    with tempfile.TemporaryDirectory() as tmp:
        (Path(tmp) / ".env").write_text("", encoding="utf-8")
        done = subprocess.run(
            [sys.executable, "-m", "korrigo_sentry", "check", slug],
            cwd=tmp,
            env={**base, "PYTHONPATH": str(ROOT), **(environ or {})},
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
            timeout=120,
            check=False,
        )
    return done.stdout, done.returncode


def transcript_block(slug: str) -> str:
    """The transcript as a console fence, for the site (cached across builds)."""
    from handbook.build_cache import cached

    # Not keyed on the runbook pages: `check` prints from the checks' code and reads no page
    # (tests/test_runbook_command.py watches it), so saving a runbook does not run it again.
    text, status = cached("transcript", lambda: transcript(slug), slug)
    return (
        f"```console\n$ python -m korrigo_sentry check {slug}\n{text.rstrip()}\n"
        f"$ echo $?\n{status}\n```"
    )
