"""The commands as on-call runs them: from the built wheel, installed in a fresh virtualenv.

The wheel is built from a copy of the sources, installed in a new virtualenv under the
system's temporary directory (outside the checkout, no editable link, no PYTHONPATH), and
every `python -m korrigo_sentry` line the pages show runs from an empty working directory
against a loopback stand-in for Sentry. Then a matrix of commands x configurations records
each exit status and first line in artifacts/command-matrix.md.

`make field` runs this file alone; `make test` runs it as one of its stages.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from tests import loopback
from tests.doc_sources import korrigo_commands
from tests.field.wheel import CACHE, install

pytestmark = pytest.mark.field

ROOT = Path(__file__).resolve().parents[2]
ARTIFACT = ROOT / "artifacts" / "command-matrix.md"
KEY = "fieldPublicKey"
#: The runbooks and alert rules, read from the checkout: what the wheel must carry.
RUNBOOK_SLUGS = sorted(
    p.stem
    for p in (ROOT / "runbooks").glob("*.md")
    if not p.name.startswith("_")
    and any(
        line.startswith(("alert:", "symptom:"))
        for line in p.read_text(encoding="utf-8").split("\n---", 1)[0].splitlines()
    )
)
#: Commands run at once. Most of a run is waiting (send-test's timeouts, the 429 back-off),
#: so more of them than cores overlap those waits.
WORKERS = 8


@dataclass(frozen=True)
class Installed:
    python: Path
    cwd: Path
    wheel: Path


@dataclass(frozen=True)
class Run:
    status: int
    out: str
    err: str

    @property
    def first_line(self) -> str:
        lines = (self.out or self.err).strip().splitlines()
        return lines[0] if lines else ""


@pytest.fixture(scope="module")
def ingest() -> Iterator[int]:
    """Sentry's ingest endpoint: 200 to envelopes, 405 to a GET (doctor's ingest check);
    project 429 answers 429 with Sentry's rate-limit headers. Its own server: the module's
    commands share it, and a test's `httpserver` is emptied for each test."""
    limited = {
        "Retry-After": "60",
        "X-Sentry-Rate-Limits": "60:error;default:organization:usage_exceeded",
    }
    with loopback.server() as server:
        anywhere = re.compile(".*")
        server.expect_request(re.compile("/api/429/"), method="POST").respond_with_response(
            loopback.answer(429, {"detail": "no"}, **limited)
        )  # before the catch-all: the first expectation that matches answers
        server.expect_request(anywhere, method="POST").respond_with_response(
            loopback.answer(200, {"id": "0" * 32})
        )
        server.expect_request(anywhere, method="GET").respond_with_response(
            loopback.answer(405, {"detail": "no"})
        )
        yield server.port


@pytest.fixture(scope="module")
def installed(tmp_path_factory: pytest.TempPathFactory, wheel: Path) -> Installed:
    """The wheel (built from a copy of the sources, tests/field/conftest.py) installed in a
    fresh virtualenv."""
    base = tmp_path_factory.mktemp("field")
    assert not base.resolve().is_relative_to(ROOT)
    python = install(wheel, base / "venv")
    work = base / "work"
    work.mkdir()
    return Installed(python, work, wheel)


def _check(args: list[str], cwd: Path | None = None) -> Run:
    done = subprocess.run(args, cwd=cwd, capture_output=True, text=True, check=False)
    assert done.returncode == 0, done.stdout + done.stderr
    return Run(done.returncode, done.stdout, done.stderr)


_RUNS: dict[tuple[Any, ...], Run] = {}


def run(installed: Installed, args: list[str] | tuple[str, ...], env: dict[str, str]) -> Run:
    """`python -m korrigo_sentry ARGS` from the virtualenv, in an empty directory (each
    command and environment once: the tests below share the runs)."""
    key = (installed.python, tuple(args), tuple(sorted(env.items())))
    if key not in _RUNS:
        _RUNS[key] = _run(installed, args, env)
    return _RUNS[key]


def _run(installed: Installed, args: list[str] | tuple[str, ...], env: dict[str, str]) -> Run:
    base = {k: os.environ[k] for k in ("PATH", "HOME", "LANG", "TMPDIR") if k in os.environ}
    done = subprocess.run(
        [str(installed.python), "-m", "korrigo_sentry", *args],
        cwd=installed.cwd,
        env={**base, "PYTHONDONTWRITEBYTECODE": "1", **env},
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    result = Run(done.returncode, done.stdout, done.stderr)
    assert "Traceback" not in result.out + result.err, result.err
    assert KEY not in result.out + result.err
    return result


def healthy(port: int, project: str = "1") -> dict[str, str]:
    return {
        "SENTRY_DSN": f"http://{KEY}@127.0.0.1:{port}/{project}",
        "SENTRY_ENVIRONMENT": "production",
        "GIT_COMMIT_SHA": "01c1541",
    }


def page_commands() -> list[tuple[str, ...]]:
    """Every `python -m korrigo_sentry` line of the pages (docs/ and runbooks/), as args."""
    found = {tuple(args) for under in ("docs", "runbooks") for _, args in korrigo_commands(under)}
    return sorted(found)


def test_the_package_runs_from_the_virtualenv_not_the_checkout(installed: Installed) -> None:
    where = "import korrigo_sentry; print(korrigo_sentry.__file__)"
    done = _check([str(installed.python), "-c", where], cwd=installed.cwd)
    location = Path(done.out.strip())
    assert location.is_relative_to(installed.python.parent.parent)
    assert (location.parent / "_handbook" / "runbooks").is_dir()


def test_nothing_of_the_checkout_is_importable_but_the_cached_dependencies(
    installed: Installed,
) -> None:
    """The dependencies come from .cache/field-deps/ (a .pth line); nothing else of the
    checkout is on the path, and that cache holds no copy of the package."""
    show = "import json, sys; print(json.dumps(sys.path))"
    paths = [Path(p) for p in json.loads(_check([str(installed.python), "-c", show]).out) if p]
    inside = [p for p in paths if p.resolve().is_relative_to(ROOT)]
    assert inside, "the cached dependencies are not on the path"
    assert all(p.resolve().is_relative_to(CACHE) for p in inside), inside
    for entry in inside:
        assert not (entry / "korrigo_sentry").exists()
        assert not list(entry.glob("korrigo_sentry*"))
    checkout = "import tests.field"
    done = subprocess.run(
        [str(installed.python), "-c", checkout], cwd=installed.cwd, capture_output=True, check=False
    )
    assert done.returncode != 0


def test_the_pages_show_the_commands_on_call_needs() -> None:
    shown = {args[0] for args in page_commands()}
    assert {"doctor", "send-test", "check", "runbook", "alerts"} <= shown


def test_every_command_the_pages_show_works_from_the_wheel(
    installed: Installed, ingest: int
) -> None:
    env = healthy(ingest)
    commands = page_commands()
    with ThreadPoolExecutor(max_workers=WORKERS) as pool:
        runs = dict(
            zip(commands, pool.map(lambda a: run(installed, a, env), commands), strict=True)
        )
    for args, result in runs.items():
        assert result.status == 0, (args, result.out, result.err)
        _assert_key_lines(args, result)


def _assert_key_lines(args: tuple[str, ...], result: Run) -> None:
    lines = result.out.strip().splitlines()
    if "--json" in args and "--output" not in args:
        document = json.loads(result.out)
        assert document["schema_version"] == 1
        names = {"runbook": "runbook --list" if "--list" in args else "runbook"}
        names["check"] = "check --list" if "--list" in args else "check"
        names["alerts"] = f"alerts {args[1]}"
        assert document["command"] == names.get(args[0], args[0])
    elif args[0] == "doctor":
        assert lines[-1] == "Sentry configuration OK"
    elif args[0] == "send-test":
        assert lines[-1] == "Both events were accepted."
    elif args[:2] == ("runbook", "--list"):
        assert sorted(line.split()[0] for line in lines) == RUNBOOK_SLUGS
    elif args[0] == "runbook" and "--read" in args:
        assert lines[0].startswith("# ")
        assert "{{" not in result.out
    elif args[0] in ("runbook", "check"):
        assert lines[0].startswith("OK: ")
        assert lines[0].endswith(" checks passed")
    elif args[:2] == ("alerts", "export") and "--format" in args:
        assert isinstance(json.loads(result.out), list)


#: Runbooks whose checks need Korrigo itself (its backend on localhost:8000), which this
#: machine does not run: from the wheel they must pass their first step, fail the one that
#: needs Korrigo and send the reader on; tests/runbooks/ passes them against a stand-in.
NEEDS_KORRIGO = {"korrigo-down": "check 2 of 4: Korrigo's web process answers"}


def test_every_runbook_passes_from_the_wheel_on_a_healthy_server(
    installed: Installed, ingest: int
) -> None:
    env = healthy(ingest)
    slugs = [slug for slug in RUNBOOK_SLUGS if slug not in NEEDS_KORRIGO]
    with ThreadPoolExecutor(max_workers=WORKERS) as pool:
        runs = list(pool.map(lambda s: run(installed, ("runbook", s), env), slugs))
    for slug, result in zip(slugs, runs, strict=True):
        assert result.status == 0, (slug, result.out)
        assert result.out.startswith(f"OK: {slug}, ")


def test_a_runbook_that_needs_korrigo_says_which_step_and_where_to_go_without_it(
    installed: Installed, ingest: int
) -> None:
    for slug, failing in NEEDS_KORRIGO.items():
        result = run(installed, ("runbook", slug), healthy(ingest))
        assert result.status == 1, (slug, result.out)
        assert result.out.startswith(f"FAILED: {slug}, {failing}")
        assert "[1/4] OK      rule:" in result.out
        assert f"runbooks/{slug}/#" in result.out
        assert f"(offline: python -m korrigo_sentry runbook {slug} --read)" in result.out


def test_alerts_export_output_to_an_unwritable_path(installed: Installed, ingest: int) -> None:
    target = installed.cwd / "no-such-folder" / "alerts.json"
    result = run(installed, ("alerts", "export", "--output", str(target)), healthy(ingest))

    assert result.status == 3
    assert result.err.strip().splitlines()[-1] == (
        f"error: cannot write {target}: No such file or directory; "
        "choose a writable path for --output"
    )


#: Configurations on-call meets, by name: (environment, what they stand for).
def cases(port: int, refused_port: int) -> dict[str, dict[str, str]]:
    good = healthy(port)
    return {
        "healthy": good,
        "no DSN": {"SENTRY_ENVIRONMENT": "production"},
        "DSN, no environment": {k: v for k, v in good.items() if k != "SENTRY_ENVIRONMENT"},
        "DSN in quotes": {**good, "SENTRY_DSN": f'"{good["SENTRY_DSN"]}"'},
        "bad traces rate": {**good, "SENTRY_TRACES_SAMPLE_RATE": "lots"},
        "environment prodd": {**good, "SENTRY_ENVIRONMENT": "prodd"},
        "Sentry refuses connections": healthy(refused_port),
        "Sentry rate limits (429)": healthy(port, project="429"),
    }


#: The commands that read the configuration (runbook --list and alerts do not: the pages'
#: commands above run them).
MATRIX_COMMANDS: tuple[tuple[str, ...], ...] = (
    ("doctor",),
    ("send-test", "--timeout", "5"),
    ("runbook", "sentry-not-capturing-errors"),
    ("check", "quota-exhausted"),
)
#: case -> exit status of each matrix command, written from what on-call should get.
EXPECTED = {
    "healthy": (0, 0, 0, 0),
    # 20: a configuration error (2 is a usage error). The quota runbook's steps look at
    # what this process would spend: without a DSN, nothing, so they pass.
    "no DSN": (1, 20, 1, 0),
    "DSN, no environment": (1, 0, 1, 1),  # sent as production, with a warning
    "DSN in quotes": (1, 20, 1, 0),
    "bad traces rate": (1, 0, 0, 0),  # send-test still sends; no step reads that rate...
    # ...but a misspelt environment fails the quota runbook (issue 23)
    "environment prodd": (1, 0, 1, 1),
    # doctor's ingest check, send-test and the not-capturing runbook's last step see the
    # network; the quota runbook's steps read the configuration only.
    "Sentry refuses connections": (1, 4, 1, 0),
    # The key is good (doctor warns), but events are refused now: not capturing.
    "Sentry rate limits (429)": (0, 13, 1, 0),
}


def test_command_matrix(installed: Installed, ingest: int) -> None:
    import socket

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        refused_port = probe.getsockname()[1]
    named = cases(ingest, refused_port)
    jobs = [(case, args) for case in named for args in MATRIX_COMMANDS]
    with ThreadPoolExecutor(max_workers=WORKERS) as pool:
        results = list(pool.map(lambda job: run(installed, job[1], named[job[0]]), jobs))
    table = dict(zip(jobs, results, strict=True))
    _write_matrix(installed, table)
    got = {case: tuple(table[(case, args)].status for args in MATRIX_COMMANDS) for case in named}
    assert got == EXPECTED


def _write_matrix(installed: Installed, table: dict[Any, Run]) -> None:
    size = installed.wheel.stat().st_size
    lines = [
        "# Command matrix, from the installed wheel",
        "",
        f"Wheel: `{installed.wheel.name}`, {size / 1024:.0f} KiB. Each cell: exit status, "
        "then the first line printed (stdout, else stderr).",
        "",
        "| Command | Case | Exit | First line | First problem (✗ or FAILED) |",
        "|---|---|---|---|---|",
    ]
    for (case, args), result in table.items():
        first = result.first_line.replace("|", "\\|")
        problem = next(
            (
                line
                for line in (result.out + result.err).splitlines()
                if line.startswith("✗") or "FAILED" in line
            ),
            "",
        ).replace("|", "\\|")
        lines.append(f"| `{' '.join(args)}` | {case} | {result.status} | {first} | {problem} |")
    ARTIFACT.parent.mkdir(exist_ok=True)
    ARTIFACT.write_text("\n".join(lines) + "\n", encoding="utf-8")


#: What the `check` command answers from the wheel, for the failures it exists to catch:
#: (case, argv, environment change, exit status, first line). The first line is the verdict.
def check_cases(port: int, refused_port: int) -> list[tuple[str, tuple[str, ...], dict, int, str]]:
    good = healthy(port)
    down = healthy(refused_port)
    slug = "sentry-not-capturing-errors"
    return [
        ("healthy", ("check", slug), good, 0, f"OK: {slug}, 5 of 5 checks passed"),
        (
            "no DSN",
            ("check", slug),
            {"SENTRY_ENVIRONMENT": "production"},
            1,
            f"FAILED: {slug}, check 1 of 5: The SDK has a DSN.",
        ),
        (
            "ingest down",
            ("check", slug),
            down,
            1,
            f"FAILED: {slug}, check 5 of 5: Sentry takes this DSN's key, from here.",
        ),
        (
            "environment prodd",
            ("check", "quota-exhausted"),
            {**good, "SENTRY_ENVIRONMENT": "prodd"},
            1,
            "FAILED: quota-exhausted, check 1 of 3: This process reports the environment it "
            "runs in.",
        ),
        (
            "one step",
            ("check", slug, "ingest"),
            good,
            0,
            f"OK: {slug}, 1 of 1 checks passed",
        ),
        (
            "unknown runbook",
            ("check", "no-such-runbook"),
            good,
            2,
            "error: no runbook 'no-such-runbook'; known: celery-failures-not-reported, "
            "critical-errors, high-error-rate, korrigo-down, missing-release-or-environment, "
            "performance-data-missing, performance-degradation, quota-exhausted, "
            "sensitive-data-in-event, sentry-not-capturing-errors",
        ),
        (
            "unknown step",
            ("check", slug, "nope"),
            good,
            2,
            f"error: runbook '{slug}' has no step 'nope'; its steps: dsn, client, sample-rate, "
            "environment, ingest",
        ),
        (
            "timeout 0",
            ("check", slug, "--timeout", "0"),
            good,
            2,
            "error: python -m korrigo_sentry check: argument --timeout: 0 is out of range: "
            "give seconds above 0, at most 300 (see python -m korrigo_sentry check --help)",
        ),
        ("read offline", ("runbook", slug, "--read"), {}, 0, "# Sentry is not capturing errors"),
        (
            "read an unknown runbook",
            ("runbook", "nope", "--read"),
            {},
            2,
            "error: no runbook 'nope'; known: celery-failures-not-reported, critical-errors, "
            "high-error-rate, korrigo-down, missing-release-or-environment, "
            "performance-data-missing, performance-degradation, quota-exhausted, "
            "sensitive-data-in-event, sentry-not-capturing-errors",
        ),
    ]


def test_check_from_the_wheel_says_its_verdict_first(installed: Installed, ingest: int) -> None:
    import socket

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        refused_port = probe.getsockname()[1]
    cases = check_cases(ingest, refused_port)
    with ThreadPoolExecutor(max_workers=WORKERS) as pool:
        results = list(pool.map(lambda case: run(installed, case[1], case[2]), cases))
    lines = ["| Case | Command | Exit | First line |", "|---|---|---|---|"]
    got, expected = [], []
    for (name, args, _, status, first), result in zip(cases, results, strict=True):
        lines.append(f"| {name} | `{' '.join(args)}` | {result.status} | {result.first_line} |")
        got.append((name, result.status, result.first_line))
        expected.append((name, status, first))
    ARTIFACT.parent.mkdir(exist_ok=True)
    (ARTIFACT.parent / "check-matrix.md").write_text("\n".join(lines) + "\n", encoding="utf-8")
    assert got == expected
    read = results[[c[0] for c in cases].index("read offline")]
    assert "{{" not in read.out
    assert "python -m korrigo_sentry check sentry-not-capturing-errors" in read.out
