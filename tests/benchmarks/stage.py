"""`python -m tests.benchmarks.stage RUN STAGE -- COMMAND...`: one stage of `make test` or
`make check`, timed.

Runs COMMAND (a shell line), prints `[STAGE] N s wall, C CPU s` and exits with COMMAND's
status. The figures go to `.cache/loops/RUN/STAGE.json` below the current directory: wall
and CPU seconds of the command and of every process it waited for, and the load average
before and after; `make bench` reports them (tests/benchmarks/bench_loops.py). CPU time
is recorded because the machine is shared: wall time says what a developer waits, CPU
time what a stage costs.
"""

from __future__ import annotations

import json
import os
import resource
import subprocess
import sys
import time
from pathlib import Path

#: Where the figures go, below the directory make runs in: the checkout being tested (a
#: test that runs `make build` in a copy of the checkout writes into the copy, not here).
LOOPS = Path(".cache", "loops")


def _children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def run(loop: str, stage: str, command: str) -> int:
    load_before = os.getloadavg()[0]
    started, cpu = time.monotonic(), _children_cpu()
    status = subprocess.run(["sh", "-c", command], check=False).returncode
    wall, cpu = time.monotonic() - started, _children_cpu() - cpu
    print(f"[{stage}] {wall:.0f} s wall, {cpu:.0f} CPU s", flush=True)
    record = {
        "stage": stage,
        "wall": round(wall, 1),
        "cpu": round(cpu, 1),
        "status": status,
        "load": [round(load_before, 2), round(os.getloadavg()[0], 2)],
        "finished": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
    }
    folder = LOOPS / loop
    folder.mkdir(parents=True, exist_ok=True)
    (folder / f"{stage}.json").write_text(json.dumps(record) + "\n", encoding="utf-8")
    return status


def main(argv: list[str]) -> int:
    if len(argv) < 4 or argv[2] != "--":
        print("usage: python -m tests.benchmarks.stage RUN STAGE -- COMMAND", file=sys.stderr)
        return 2
    return run(argv[0], argv[1], " ".join(argv[3:]))


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
