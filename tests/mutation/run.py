"""`make mutate`: mutation testing of korrigo_sentry and macros.py, module by module.

Why mutmut (3.x): it is maintained, pip-installable, needs no configuration server or
database (cosmic-ray needs a session file, a config per run and a separate runner), and it
records which tests reach each mutated function, so each mutant runs only those tests:
with two cores, a module's mutants run in seconds to minutes instead of hours.

Each module below is mutated on its own, with its own fast test files, in a copy of the
repository under .cache/mutation/<module>/ (mutmut is configured per run through a
setup.cfg written there: the working tree is never touched). The report goes to
artifacts/mutation-report.md; the score table of tests/mutation/README.md is updated for
the modules that ran. An equivalent mutant is not made at all: its line carries
`# pragma: no mutate (why)`, which mutmut honours. tests/mutation/accepted.toml, which listed
them by mutmut's number (numbers that change with any edit of the function), is empty since
issue 24; the score leaves a listed one out:

    score = killed / (mutants - accepted survivors)

Each module's score is tracked: tests/mutation/baseline.toml holds the last score committed
for it, and a run that scores a module below its baseline fails, naming it. A module without
a baseline must reach --min-score. `--update-baseline` writes the scores of the modules that
ran (commit it with the tests or the pragmas that moved it).

Usage: python -m tests.mutation.run [MODULE ...] [--min-score 90] [--jobs 2] [--update-baseline]
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import subprocess
import sys
import time
import tomllib
from dataclasses import dataclass, field
from pathlib import Path

from tests.test_site_support import copy_sources

ROOT = Path(__file__).resolve().parents[2]
HERE = Path(__file__).resolve().parent
WORK = ROOT / ".cache" / "mutation"
REPORT = ROOT / "artifacts" / "mutation-report.md"
SUMMARY = HERE / "README.md"
ACCEPTED = HERE / "accepted.toml"
BASELINE = HERE / "baseline.toml"
#: What a copy needs for the tests to run (docs and runbooks: the wording tests read them).
COPIED = ("korrigo_sentry", "handbook", "demo", "tools", "macros.py", "tests", "conftest.py",
          "pyproject.toml", "docs", "runbooks", "mkdocs.yml", "requirements.txt",
          "overrides")  # fmt: skip

#: Module -> (files mutated, test files run against them). Globs; a missing file is skipped,
#: so the map also holds the files other branches are adding (privacy/, facts...).
MODULES: dict[str, tuple[tuple[str, ...], tuple[str, ...]]] = {
    "sampling": (
        ("korrigo_sentry/sampling.py",),
        ("tests/test_sampling.py", "tests/test_demo_performance.py"),
    ),
    "build_cache": (("handbook/build_cache.py",), ("tests/test_build_cache.py",)),
    "macros": (
        ("macros.py",),
        (
            "tests/test_macros.py",
            "tests/test_macros_wording.py",
            "tests/test_macros_registration.py",
            "tests/test_no_hand_typed_values.py",
        ),
    ),
    "config": (
        ("korrigo_sentry/config.py", "korrigo_sentry/dsn.py"),
        ("tests/test_config*.py", "tests/test_relay_release.py", "tests/test_django_env.py"),
    ),
    "testing": (
        ("korrigo_sentry/testing/__init__.py",),
        ("tests/test_testing.py", "tests/test_relay_floor.py", "tests/test_relay_ingest.py"),
    ),
    "doctor": (
        ("korrigo_sentry/oncall/doctor.py",),
        (
            "tests/test_cli_doctor.py",
            "tests/test_cli_json.py",
            "tests/test_doctor_ingest.py",
            "tests/test_doctor_sources.py",
        ),
    ),
    "alerts": (("korrigo_sentry/alerts/*.py",), ("tests/test_alerts_*.py",)),
    "privacy": (
        (
            "korrigo_sentry/privacy/*.py",
            "korrigo_sentry/sdk_init.py",
        ),
        (
            "tests/privacy/test_rules.py",
            "tests/privacy/test_pipeline.py",
            "tests/privacy/test_unit_*.py",  # focused tests per event part and per rule
            "tests/privacy/test_frame_locals.py",  # frame_locals.shape: literal outputs
            "tests/privacy/test_detectors_audit.py",  # the audit's IBANs, cards, URL params
            # Not test_fuzz.py, test_project_scrubbing.py: their session fixture plants every
            # fuzz place through the SDK (about 5 s) and reaches every function, so each
            # surviving mutant would pay it; test_unit_* check the same places one by one.
            # Not test_property_any_value.py: Hypothesis, as test_scrubbing_property below;
            # nor test_email_starts_property.py (400 drawn texts a run, paid by each surviving
            # mutant; test_unit_email_starts.py holds the written-out cases that kill them).
            # Not tests/test_scrubbing_property.py: Hypothesis draws string constants from the
            # local sources, which in the mutated copy include mutmut's own names
            # (`x_install__mutmut_1`); the SDK sends the mutated file's source lines, so the
            # property fails on those names with no real leak (false kills, or a failed
            # clean run). It still runs in `make unit`; test_unit_* cover what it did here.
            "tests/test_demo_privacy.py",
            "tests/test_relay_floor.py",  # parity.relay_filter against Relay's default scrub
            "tests/test_config.py",  # init_sentry: the options sdk_init gives the SDK
        ),
    ),
    # The lint command's checker (issue 24): personal values formatted into messages.
    "lint": (("korrigo_sentry/lint/messages.py",), ("tests/test_lint.py",)),
    # The on-call library (issue 25). Equivalent mutants of these modules are marked at
    # their line (`# pragma: no mutate`, with the reason), not listed in accepted.toml.
    "oncall": (
        ("korrigo_sentry/oncall/where.py",),
        ("tests/test_oncall_where.py", "tests/test_runbook_layout.py"),
    ),
    "facts": (
        ("korrigo_sentry/oncall/facts.py",),
        ("tests/test_facts.py", "tests/test_facts_schema.py"),
    ),
    "facts_check": (
        ("tools/facts_check.py",),
        ("tests/test_facts_check.py", "tests/test_facts_check_unit.py"),
    ),
    "runbooks": (
        ("korrigo_sentry/oncall/runbooks.py",),
        (
            "tests/test_runbook_command.py",
            "tests/test_runbook_template.py",
            "tests/test_runbook_table.py",
            "tests/test_runbooks_library.py",
            "tests/test_macros_registration.py",  # define_macros: the runbook macros by name
        ),
    ),
    "delivery": (
        ("korrigo_sentry/oncall/delivery.py",),
        (
            "tests/test_send_test.py",
            "tests/test_cli_doctor.py",
            "tests/test_delivery.py",
            "tests/test_delivery_probe.py",
        ),
    ),
}
#: Mutant names look like `korrigo_sentry.sampling.x_is_never_traced__mutmut_11`.
MUTANT_NAME = re.compile(r"^[\w.]+__mutmut_\d+$")
#: mutmut's statuses counted as killed: a test failed, or the mutant hung or crashed it.
KILLED = {"killed", "timeout", "segfault", "caught by type check"}


@dataclass
class Result:
    """One module's run."""

    module: str
    seconds: float
    statuses: dict[str, str] = field(default_factory=dict)  # mutant -> mutmut status
    diffs: dict[str, str] = field(default_factory=dict)  # surviving mutant -> its diff

    def killed(self) -> int:
        return sum(status in KILLED for status in self.statuses.values())

    def survivors(self) -> list[str]:
        return sorted(m for m, status in self.statuses.items() if status not in KILLED)

    def score(self, accepted: dict[str, str]) -> float:
        counted = len(self.statuses) - sum(m in accepted for m in self.survivors())
        return 100.0 * self.killed() / counted if counted else 100.0


def _expand(patterns: tuple[str, ...]) -> list[str]:
    return sorted({str(p.relative_to(ROOT)) for pattern in patterns for p in ROOT.glob(pattern)})


def _copy(work: Path) -> None:
    shutil.rmtree(work, ignore_errors=True)
    copy_sources(COPIED, work, "mutation")


def _setup_cfg(mutated: list[str], tests: list[str]) -> str:
    """mutmut's configuration for one module (mutmut reads setup.cfg's [mutmut] section)."""

    def lines(values: list[str]) -> str:
        return "".join(f"\n    {value}" for value in values)

    sources = ["korrigo_sentry", "handbook", "tools", "macros.py"]
    also = [n for n in COPIED if n not in (*sources, "tests")]
    return (
        "[mutmut]\n"
        f"source_paths ={lines(sources)}\n"
        f"only_mutate ={lines(mutated)}\n"
        f"pytest_add_cli_args_test_selection ={lines(tests)}\n"
        f"also_copy ={lines(also)}\n"
    )


def run_module(module: str, jobs: int, *, rerun: bool = True) -> Result | None:
    """Run mutmut over one module; None when none of its files exists on this branch.

    `rerun=False` reads the last run's results again (after editing accepted.toml).
    """
    mutated, tests = (_expand(patterns) for patterns in MODULES[module])
    if not mutated or not tests:
        print(f"{module}: skipped (files: {mutated or 'none'}, tests: {tests or 'none'})")
        return None
    work = WORK / module
    if not rerun:
        return _results(module, work, float((work / "seconds").read_text()))
    _copy(work)
    (work / "setup.cfg").write_text(_setup_cfg(mutated, tests), encoding="utf-8")
    mutmut = [sys.executable, "-m", "mutmut"]
    env = {**os.environ, "PYTHONDONTWRITEBYTECODE": "1"}
    env.pop("SENTRY_DSN", None)
    print(f"{module}: mutating {', '.join(mutated)} against {', '.join(tests)}", flush=True)
    started = time.monotonic()
    with open(work / "mutmut.log", "w", encoding="utf-8") as log:
        subprocess.run(
            [*mutmut, "run", "--max-children", str(jobs)],
            cwd=work,
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
            check=False,
        )
    seconds = time.monotonic() - started
    (work / "seconds").write_text(f"{seconds:.1f}")
    return _results(module, work, seconds)


def _results(module: str, work: Path, seconds: float) -> Result:
    """The statuses mutmut recorded in `work`, and the diff of each survivor."""
    from mutmut.stats import status_by_exit_code

    result = Result(module, seconds)
    env = {**os.environ, "PYTHONDONTWRITEBYTECODE": "1"}
    for meta in (work / "mutants").rglob("*.meta"):
        codes = json.loads(meta.read_text(encoding="utf-8")).get("exit_code_by_key", {})
        for mutant, code in codes.items():
            result.statuses[mutant] = status_by_exit_code[code]
    if not result.statuses:
        tail = (work / "mutmut.log").read_text(encoding="utf-8")[-3000:]
        raise SystemExit(f"{module}: mutmut produced no mutant; its log ends with:\n{tail}")
    # One process for every survivor's diff (`mutmut show` would start one per survivor).
    shown = subprocess.run(
        [sys.executable, "-c", _DIFFS],
        cwd=work,
        env=env,
        input=json.dumps(result.survivors()),
        capture_output=True,
        text=True,
        check=True,
    )
    result.diffs = json.loads(shown.stdout)
    return result


_DIFFS = """
import json, sys
from mutmut.mutation.diff_apply import get_diff_for_mutant
json.dump({name: get_diff_for_mutant(name).strip() for name in json.load(sys.stdin)}, sys.stdout)
"""


def load_accepted() -> dict[str, str]:
    """Survivors judged equivalent or accepted: mutant name -> why (each name checked)."""
    accepted = {name: entry["why"] for name, entry in tomllib.loads(ACCEPTED.read_text()).items()}
    malformed = [name for name, why in accepted.items() if not MUTANT_NAME.match(name) or not why]
    if malformed:
        raise SystemExit(f"{ACCEPTED.name}: not a mutant name, or no reason: {malformed}")
    return accepted


def load_baseline(path: Path = BASELINE) -> dict[str, float]:
    """Module -> the score (percent) it must not drop below."""
    if not path.exists():
        return {}
    scores = tomllib.loads(path.read_text(encoding="utf-8")).get("scores", {})
    wrong = [m for m, v in scores.items() if m not in MODULES or not isinstance(v, int | float)]
    if wrong:
        raise SystemExit(f"{path.name}: not a module of MODULES, or not a number: {wrong}")
    return {m: float(v) for m, v in scores.items()}


def write_baseline(scores: dict[str, float], path: Path = BASELINE) -> None:
    """The scores, one module a line, in MODULES order (rounded down to 0.1: never above)."""
    lines = [
        "# The mutation score each module must keep (`make mutate` fails below it).",
        "# Written by `python -m tests.mutation.run MODULE --update-baseline`; see README.md.",
        "[scores]",
        *(f"{m} = {int(scores[m] * 10) / 10:.1f}" for m in MODULES if m in scores),
    ]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")


def verdicts(results: list[Result], accepted: dict[str, str], baseline: dict[str, float],
             min_score: float) -> tuple[list[str], list[str]]:  # fmt: skip
    """One line per module (its score against what it must keep), and the modules below it."""
    lines, low = [], []
    for result in results:
        score = result.score(accepted)
        floor = baseline.get(result.module, min_score)
        source = "baseline" if result.module in baseline else "minimum"
        ok = score >= floor
        lines.append(
            f"{result.module}: {score:.1f}% ({source} {floor:.1f}%){'' if ok else ': BELOW'}"
        )
        if not ok:
            low.append(result.module)
    return lines, low


def _row(result: Result, accepted: dict[str, str]) -> str:
    survivors = result.survivors()
    kept = sum(m in accepted for m in survivors)
    return (
        f"| {result.module} | {len(result.statuses)} | {result.killed()} | "
        f"{len(survivors) - kept} | {kept} | {result.score(accepted):.1f}% | "
        f"{result.seconds:.0f} s |"
    )


HEADER = (
    "| Module | Mutants | Killed | Survived | Accepted (equivalent) | Score | Time |\n"
    "|---|---:|---:|---:|---:|---:|---:|"
)


def write_report(results: list[Result], accepted: dict[str, str], seconds: float) -> None:
    lines = [
        "# Mutation report (`make mutate`)",
        "",
        f"mutmut over {', '.join(r.module for r in results)}; {seconds:.0f} s in all. "
        "Score: killed / (mutants - accepted survivors).",
        "",
        HEADER,
        *(_row(r, accepted) for r in results),
        "",
    ]
    for result in results:
        for mutant in result.survivors():
            why = accepted.get(mutant, "**not accepted: write the test that kills it**")
            status = result.statuses[mutant]
            lines += [f"## {mutant} ({status})", "", why, "", "```diff", result.diffs[mutant],
                      "```", ""]  # fmt: skip
    REPORT.parent.mkdir(parents=True, exist_ok=True)
    REPORT.write_text("\n".join(lines), encoding="utf-8")


def update_summary(results: list[Result], accepted: dict[str, str]) -> None:
    """Rewrite the README's table rows of the modules that ran; keep the others."""
    text = SUMMARY.read_text(encoding="utf-8")
    start, end = "<!-- scores -->\n", "<!-- /scores -->"
    before, rest = text.split(start, 1)
    table, after = rest.split(end, 1)
    rows = {
        line.split("|")[1].strip(): line
        for line in table.splitlines()
        if line.startswith("| ") and not line.startswith("| Module")
    }
    rows.update({r.module: _row(r, accepted) for r in results})
    ordered = [rows[m] for m in MODULES if m in rows]
    SUMMARY.write_text(f"{before}{start}{HEADER}\n" + "\n".join(ordered) + f"\n{end}{after}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("modules", nargs="*", help=f"default: all of {', '.join(MODULES)}")
    parser.add_argument("--jobs", type=int, default=2, help="mutants run at once")
    parser.add_argument("--min-score", type=float, default=90.0, help="fail below (percent)")
    parser.add_argument(
        "--report-only", action="store_true", help="report the last run again (no mutmut run)"
    )
    parser.add_argument(
        "--update-baseline", action="store_true", help="write the scores to baseline.toml"
    )
    args = parser.parse_args(argv)
    unknown = [m for m in args.modules if m not in MODULES]
    if unknown:
        parser.error(f"unknown module(s) {', '.join(unknown)}; known: {', '.join(MODULES)}")
    accepted = load_accepted()
    started = time.monotonic()
    rerun = not args.report_only
    results = [r for m in (args.modules or MODULES) if (r := run_module(m, args.jobs, rerun=rerun))]
    seconds = time.monotonic() - started
    write_report(results, accepted, seconds)
    update_summary(results, accepted)
    print(HEADER)
    print("\n".join(_row(r, accepted) for r in results))
    print(f"{seconds:.0f} s; report: {REPORT.relative_to(ROOT)}")
    baseline = load_baseline()
    if args.update_baseline:
        baseline.update({r.module: r.score(accepted) for r in results})
        write_baseline(baseline)
        print(f"{BASELINE.name} updated: {', '.join(r.module for r in results)}")
        baseline = load_baseline()
    lines, low = verdicts(results, accepted, baseline, args.min_score)
    print("\n".join(lines))
    if low:
        print(f"below what they must keep: {', '.join(low)} (see the report's survivors)")
    return 1 if low else 0


if __name__ == "__main__":
    raise SystemExit(main())
