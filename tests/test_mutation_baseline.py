"""`make mutate` tracks each module's score: tests/mutation/baseline.toml holds what a module
must keep, and a run below it fails naming the module (issue 24)."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.mutation import run


def _result(module: str, killed: int, survived: int) -> run.Result:
    statuses = {f"m.x_f__mutmut_{i}": "killed" for i in range(killed)}
    statuses |= {f"m.x_g__mutmut_{i}": "survived" for i in range(survived)}
    return run.Result(module, 1.0, statuses)


def test_a_module_below_its_baseline_fails_and_one_at_it_passes() -> None:
    results = [_result("delivery", 9, 1), _result("runbooks", 19, 1)]  # 90.0% and 95.0%
    lines, low = run.verdicts(results, {}, {"delivery": 90.0, "runbooks": 95.1}, 80.0)
    assert lines == [
        "delivery: 90.0% (baseline 90.0%)",
        "runbooks: 95.0% (baseline 95.1%): BELOW",
    ]
    assert low == ["runbooks"]


def test_a_module_without_a_baseline_must_reach_the_minimum() -> None:
    lines, low = run.verdicts([_result("sampling", 8, 2)], {}, {}, 90.0)
    assert (lines, low) == (["sampling: 80.0% (minimum 90.0%): BELOW"], ["sampling"])


def test_the_baseline_file_round_trips_rounded_down(tmp_path: Path) -> None:
    path = tmp_path / "baseline.toml"
    run.write_baseline({"runbooks": 84.76, "delivery": 100.0}, path)
    text = path.read_text(encoding="utf-8")
    # MODULES order (delivery is mapped after runbooks), never rounded up
    assert text.splitlines()[2:] == ["[scores]", "runbooks = 84.7", "delivery = 100.0"]
    assert run.load_baseline(path) == {"runbooks": 84.7, "delivery": 100.0}


def test_a_baseline_naming_an_unknown_module_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "baseline.toml"
    path.write_text("[scores]\nnope = 90\n", encoding="utf-8")
    with pytest.raises(SystemExit, match=r"baseline.toml: not a module of MODULES.*'nope'"):
        run.load_baseline(path)


def test_the_committed_baseline_names_known_modules() -> None:
    assert set(run.load_baseline()) <= set(run.MODULES)
    assert run.load_baseline(), "tests/mutation/baseline.toml holds the scores to keep"
