"""What a command prints, captured for the site (not a subcommand).

The "From a terminal" page shows what `python -m korrigo_sentry check SLUG` (the same as
`runbook SLUG`) prints with no DSN. It is captured by running the command's own code in-process, here in the command
layer, so the runbook library never imports the command that uses it.
"""

from __future__ import annotations

import io
import tempfile
from collections.abc import Iterator, Mapping
from contextlib import contextmanager, redirect_stderr, redirect_stdout
from pathlib import Path


@contextmanager
def _detached_sdk() -> Iterator[None]:
    """Leave the SDK as it was found: close whatever client the run created, clear scopes."""
    import sentry_sdk

    from korrigo_sentry.testing import reset_scopes

    try:
        yield
    finally:
        sentry_sdk.get_client().close()
        reset_scopes()


def transcript(slug: str, environ: Mapping[str, str] | None = None) -> tuple[str, int]:
    """What `python -m korrigo_sentry runbook SLUG` prints with `environ` (default: empty, so
    no DSN) and an empty `.env`, and its exit status."""
    from korrigo_sentry.cli import runbook as command

    output = io.StringIO()
    with tempfile.TemporaryDirectory() as tmp, _detached_sdk():
        dotenv = Path(tmp) / ".env"
        dotenv.write_text("", encoding="utf-8")
        with redirect_stdout(output), redirect_stderr(output):
            status = command.run_slug(slug, environ=dict(environ or {}), dotenv_path=dotenv)
    return output.getvalue(), status


def transcript_block(slug: str) -> str:
    """The transcript as a console fence, for the site (cached across builds)."""
    from handbook.build_cache import cached

    text, status = cached("transcript", lambda: transcript(slug), slug)
    return (
        f"```console\n$ python -m korrigo_sentry check {slug}\n{text.rstrip()}\n"
        f"$ echo $?\n{status}\n```"
    )
