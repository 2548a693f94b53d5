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
