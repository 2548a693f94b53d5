"""`mkdocs build` time with the real macros against the same pages with fixed values.

The baseline is a copy of the repository whose `macros.py` is replaced by a module that
registers the same variable, macro and filter names (read from the real module), each
returning a fixed value: the difference is the cost of reading the code, the YAML files
and git, and of running the "What Sentry receives" examples. Both builds run as
subprocesses (same command, same flags) in alternating rounds; the figure of each is the
median of its rounds.

Three figures: a live reload (what `mkdocs serve` does on every save: one process loads
the configuration again, which loads macros.py again, and builds; the target is on this
one), a fresh warm `mkdocs build` (a new process, the macros' disk cache full) and a cold
one (cache emptied, as on CI's first build).

Each live reload follows a save, as under `mkdocs serve`: a line is added to one file in
both copies, and the reload's CPU time counts the commands a macro runs. Two saves are
measured, and the target applies to both: a page of docs/ (PAGE_SAVE, the largest) and a
runbook (RUNBOOK_SAVE: its page and the printable runbooks page, the largest of the site,
both change). The real macros reuse the conversion of every page whose Markdown did not
change (handbook/render_cache.py); the reload with that cache off (every page converted
again, as MkDocs alone does) is printed too.
"""

from __future__ import annotations

import json
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from handbook import render_cache
from tests.test_site_support import ROOT, copy_repo

ROUNDS = 3
RELOADS = 4
TARGET = 1.5
#: The file saved before each live reload (see the module's docstring), by what it is.
PAGE_SAVE = "docs/reference/privacy.md"
RUNBOOK_SAVE = "runbooks/critical-errors.md"

#: Run in a child process: load the configuration and build, RELOADS + 1 times, as
#: `mkdocs serve` does after each save; prints the CPU seconds of each build but the first
#: (CPU time, not wall time: the machine is shared, and a build is one busy thread; the
#: commands a macro runs, such as the runbook transcript, are counted with it).
#: Each build's CPU seconds are split in two: the plugins' `on_config` and
#: `on_page_markdown` (where the macros run: loading macros.py, the variables, every macro
#: call) and the rest (converting the Markdown the macros produced, indexing it, the theme).
LIVE_RELOAD = """
import json, resource, sys, time
from mkdocs import plugins
from mkdocs.commands.build import build
from mkdocs.config import load_config
def cpu():  # this process and the children it waited for (a macro may run a command)
    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    return time.process_time() + children.ru_utime + children.ru_stime
in_macros = [0.0]
run_event = plugins.PluginCollection.run_event
def timed_event(self, name, *args, **kwargs):
    if name not in ("config", "page_markdown"):
        return run_event(self, name, *args, **kwargs)
    start = cpu()
    try:
        return run_event(self, name, *args, **kwargs)
    finally:
        in_macros[0] += cpu() - start
plugins.PluginCollection.run_event = timed_event
times = []
edited = sys.argv[3]
for n in range(int(sys.argv[2]) + 1):
    if n:  # a save between two reloads (not timed)
        with open(edited, "a", encoding="utf-8") as page:
            page.write(f"\\nSaved before reload {n}.\\n")
    in_macros[0] = 0.0
    start = cpu()
    config = load_config("mkdocs.yml", site_dir=sys.argv[1], strict=False)
    if n == 0:
        config.plugins.on_startup(command="serve", dirty=False)  # once, as serve does
    build(config)
    times.append([cpu() - start, in_macros[0]])
print(json.dumps(times[1:]))
"""

STUB = '''"""Fixed values under the real macros' names (baseline of bench_build)."""

VARIABLES = {variables!r}
MACROS = {macros!r}
FILTERS = {filters!r}


class Fixed:
    """Any attribute, item or call gives itself; it prints as 0 and iterates as nothing."""

    def __getattr__(self, name):
        return self

    def __getitem__(self, key):
        return self

    def __call__(self, *args, **kwargs):
        return self

    def __iter__(self):
        return iter(())

    def __len__(self):
        return 0

    def __str__(self):
        return "0"

    def __format__(self, spec):
        return "0"

    def __int__(self):
        return 0

    def __float__(self):
        return 0.0

    def _same(self, *args):
        return self

    __add__ = __radd__ = __sub__ = __rsub__ = __mul__ = __rmul__ = _same
    __truediv__ = __rtruediv__ = __floordiv__ = __rfloordiv__ = __mod__ = __rmod__ = _same
    __pow__ = __rpow__ = __neg__ = __abs__ = __round__ = _same

    def _false(self, other):
        return False

    __lt__ = __le__ = __gt__ = __ge__ = _false


def define_env(env):
    for name in VARIABLES:
        env.variables[name] = Fixed()
    for name in MACROS:
        env.macro(lambda *args, **kwargs: Fixed(), name)
    for name in FILTERS:
        env.filter(lambda *args, **kwargs: Fixed(), name)
'''


#: The live reloads measured: name -> (copy, file saved before each, render cache on).
RUNS = {
    "page": ("real", PAGE_SAVE, True),
    "page, fixed": ("fixed", PAGE_SAVE, True),
    "page, no cache": ("real", PAGE_SAVE, False),
    "runbook": ("real", RUNBOOK_SAVE, True),
    "runbook, fixed": ("fixed", RUNBOOK_SAVE, True),
}


class _Recorder:
    """Stands in for mkdocs-macros' env to learn what the real module registers."""

    def __init__(self) -> None:
        self.variables: dict[str, Any] = {}
        self.macros: list[str] = []
        self.filters: list[str] = []
        self.project_dir = str(ROOT)

    def macro(self, function: Any, name: str = "") -> None:
        self.macros.append(name or function.__name__)

    def filter(self, function: Any, name: str = "") -> None:
        self.filters.append(name or function.__name__)


def stub_source() -> str:
    """The baseline module's source: the real names, fixed values."""
    sys.path.insert(0, str(ROOT))
    import macros

    recorder = _Recorder()
    macros.define_env(recorder)
    return STUB.format(
        variables=sorted(recorder.variables), macros=recorder.macros, filters=recorder.filters
    )


def build_seconds(project: Path) -> float:
    """Wall time of one `mkdocs build` of `project`, in a fresh process.

    `--no-strict`: the fixed values make links like `[source](0)` that strict refuses.
    """
    env = {"NO_MKDOCS_2_WARNING": "1", "PYTHONPATH": str(project), "PATH": "/usr/bin:/bin"}
    start = time.perf_counter()
    subprocess.run(
        [sys.executable, "-m", "mkdocs", "build", "--no-strict", "--quiet",
         "--site-dir", str(project / "site")],
        cwd=project, env=env, check=True, capture_output=True,
    )  # fmt: skip
    return time.perf_counter() - start


def reload_seconds(project: Path, saved: str, cache: bool = True) -> list[list[float]]:
    """[CPU seconds, of which in the macros' events] of each rebuild in one process, each
    after a save of `saved` (the first build, which imports, not counted). `cache=False`
    turns the render cache off."""
    env = {"NO_MKDOCS_2_WARNING": "1", "PYTHONPATH": str(project), "PATH": "/usr/bin:/bin"}
    if not cache:
        env[render_cache.OFF_VARIABLE] = "1"
    done = subprocess.run(
        [sys.executable, "-c", LIVE_RELOAD, str(project / "site"), str(RELOADS), saved],
        cwd=project, env=env, check=True, capture_output=True, text=True,
    )  # fmt: skip
    return json.loads(done.stdout.strip().splitlines()[-1])


def main() -> bool:
    """Print the medians and ratios; False when the live-reload ratio is above TARGET.

    Warm: the macros' disk cache (handbook.build_cache) holds the captured payloads,
    as on every rebuild of `mkdocs serve`. Cold: the cache is emptied before each build, as
    on CI's first build; the examples, the doctor and the transcript then really run.
    """
    with tempfile.TemporaryDirectory() as tmp:
        real = copy_repo(Path(tmp) / "real")
        fixed = copy_repo(Path(tmp) / "fixed")
        (fixed / "macros.py").write_text(stub_source(), encoding="utf-8")
        build_seconds(real)  # warm the file system cache, the .pyc files and the macros cache
        build_seconds(fixed)
        times: dict[str, list[float]] = {"warm": [], "cold": [], "fixed": []}
        runs: dict[str, list[list[float]]] = {name: [] for name in RUNS}
        for _ in range(2):  # interleaved: all see the same machine load
            for name, (project, saved, cache) in RUNS.items():
                runs[name] += reload_seconds(real if project == "real" else fixed, saved, cache)
        for _ in range(ROUNDS):
            times["warm"].append(build_seconds(real))
            times["fixed"].append(build_seconds(fixed))
            shutil.rmtree(real / ".cache", ignore_errors=True)
            times["cold"].append(build_seconds(real))
    warm, cold, fixed_s = (statistics.median(times[k]) for k in ("warm", "cold", "fixed"))
    cpu = {name: statistics.median(t for t, _ in r) for name, r in runs.items()}
    own = {name: statistics.median(m for _, m in r) for name, r in runs.items()}
    live, live_fixed = cpu["page"], cpu["page, fixed"]
    print(f"live reload (CPU s, median of {2 * RELOADS}), after saving {PAGE_SAVE}:")
    print(f"  fixed values:                      {live_fixed:.2f}")
    print(f"  real macros:                       {live:.2f}  ratio {live / live_fixed:.2f}")
    print(
        f"  real macros, render cache off:     {cpu['page, no cache']:.2f}  ratio "
        f"{cpu['page, no cache'] / live_fixed:.2f} (every page converted again)"
    )
    # Where the difference goes: the macros' own work, or the longer pages they produce.
    extra, own_extra = live - live_fixed, own["page"] - own["page, fixed"]
    print(
        f"  of the {extra:.2f} CPU s more: {own_extra:.2f} in the plugins' on_config and "
        f"on_page_markdown (the macros' code: {own['page']:.2f} against "
        f"{own['page, fixed']:.2f}), {extra - own_extra:.2f} converting, indexing and theming"
    )
    runbook, runbook_fixed = cpu["runbook"], cpu["runbook, fixed"]
    print(f"live reload after saving {RUNBOOK_SAVE}:")
    print(f"  fixed values:                      {runbook_fixed:.2f}")
    print(
        f"  real macros:                       {runbook:.2f}  ratio {runbook / runbook_fixed:.2f}"
        f" (the macros' code: {own['runbook']:.2f})"
    )
    print(f"mkdocs build, fixed values:          {fixed_s:.2f} s (median of {ROUNDS})")
    print(f"mkdocs build, real macros, warm:     {warm:.2f} s  ratio {warm / fixed_s:.2f}")
    print(f"mkdocs build, real macros, cold:     {cold:.2f} s  ratio {cold / fixed_s:.2f}")
    print(
        f"target: live-reload ratio <= {TARGET} after either save (a rebuild under `mkdocs serve`)"
    )
    return max(live / live_fixed, runbook / runbook_fixed) <= TARGET


if __name__ == "__main__":
    sys.exit(0 if main() else 1)
