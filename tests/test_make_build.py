"""`make build`, the target CI's deploy job runs, refuses a broken handbook.

This runs the Makefile target, so both the flags it passes (`--quiet` once hid every
warning from `--strict`) and mkdocs.yml's validation settings are under test. A build takes
seconds, so the breakages that mkdocs reports as warnings share one broken copy: strict mode
lists every warning, then aborts with their count, and that count proves nothing else in
the copy went wrong. An undefined macro variable is an error that stops the build at once:
it gets a copy of its own.
"""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

import pytest

from tests.test_site_support import ROOT, SITE_SOURCES, copy_sources

pytestmark = pytest.mark.slow

VENV = ROOT / ".venv"
#: Lines appended to docs/index.md -> what the warning must name.
WARNED = {
    "broken-link": ("See [the missing page](no-such-page.md).", "no-such-page.md"),
    "missing-anchor": ("See [privacy](reference/privacy.md#no-such-anchor).", "no-such-anchor"),
    "absolute-link": ("See [the alerts](/reference/alerts/).", "/reference/alerts/"),
}


def _copy(base: Path) -> Path:
    """What a build needs, and the Makefile with what it reads."""
    return copy_sources([*SITE_SOURCES, "Makefile", "pyproject.toml"], base / "handbook")


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


@pytest.fixture(scope="module")
def warned(tmp_path_factory: pytest.TempPathFactory) -> subprocess.CompletedProcess[str]:
    """`make build` on a copy with every warning-level breakage at once."""
    project = _copy(tmp_path_factory.mktemp("warned"))
    for line, _ in WARNED.values():
        _append(project / "docs" / "index.md", line)
    (project / "docs" / "orphan.md").write_text("# Orphan\n\nNot in the nav.\n", encoding="utf-8")
    return make_build(project)


def _warnings(result: subprocess.CompletedProcess[str]) -> list[str]:
    """mkdocs' warnings, each with its indented continuation lines (the orphan list)."""
    found: list[str] = []
    continuing = False
    for line in (result.stdout + result.stderr).splitlines():
        if line.startswith("WARNING"):
            found.append(line)
            continuing = True
        elif continuing and line.startswith(" "):
            found[-1] += "\n" + line
        else:
            continuing = False
    return found


@pytest.mark.parametrize("breakage", [*WARNED, "page-left-out-of-the-nav"])
def test_make_build_names_each_broken_thing(
    warned: subprocess.CompletedProcess[str], breakage: str
) -> None:
    named = WARNED[breakage][1] if breakage in WARNED else "orphan.md"
    assert any(named in line for line in _warnings(warned)), warned.stdout + warned.stderr


def test_make_build_fails_on_those_warnings_and_on_nothing_else(
    warned: subprocess.CompletedProcess[str],
) -> None:
    output = warned.stdout + warned.stderr
    assert warned.returncode != 0, output
    # mkdocs' own closing line: four planted breakages, four warnings, no other.
    assert "Aborted with 4 warnings in strict mode!" in output, output
    assert len(_warnings(warned)) == 4, _warnings(warned)


def test_make_build_fails_on_an_undefined_macro_variable(tmp_path: Path) -> None:
    project = _copy(tmp_path)
    _append(project / "docs" / "index.md", "The rate is {{ no_such_variable }}.")
    result = make_build(project)
    output = result.stdout + result.stderr
    assert result.returncode != 0, output
    assert "no_such_variable" in output
