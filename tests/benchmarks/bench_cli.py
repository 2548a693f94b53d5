"""Start-up of `python -m korrigo_sentry` from the installed wheel, against `python -c pass`.

An on-call command should answer at once: `--help` must not import Django, Celery or the
SDK's integrations (the command modules import them when they run). The wheel is built
and installed in a fresh virtualenv (tests/field/wheel.py); then `python -c pass`,
`--help` and `doctor --offline` run in interleaved, shuffled rounds from the same
interpreter, and each figure is a ratio of medians against the baseline. Wall time is what
on-call waits; the children's CPU time is printed too (a shared machine inflates wall time).
"""

from __future__ import annotations

import os
import random
import resource
import statistics
import subprocess
import tempfile
import time
from pathlib import Path

from tests.field.wheel import build_wheel, install

ROUNDS = 9
#: `--help` may cost this many times a bare interpreter start (it measured about 4).
TARGET_HELP = 8.0
COMMANDS = {
    "python -c pass": ["-c", "pass"],
    "--help": ["-m", "korrigo_sentry", "--help"],
    "doctor --offline": ["-m", "korrigo_sentry", "doctor", "--offline"],
}


ENV = {"PATH": os.environ.get("PATH", ""), "SENTRY_ENVIRONMENT": "production"}


def _first_line(python: Path, cwd: Path) -> float:
    """Seconds until `doctor --offline` prints its first line (it prints each as known)."""
    start = time.perf_counter()
    with subprocess.Popen(
        [str(python), "-m", "korrigo_sentry", "doctor", "--offline"],
        cwd=cwd,
        env=ENV,
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
    ) as process:
        assert process.stdout is not None
        process.stdout.readline()
        first = time.perf_counter() - start
        process.stdout.read()
    return first


def _time(python: Path, args: list[str], cwd: Path) -> tuple[float, float]:
    env = ENV
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    subprocess.run([str(python), *args], cwd=cwd, env=env, capture_output=True, check=False)
    wall = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return wall, cpu


def main() -> bool:
    with tempfile.TemporaryDirectory() as tmp:
        base = Path(tmp)
        wheel = build_wheel(base)
        python = install(wheel, base / "venv")
        work = base / "work"
        work.mkdir()
        print(f"wheel {wheel.name}: {wheel.stat().st_size / 1024:.0f} KiB")
        rng = random.Random(0)
        names = list(COMMANDS)
        for name in names:  # warm-up: .pyc files, page cache
            _time(python, COMMANDS[name], work)
        walls: dict[str, list[float]] = {n: [] for n in names}
        cpus: dict[str, list[float]] = {n: [] for n in names}
        firsts: list[float] = []
        for _ in range(ROUNDS):
            rng.shuffle(names)
            for name in names:
                wall, cpu = _time(python, COMMANDS[name], work)
                walls[name].append(wall)
                cpus[name].append(cpu)
            firsts.append(_first_line(python, work))
    base_wall = statistics.median(walls["python -c pass"])
    base_cpu = statistics.median(cpus["python -c pass"])
    ratios = {}
    for name in COMMANDS:
        wall, cpu = statistics.median(walls[name]), statistics.median(cpus[name])
        ratios[name] = wall / base_wall
        print(
            f"{name:<18} wall {wall * 1000:7.0f} ms (x{ratios[name]:.1f})   "
            f"cpu {cpu * 1000:7.0f} ms (x{cpu / base_cpu:.1f})"
        )
    first = statistics.median(firsts)
    print(f"doctor's first line after {first * 1000:.0f} ms (x{first / base_wall:.1f})")
    ok = ratios["--help"] <= TARGET_HELP
    print(f"--help: x{ratios['--help']:.1f} of a bare interpreter (target x{TARGET_HELP:g})")
    return ok
