"""Build the package's wheel and install it in a fresh virtualenv (field test and bench).

The wheel is built from a copy of the sources (so nothing is written into the checkout and
no stale `build/` is packed) with setuptools' PEP 517 hook, without build isolation so it
works offline. The wheel's declared dependencies are installed once into .cache/field-deps/
(keyed on the wheel's Requires-Dist and the Python version); each run makes a fresh
virtualenv outside the checkout that sees that directory through a .pth line and gets only
the freshly built wheel installed into it.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import subprocess
import sys
import sysconfig
import zipfile
from email.parser import Parser
from pathlib import Path

from tests.test_site_support import copy_sources

ROOT = Path(__file__).resolve().parents[2]
SOURCES = (
    "pyproject.toml",
    "setup.py",
    "mkdocs.yml",
    "runbooks",
    "korrigo_sentry",
    "macros.py",
    "handbook",
    "demo",
    "requirements.txt",
)
# The last four: the build step renders the runbooks with the site's macros (setup.py).
CACHE = ROOT / ".cache" / "field-deps"
BUILD = "import sys, setuptools.build_meta as backend; print(backend.build_wheel(sys.argv[1]))"


def _check(args: list[str], cwd: Path | None = None) -> str:
    done = subprocess.run(args, cwd=cwd, capture_output=True, text=True, check=False)
    if done.returncode != 0:
        raise RuntimeError(f"{' '.join(args)} failed:\n{done.stdout}{done.stderr}")
    return done.stdout


def build_wheel(base: Path) -> Path:
    """The wheel built from a copy of the sources under `base` (outside the checkout)."""
    src, dist = base / "src", base / "dist"
    copy_sources(SOURCES, src, "_handbook")
    built = _check([sys.executable, "-c", BUILD, str(dist)], cwd=src)
    return dist / built.strip().splitlines()[-1]


def requirements(wheel: Path) -> list[str]:
    """The wheel's declared dependencies (its METADATA's Requires-Dist lines, extras left out)."""
    with zipfile.ZipFile(wheel) as archive:
        name = next(n for n in archive.namelist() if n.endswith(".dist-info/METADATA"))
        metadata = Parser().parsestr(archive.read(name).decode("utf-8"))
    return sorted(r for r in metadata.get_all("Requires-Dist", []) if "extra ==" not in r)


def dependencies(wheel: Path) -> Path:
    """A directory holding the wheel's dependencies (and nothing of this package), made once
    per set of declared dependencies and Python version under .cache/field-deps/."""
    wanted = requirements(wheel)
    key = "\n".join([sys.version, sysconfig.get_platform(), *wanted])
    target = CACHE / hashlib.sha256(key.encode()).hexdigest()[:16]
    if target.is_dir():
        return target
    # Installed beside, then renamed: a run cut short or a concurrent run never leaves half.
    partial = CACHE / f"{target.name}.{os.getpid()}.partial"
    shutil.rmtree(partial, ignore_errors=True)
    _check([sys.executable, "-m", "pip", "install", "-q", "--target", str(partial), *wanted])
    try:
        partial.rename(target)
    except OSError:  # another run finished first: use its copy
        shutil.rmtree(partial, ignore_errors=True)
    return target


def install(wheel: Path, venv: Path) -> Path:
    """A new virtualenv at `venv` with `wheel` installed; its python.

    The dependencies come from the cached directory (see `dependencies`) through a .pth
    line; the wheel itself is installed fresh with --no-index, so pip checks that every
    declared dependency is satisfied from that directory and fetches nothing.
    """
    deps = dependencies(wheel)
    _check([sys.executable, "-m", "venv", "--without-pip", str(venv)])
    python = venv / "bin" / "python"
    purelib = _check([str(python), "-c", "import sysconfig; print(sysconfig.get_path('purelib'))"])
    (Path(purelib.strip()) / "_field_deps.pth").write_text(f"{deps}\n", encoding="utf-8")
    pip = [sys.executable, "-m", "pip", "--python", str(python)]
    _check([*pip, "install", "-q", "--no-index", str(wheel)])
    return python
