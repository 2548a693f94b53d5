"""Build the package's wheel and install it in a fresh virtualenv (field test and bench).

The wheel is built from a copy of the sources (so nothing is written into the checkout and
no stale `build/` is packed) with setuptools' PEP 517 hook, without build isolation so it
works offline; the virtualenv gets the wheel and its declared dependencies from pip.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
SOURCES = ("pyproject.toml", "setup.py", "mkdocs.yml", "runbooks", "korrigo_sentry")
BUILD = "import sys, setuptools.build_meta as backend; print(backend.build_wheel(sys.argv[1]))"


def _check(args: list[str], cwd: Path | None = None) -> str:
    done = subprocess.run(args, cwd=cwd, capture_output=True, text=True, check=False)
    if done.returncode != 0:
        raise RuntimeError(f"{' '.join(args)} failed:\n{done.stdout}{done.stderr}")
    return done.stdout


def build_wheel(base: Path) -> Path:
    """The wheel built from a copy of the sources under `base` (outside the checkout)."""
    src, dist = base / "src", base / "dist"
    src.mkdir(parents=True)
    ignore = shutil.ignore_patterns("__pycache__", "_handbook", "*.pyc")
    for name in SOURCES:
        if (ROOT / name).is_dir():
            shutil.copytree(ROOT / name, src / name, ignore=ignore)
        else:
            shutil.copy2(ROOT / name, src / name)
    built = _check([sys.executable, "-c", BUILD, str(dist)], cwd=src)
    return dist / built.strip().splitlines()[-1]


def install(wheel: Path, venv: Path) -> Path:
    """A new virtualenv at `venv` with `wheel` installed; its python."""
    _check([sys.executable, "-m", "venv", "--without-pip", str(venv)])
    python = venv / "bin" / "python"
    _check([sys.executable, "-m", "pip", "--python", str(python), "install", "-q", str(wheel)])
    return python
