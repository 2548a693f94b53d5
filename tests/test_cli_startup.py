"""`python -m korrigo_sentry --help` answers without importing the heavy packages.

The command modules import the SDK, Django and Celery when they run; building the parser
(every `--help`, every usage error) must not. Timings are in `make bench` (bench_cli).
"""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

PROBE = """
import json, sys
from korrigo_sentry.cli import main
try:
    main(sys.argv[1:])
except SystemExit:
    pass
heavy = sorted({m.split(".")[0] for m in sys.modules} & {"django", "celery", "redis", "sentry_sdk"})
print(json.dumps(heavy))
"""


@pytest.mark.parametrize(
    "args",
    [["--help"], ["doctor", "--help"], ["send-test", "--help"], ["runbook", "--help"],
     ["alerts", "export", "--help"]],
    ids=lambda a: " ".join(a),
)  # fmt: skip
def test_help_imports_no_heavy_package(args: list[str]) -> None:
    run = subprocess.run(
        [sys.executable, "-c", PROBE, *args], capture_output=True, text=True, check=False
    )
    assert run.returncode == 0, run.stderr
    assert json.loads(run.stdout.splitlines()[-1]) == []


#: What sentry-sdk's Django, Celery and Redis integrations import; a command that does not
#: initialise the SDK has no use for any of it (about 0.3 CPU s of a 0.7 s command).
INTEGRATION_MODULES = {
    "django", "celery", "kombu", "redis", "sentry_sdk.integrations.django",
    "sentry_sdk.integrations.celery", "sentry_sdk.integrations.redis",
}  # fmt: skip

RUN_PROBE = """
import json, sys
from korrigo_sentry.cli import main
status = main(sys.argv[1:])
print(json.dumps([status, sorted(sys.modules)]))
"""


@pytest.mark.parametrize(
    ("args", "status"),
    [
        (["runbook", "--list"], 0),
        (["runbook", "list"], 2),  # no runbook of that name: a usage error, not a check run
        (["check", "--list"], 0),
        (["check", "no-such-runbook"], 2),
        (["check", "sentry-not-capturing-errors", "no-such-step"], 2),
        (["alerts", "validate"], 0),
        (["alerts", "export", "--format", "json"], 0),
        (["lint", "korrigo_sentry/cli/lint.py"], 0),
    ],
    ids=lambda a: " ".join(a) if isinstance(a, list) else str(a),
)
def test_a_command_that_does_not_initialise_the_sdk_imports_none_of_its_integrations(
    args: list[str], status: int
) -> None:
    run = subprocess.run(
        [sys.executable, "-c", RUN_PROBE, *args], capture_output=True, text=True, check=False
    )
    got_status, modules = json.loads(run.stdout.splitlines()[-1])
    assert got_status == status, run.stderr
    assert sorted(INTEGRATION_MODULES & set(modules)) == []


GC_PROBE = """
import atexit, gc, runpy, sys
atexit.register(lambda: print("collector on:", gc.isenabled(), file=sys.stderr))
sys.argv = ["korrigo_sentry", *sys.argv[1:]]
runpy.run_module("korrigo_sentry", run_name="__main__")
"""


def test_a_command_runs_with_the_garbage_collector_off_in_its_own_process_only() -> None:
    """`python -m korrigo_sentry` turns the collector off (its imports made ~200 useless
    collections); `main()`, called inside other processes (Korrigo's, pytest's), does not."""
    done = subprocess.run(
        [sys.executable, "-c", GC_PROBE, "runbook", "--list"],
        capture_output=True, text=True, check=False,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    assert done.stderr.splitlines()[-1] == "collector on: False"

    import gc

    from korrigo_sentry.cli import main

    assert main(["runbook", "--list"]) == 0
    assert gc.isenabled()
