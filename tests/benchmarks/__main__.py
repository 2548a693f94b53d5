"""`python -m tests.benchmarks [NAME ...]`: run the `main()` of every `bench_*.py` here.

Each module prints its own figures. A `main()` that raises, or returns False (a figure
above its target), is reported and makes the exit status 1; the other benches still run.
Names (e.g. `bench_init`) restrict the run to those modules.
"""

from __future__ import annotations

import importlib
import sys
import traceback
from pathlib import Path


def run_all(names: list[str]) -> int:
    failed = []
    for path in sorted(Path(__file__).parent.glob("bench_*.py")):
        if names and path.stem not in names:
            continue
        print(f"== {path.stem}", flush=True)
        try:
            module = importlib.import_module(f"{__package__}.{path.stem}")
            ok = module.main() is not False
        except Exception:
            traceback.print_exc()
            ok = False
        if not ok:
            failed.append(path.stem)
    if failed:
        print(f"failed or above target: {', '.join(failed)}")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(run_all(sys.argv[1:]))
