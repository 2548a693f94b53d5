"""The edit loops: the last `make check` and `make test` of this checkout, by stage.

Running them here would take minutes and measure a machine that `make bench` itself
loads, so this reports what the last runs recorded (tests/benchmarks/stage.py writes
`.cache/loops/check/` and `.cache/loops/test/`): the wall time of the whole run against
its target, with the load average it ran under, then each stage's wall and CPU seconds.
CPU seconds are the steadier figure on a shared machine; the targets are on wall time
(what a developer waits), warm: the virtualenv made and the site built once.

A run that failed or was never made is reported as such, and counts as above target.
"""

from __future__ import annotations

import json
from pathlib import Path

from tests.benchmarks.stage import LOOPS

ROOT = Path(__file__).resolve().parents[2]

#: Wall-clock targets, in seconds, warm, on two cores (issue 24, item 4).
TARGETS = {"check": 45.0, "test": 150.0}


def read(loop: str, folder: Path = ROOT / LOOPS) -> dict[str, dict]:
    """Stage name -> its record, for the last run of `loop` ('total' is the whole run)."""
    records = {}
    for path in sorted((folder / loop).glob("*.json")):
        try:
            record = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            continue
        records[record["stage"]] = record
    return records


def report(loop: str, records: dict[str, dict], target: float) -> tuple[list[str], bool]:
    """The lines printed for `loop`, and whether its last run passed within `target`."""
    total = records.get("total")
    if total is None:
        return [f"make {loop}: no run recorded (run `make {loop}` first)"], False
    stages = sorted((r for name, r in records.items() if name != "total"), key=lambda r: -r["wall"])
    failed = total["status"] != 0 or any(r["status"] != 0 for r in stages)
    verdict = "FAILED" if failed else "passed"
    lines = [
        f"make {loop}: {total['wall']:.0f} s wall (target {target:.0f} s), "
        f"{total['cpu']:.0f} CPU s, {verdict}, finished {total['finished']}, "
        f"load average {total['load'][0]:.1f} at start"
    ]
    lines += [
        f"  {r['stage']:<10} {r['wall']:6.1f} s wall {r['cpu']:6.1f} CPU s"
        + ("  FAILED" if r["status"] else "")
        for r in stages
    ]
    return lines, not failed and total["wall"] <= target


def main() -> bool:
    """Print both loops; False when either is missing, failed or above its target."""
    ok = True
    for loop, target in TARGETS.items():
        lines, within = report(loop, read(loop), target)
        print("\n".join(lines))
        ok = ok and within
    return ok


if __name__ == "__main__":
    raise SystemExit(0 if main() else 1)
