"""`python -m tools.korrigo_check KORRIGO`: see tools/korrigo_check/__init__.py.

Exit status: 0 the suite passed and nothing leaked; 1 a personal value was found in an
envelope or the suite failed; 2 KORRIGO is not a Korrigo checkout (or a step could not run).
"""

from __future__ import annotations

import argparse
import hashlib
import json
import shutil
import subprocess
import sys
import tempfile
import xml.etree.ElementTree as ElementTree
from pathlib import Path

from tools import adopt_korrigo
from tools.korrigo_check.leaks import MIN_LENGTH, envelopes, item_types, search

ROOT = Path(__file__).resolve().parents[2]
CACHE = ROOT / ".cache" / "korrigo-check"
ARTIFACT = ROOT / "artifacts" / "korrigo-check.json"
#: Not copied: the front end, git data and local virtualenvs are not the backend's suite.
IGNORED = shutil.ignore_patterns(".git", "frontend", "node_modules", ".venv", "venv", "*.pyc")


class StepFailed(Exception):
    """A step (copy, install, build) could not run: one sentence."""


def _run(args: list[str], cwd: Path | None = None, **kwargs: object) -> None:
    done = subprocess.run(args, cwd=cwd, capture_output=True, text=True, check=False, **kwargs)  # type: ignore[call-overload]
    if done.returncode != 0:
        tail = "\n".join((done.stdout + done.stderr).strip().splitlines()[-15:])
        raise StepFailed(f"{' '.join(args[:4])}... failed (exit {done.returncode}):\n{tail}")


def build_wheel(work: Path) -> Path:
    """This package's wheel, built from a copy of its sources (the checkout stays clean)."""
    src = work / "src"
    src.mkdir()
    for name in ("pyproject.toml", "setup.py", "mkdocs.yml"):  # setup.py packs the runbooks
        shutil.copy(ROOT / name, src)
    for folder in ("korrigo_sentry", "runbooks"):
        shutil.copytree(ROOT / folder, src / folder, ignore=IGNORED)
    pip = [sys.executable, "-m", "pip"]
    _run([*pip, "wheel", "-q", "--no-deps", "--no-build-isolation", "-w", str(work / "dist"),
          str(src)])  # fmt: skip
    return next((work / "dist").glob("korrigo_sentry-*.whl"))


def venv_for(requirements: Path, wheel: Path) -> Path:
    """A virtualenv with Korrigo's requirements (made once per requirements text, under
    .cache/korrigo-check/) and this wheel installed fresh; its python."""
    key = hashlib.sha256(requirements.read_bytes() + sys.version.encode()).hexdigest()[:12]
    venv = CACHE / f"venv-{key}"
    python = venv / "bin" / "python"
    if not python.exists():
        shutil.rmtree(venv, ignore_errors=True)
        _run([sys.executable, "-m", "venv", str(venv)])
        _run([str(python), "-m", "pip", "install", "-q", "--find-links", str(wheel.parent),
              "-r", str(requirements)])  # fmt: skip
    _run([str(python), "-m", "pip", "install", "-q", "--force-reinstall", "--no-deps",
          str(wheel)])  # fmt: skip
    return python


def application_code(backend: Path) -> bytes:
    """Korrigo's application source: its Django apps' modules (folders with __init__.py),
    without tests, migrations, management commands (seeders) or conftest.py, whose
    fixtures and seeds hold the very values the run records."""
    parts = []
    for path in sorted(backend.rglob("*.py")):
        rel = path.relative_to(backend).parts
        if len(rel) < 2 or not (backend / rel[0] / "__init__.py").exists():
            continue  # top-level scripts (seeds, checks) and scripts/
        if {"tests", "migrations", "management"} & set(rel[:-1]):
            continue
        if rel[-1].startswith("test_") or rel[-1] == "conftest.py":
            continue
        parts.append(path.read_bytes())
    return b"\n".join(parts)


def junit_counts(path: Path) -> dict[str, int]:
    """tests, failures, errors, skipped from pytest's JUnit XML (0s when there is none)."""
    if not path.exists():
        return {"tests": 0, "failures": 0, "errors": 0, "skipped": 0}
    root = ElementTree.parse(path).getroot()
    suite = root if root.tag == "testsuite" else root[0]
    return {k: int(suite.get(k, 0)) for k in ("tests", "failures", "errors", "skipped")}


def check(korrigo: Path, keep: bool = False) -> dict[str, object]:
    """The whole run; returns the figures written to artifacts/korrigo-check.json."""
    if not (korrigo / "backend" / "requirements.txt").is_file():
        raise StepFailed(f"{korrigo}: no backend/requirements.txt: name a Korrigo checkout's root")
    CACHE.mkdir(parents=True, exist_ok=True)
    work = Path(tempfile.mkdtemp(prefix="korrigo-check-"))
    try:
        copy = work / "korrigo"
        shutil.copytree(korrigo, copy, ignore=IGNORED, symlinks=True)
        adopted = adopt_korrigo.adopt(copy)
        wheel = build_wheel(work)
        python = venv_for(copy / "backend" / "requirements.txt", wheel)
        out = work / "out"
        out.mkdir()
        plugin_dir = work / "plugin"
        plugin_dir.mkdir()
        shutil.copy(Path(__file__).with_name("plugin.py"), plugin_dir / "korrigo_check_plugin.py")
        env = {"PATH": "/usr/bin:/bin", "HOME": str(work), "LANG": "C.UTF-8",
               "PYTHONPATH": str(plugin_dir), "KORRIGO_CHECK_OUT": str(out),
               "PYTHONDONTWRITEBYTECODE": "1"}  # fmt: skip
        junit = out / "junit.xml"
        pytest = subprocess.run(
            [str(python), "-m", "pytest", "-q", "-p", "no:cacheprovider",
             "-p", "korrigo_check_plugin", f"--junitxml={junit}"],
            cwd=copy / "backend", env=env, capture_output=True, text=True, check=False,
        )  # fmt: skip
        (out / "pytest.log").write_text(pytest.stdout + pytest.stderr, encoding="utf-8")
        raw = envelopes(out / "envelopes.bin")
        values_file = out / "values.json"
        values = json.loads(values_file.read_text("utf-8")) if values_file.exists() else {}
        leaks = list(search(values, raw, application_code(copy / "backend")))
        counts = junit_counts(junit)
        return {
            "korrigo": str(korrigo),
            "adopted": adopted,
            "pytest_exit": pytest.returncode,
            "pytest_tail": (pytest.stdout + pytest.stderr).strip().splitlines()[-3:],
            "tests": counts["tests"],
            "passed": counts["tests"] - counts["failures"] - counts["errors"] - counts["skipped"],
            "failed": counts["failures"] + counts["errors"],
            "envelopes": len(raw),
            "items": item_types(raw),
            "recorded": {kind: len(found) for kind, found in values.items()},
            "searched": {k: sum(len(v) >= MIN_LENGTH for v in f) for k, f in values.items()},
            "leaked": {
                kind: len(
                    {
                        lk.value
                        for lk in leaks
                        if lk.kind == kind and not lk.in_code_only and not lk.ambiguous
                    }
                )
                for kind in values
            },
            "ambiguous": {
                kind: len({lk.value for lk in leaks if lk.kind == kind and lk.ambiguous})
                for kind in values
            },
            "in_code_only": {
                kind: len(
                    {lk.value for lk in leaks if lk.kind == kind}
                    - {lk.value for lk in leaks if lk.kind == kind and not lk.in_code_only}
                )
                for kind in values
            },
            "leaks": [lk.__dict__ for lk in leaks],
            "work": str(work) if keep else "",
        }
    finally:
        if not keep:
            shutil.rmtree(work, ignore_errors=True)


def report(figures: dict) -> str:  # type: ignore[type-arg]
    """The summary a maintainer reads (the full list is in the JSON artifact)."""
    items = figures["items"]
    lines = [
        f"korrigo-check: {figures['korrigo']}",
        f"  Korrigo's suite: {figures['tests']} tests, {figures['passed']} passed, "
        f"{figures['failed']} failed (pytest exit {figures['pytest_exit']})",
        f"  envelopes: {figures['envelopes']} ({items.get('event', 0)} events, "
        f"{items.get('transaction', 0)} transactions)",
    ]
    for kind, recorded in figures["recorded"].items():
        lines.append(
            f"  {kind}: {recorded} recorded, {figures['searched'][kind]} searched, "
            f"{figures['leaked'][kind]} leaked (apart: {figures['ambiguous'][kind]} also words of "
            f"Korrigo's code, {figures['in_code_only'][kind]} found in code only)"
        )
    seen = set()
    for leak in figures["leaks"]:
        if leak["in_code_only"] or leak["ambiguous"]:
            continue
        if (leak["kind"], leak["value"]) not in seen:
            seen.add((leak["kind"], leak["value"]))
            lines.append(f"  LEAK {leak['kind']} {leak['value']!r} ({leak['form']}): "
                         f"...{leak['context']}...")  # fmt: skip
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m tools.korrigo_check")
    parser.add_argument("korrigo", type=Path, help="a Korrigo checkout (its root folder)")
    parser.add_argument("--keep", action="store_true", help="keep the temporary copy")
    args = parser.parse_args(argv)
    try:
        figures = check(args.korrigo, keep=args.keep)
    except (StepFailed, adopt_korrigo.AnchorMissing, FileNotFoundError) as exc:
        print(f"korrigo-check: {exc}", file=sys.stderr)
        return 2
    ARTIFACT.parent.mkdir(exist_ok=True)
    ARTIFACT.write_text(json.dumps(figures, ensure_ascii=False, indent=1), encoding="utf-8")
    print(report(figures))
    print(f"  details: {ARTIFACT.relative_to(ROOT)}")
    leaked = sum(figures["leaked"].values())  # type: ignore[union-attr]
    return 0 if figures["pytest_exit"] == 0 and not leaked else 1


if __name__ == "__main__":
    sys.exit(main())
