"""`make build`, the target CI's deploy job runs, refuses a broken handbook.

tests/test_site_strict.py calls mkdocs itself; this runs the Makefile target, so the flags
the target passes are under test too (`--quiet` once hid every warning from `--strict`).
Each test breaks one thing in a copy of the repository and runs `make build` there with
this checkout's virtualenv.
"""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import pytest

from tests.test_site_support import ROOT, copy_repo

pytestmark = pytest.mark.slow

VENV = ROOT / ".venv"


@pytest.fixture
def project(tmp_path: Path) -> Path:
    copy = copy_repo(tmp_path / "handbook")
    for name in ("Makefile", "pyproject.toml"):
        shutil.copy2(ROOT / name, copy / name)
    return copy


def make_build(project: Path) -> subprocess.CompletedProcess[str]:
    """`make build` in `project`, its code first on the path, into a site of its own."""
    env = {**os.environ, "PYTHONPATH": str(project)}
    env.pop("SENTRY_DSN", None)
    # -o: the virtualenv is this checkout's, already installed; never reinstall it.
    command = ["make", "--no-print-directory", "-o", str(VENV / ".installed"), "build"]
    return subprocess.run(
        [*command, f"VENV={VENV}", f"SITE={project / 'site'}"],
        cwd=project,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )


def _append(path: Path, text: str) -> None:
    path.write_text(path.read_text(encoding="utf-8") + "\n" + text + "\n", encoding="utf-8")


def test_the_intact_copy_builds(project: Path) -> None:
    """The breakages below are what fails the build, not the copy or the command."""
    result = make_build(project)
    assert result.returncode == 0, result.stdout + result.stderr
    assert (project / "site" / "index.html").is_file()


@pytest.mark.parametrize(
    ("broken", "named"),
    [
        ("See [the missing page](no-such-page.md).", "no-such-page.md"),
        ("See [privacy](reference/privacy.md#no-such-anchor).", "no-such-anchor"),
        ("See [the alerts](/reference/alerts/).", "/reference/alerts/"),
        ("The rate is {{ no_such_variable }}.", "no_such_variable"),
    ],
    ids=["broken-link", "missing-anchor", "absolute-link", "undefined-variable"],
)
def test_make_build_fails_on_a_broken_page(project: Path, broken: str, named: str) -> None:
    _append(project / "docs" / "index.md", broken)
    result = make_build(project)
    output = result.stdout + result.stderr
    assert result.returncode != 0, output
    assert named in output
