"""Every `python -m korrigo_sentry ...` line of docs/ runs, with the same arguments.

(The runbooks' shell steps have their own, stricter test: tests/test_runbook_shell.py.)
"""

from __future__ import annotations

import pytest

from korrigo_sentry.cli import main
from korrigo_sentry.testing import reset_scopes
from tests.doc_sources import korrigo_commands

COMMANDS = korrigo_commands()
#: What each command shown on the pages does with a valid configuration whose DSN points at a
#: closed port: doctor's ingest check and send-test both find the refused connection, and
#: send-test exits with that outcome's own status (4, "From a terminal" lists them).
REFUSED = "The connection to 127.0.0.1:9 was refused"
OUTCOMES = {"doctor": (1, REFUSED), "send-test": (4, REFUSED)}


def test_pages_show_korrigo_commands() -> None:
    shown = {args[0] for _, args in COMMANDS}
    assert {"doctor", "send-test"} <= shown


@pytest.mark.parametrize(
    "args", [a for _, a in COMMANDS], ids=[f"{f.path.name}:{f.line}" for f, _ in COMMANDS]
)
def test_shown_command_runs(args: list[str], monkeypatch: pytest.MonkeyPatch, capsys) -> None:
    """Parsed by the real CLI and run to an exit status; a usage error fails.

    The DSN points at a closed loopback port: each command's exact status and key line.
    """
    monkeypatch.setenv("SENTRY_DSN", "http://publickey@127.0.0.1:9/1")
    monkeypatch.setenv("SENTRY_ENVIRONMENT", "test")
    monkeypatch.chdir("/")  # no .env of the developer's
    try:
        status = main(args)
    except SystemExit as exit_:  # argparse: the page shows arguments the CLI refuses
        pytest.fail(f"{args}: usage error {exit_.code}: {capsys.readouterr().err}")
    finally:
        reset_scopes()
    if args[0] not in OUTCOMES:
        pytest.fail(f"{args}: add the status and output this command should give to OUTCOMES")
    expected_status, expected_text = OUTCOMES[args[0]]
    output = capsys.readouterr()
    assert status == expected_status, output
    assert expected_text in output.out + output.err
