"""The build cache (handbook.build_cache): a new key whenever an input changes, bounded.

Each test works on a small repository tree of its own and a cache directory of its own.
(tests/test_serve.py shows the same end to end: a runbook edited under `make serve`
changes the command-line page's transcript.)
"""

from __future__ import annotations

import json
import os
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

import pytest

from handbook import build_cache

#: Files of a repository, as the build reads them, each one a cache input.
TREE = {
    "korrigo_sentry/settings.py": "RATE = 0.1\n",
    "korrigo_sentry/alerts/rules.py": "WINDOW = 5\n",
    "korrigo_sentry/data/alerts.yaml": "rules: []\n",
    "handbook/runbook_layout.py": "FIRST = 'check'\n",  # the site-build code
    "demo/views.py": "def health(request): ...\n",  # the demo the examples run
    "runbooks/quota-exhausted.md": "# Quota exhausted\n",
    "mkdocs.yml": "site_name: handbook\n",
    "macros.py": "def percent(rate): ...\n",
}
#: The variables the package reads (README "Environment variables"); each changes a value.
VARIABLES = ("SENTRY_DSN", "SENTRY_ENVIRONMENT", "GIT_COMMIT_SHA", "SENTRY_RELEASE",
             "SENTRY_TRACES_SAMPLE_RATE", "SENTRY_SAMPLE_RATE", "SENTRY_DEBUG")  # fmt: skip


@pytest.fixture
def root(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    tree = tmp_path / "repo"
    for name, text in TREE.items():
        (tree / name).parent.mkdir(parents=True, exist_ok=True)
        (tree / name).write_text(text, encoding="utf-8")
    monkeypatch.setattr(build_cache, "ROOT", tree)
    monkeypatch.setattr(build_cache, "CACHE_DIR", tmp_path / ".cache" / "macros")
    for variable in VARIABLES:
        monkeypatch.delenv(variable, raising=False)
    return tree


def _edit(path: Path) -> None:
    path.write_text(path.read_text(encoding="utf-8") + "# edited\n", encoding="utf-8")


#: The runbook pages: an input only of a value that reads them (the transcript).
PAGE = "runbooks/quota-exhausted.md"


@pytest.mark.parametrize("name", [name for name in TREE if name != PAGE])
def test_editing_an_input_file_changes_the_key(root: Path, name: str) -> None:
    before = build_cache.entry_path("example", "code")
    pages_before = build_cache.entry_path("transcript", "slug", runbook_pages=True)
    _edit(root / name)
    assert build_cache.entry_path("example", "code") != before
    assert build_cache.entry_path("transcript", "slug", runbook_pages=True) != pages_before


def test_a_runbook_page_changes_only_the_keys_of_values_that_read_them(root: Path) -> None:
    """Saving a runbook under `mkdocs serve` runs the transcript again, not every example."""
    example = build_cache.entry_path("example", "code")
    transcript = build_cache.entry_path("transcript", "slug", runbook_pages=True)
    _edit(root / PAGE)
    assert build_cache.entry_path("transcript", "slug", runbook_pages=True) != transcript
    assert build_cache.entry_path("example", "code") == example


def test_a_new_runbook_changes_the_key(root: Path) -> None:
    before = build_cache.fingerprint(runbook_pages=True)
    (root / "runbooks" / "new-problem.md").write_text("# New\n", encoding="utf-8")
    assert build_cache.fingerprint(runbook_pages=True) != before


def test_files_the_values_do_not_read_keep_the_key(root: Path) -> None:
    """The key is not just new on every call: unrelated files leave it alone."""
    before = build_cache.fingerprint()
    (root / "README.md").write_text("# Readme\n", encoding="utf-8")
    (root / "korrigo_sentry" / "notes.txt").write_text("scratch\n", encoding="utf-8")
    assert build_cache.fingerprint() == before


@pytest.mark.parametrize("variable", VARIABLES)
def test_each_environment_variable_changes_the_key(
    root: Path, variable: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    before = build_cache.fingerprint()
    monkeypatch.setenv(variable, "1")
    assert build_cache.fingerprint() != before


def test_other_environment_variables_keep_the_key(
    root: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    before = build_cache.fingerprint()
    monkeypatch.setenv("KORRIGO_UNRELATED_VARIABLE", "1")
    assert build_cache.fingerprint() == before


@pytest.mark.parametrize(
    "library", ["sentry-sdk", "sentry-relay", "Django", "mkdocs-macros-plugin"]
)
def test_a_library_upgrade_changes_the_key(
    root: Path, library: str, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    site = tmp_path / "site-packages"
    site.mkdir()
    monkeypatch.syspath_prepend(str(site))
    before = build_cache.fingerprint()
    real = build_cache.metadata.version

    def upgraded(name: str) -> str:
        return "99.0.0" if name == library else real(name)

    monkeypatch.setattr(build_cache.metadata, "version", upgraded)
    (site / f"{library}-99.0.0.dist-info").mkdir()  # what pip leaves in the directory
    assert build_cache.fingerprint() != before


def test_versions_are_looked_up_again_only_when_a_path_directory_changes(
    root: Path, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    site = tmp_path / "site-packages"
    site.mkdir()
    monkeypatch.syspath_prepend(str(site))
    build_cache.fingerprint()
    looked_up: list[str] = []
    real = build_cache.metadata.version
    monkeypatch.setattr(build_cache.metadata, "version", lambda n: looked_up.append(n) or real(n))
    build_cache.fingerprint()
    assert looked_up == []
    (site / "new-1.0.dist-info").mkdir()
    build_cache.fingerprint()
    assert looked_up == list(build_cache.LIBRARIES)


def _counting(values: list[str]) -> Callable[[], str]:
    """A compute function that returns the next of `values` on each call."""
    calls = iter(values)
    return lambda: next(calls)


def test_the_same_inputs_are_computed_once(root: Path) -> None:
    compute = _counting(["first", "second"])
    assert build_cache.cached("transcript", compute, "slug") == "first"
    assert build_cache.cached("transcript", compute, "slug") == "first"


def test_an_edit_in_the_same_process_is_computed_again(root: Path) -> None:
    """`mkdocs serve` keeps one process: the fingerprint is taken again at each call."""
    compute = _counting(["before the edit", "after the edit"])
    assert (
        build_cache.cached("transcript", compute, "slug", runbook_pages=True) == "before the edit"
    )
    _edit(root / "runbooks" / "quota-exhausted.md")
    assert build_cache.cached("transcript", compute, "slug", runbook_pages=True) == "after the edit"


def test_an_edit_that_keeps_the_size_is_seen(root: Path) -> None:
    """Same length, new content: the modification time tells the files apart."""
    page = root / "runbooks" / "quota-exhausted.md"
    before = build_cache.fingerprint(runbook_pages=True)
    page.write_text("# Quota exhaustef\n", encoding="utf-8")
    assert build_cache.fingerprint(runbook_pages=True) != before


def test_the_arguments_are_part_of_the_key(root: Path) -> None:
    assert build_cache.entry_path("example", "a = 1") != build_cache.entry_path("example", "a = 2")
    assert build_cache.entry_path("example", "a") != build_cache.entry_path("transcript", "a")


def _entries() -> list[str]:
    return sorted(path.name for path in build_cache.CACHE_DIR.glob("*.json"))


def test_the_cache_keeps_at_most_max_entries_least_recently_used_first(
    root: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(build_cache, "MAX_ENTRIES", 3)
    paths = {}
    for number in range(3):
        build_cache.cached("example", lambda n=number: n, number)
        paths[number] = build_cache.entry_path("example", number).name
    # 0 is used again: 1 is now the least recently used, and goes when 3 arrives.
    build_cache.cached("example", lambda: pytest.fail("0 is cached"), 0)
    build_cache.cached("example", lambda: 3, 3)
    assert len(_entries()) == 3
    assert paths[1] not in _entries()
    assert {paths[0], paths[2]} <= set(_entries())


def test_the_cache_keeps_at_most_max_bytes(root: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(build_cache, "MAX_BYTES", 2500)
    for number in range(5):
        build_cache.cached("example", lambda: "x" * 1000, number)
    sizes = [path.stat().st_size for path in build_cache.CACHE_DIR.glob("*.json")]
    assert len(sizes) == 2  # 1002 bytes each: a third would pass 2500
    assert sum(sizes) <= 2500


def test_the_cache_returns_what_was_computed(root: Path) -> None:
    value = {"event": [{"message": "hello", "tags": {"a": 1}}], "transaction": []}
    assert build_cache.cached("example", lambda: value, "code") == value
    assert build_cache.cached("example", lambda: None, "code") == value


def _age(root: Path, seconds: int) -> None:
    """Date every file of `root` `seconds` back (edits long since settled)."""
    then = time.time_ns() - seconds * 1_000_000_000
    for path in root.rglob("*"):
        os.utime(path, ns=(then, then))


def test_settled_files_with_the_same_stat_are_not_read_again(root: Path) -> None:
    """What makes a fingerprint per call cheap: no change of size or time, no reading."""
    _age(root, 60)
    page = root / "runbooks" / "quota-exhausted.md"
    before = build_cache.fingerprint(runbook_pages=True)
    stat = page.stat()
    page.write_text("# Quota exhaustef\n", encoding="utf-8")  # same size
    os.utime(page, ns=(stat.st_atime_ns, stat.st_mtime_ns))  # same time
    assert build_cache.fingerprint(runbook_pages=True) == before
    os.utime(page, ns=(stat.st_atime_ns, stat.st_mtime_ns + 1))
    assert build_cache.fingerprint(runbook_pages=True) != before


def test_a_file_written_just_before_hashing_is_read_again(root: Path) -> None:
    """An edit in the same clock tick as the last hash keeps size and time: read anyway."""
    page = root / "runbooks" / "quota-exhausted.md"
    before = build_cache.fingerprint(runbook_pages=True)
    stat = page.stat()
    page.write_text("# Quota exhaustef\n", encoding="utf-8")
    os.utime(page, ns=(stat.st_atime_ns, stat.st_mtime_ns))
    assert build_cache.fingerprint(runbook_pages=True) != before


def test_a_renamed_input_changes_the_key(root: Path) -> None:
    _age(root, 60)
    before = build_cache.fingerprint(runbook_pages=True)
    (root / "runbooks" / "quota-exhausted.md").rename(root / "runbooks" / "quota.md")
    assert build_cache.fingerprint(runbook_pages=True) != before


def test_optional_files_may_be_missing(root: Path) -> None:
    (root / "macros.py").unlink()
    (root / "mkdocs.yml").unlink()
    without = build_cache.fingerprint()
    (root / "macros.py").write_text("", encoding="utf-8")
    assert build_cache.fingerprint() != without


def test_a_missing_library_is_absent(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(build_cache, "LIBRARIES", ("no-such-library-for-korrigo", "PyYAML"))
    versions = build_cache.library_versions()
    assert versions["no-such-library-for-korrigo"] == "absent"
    assert versions["PyYAML"].split(".")[0].isdigit()  # installed: its version


def test_keys_may_be_paths(root: Path) -> None:
    assert build_cache.cached("example", lambda: "x", Path("/a")) == "x"
    assert build_cache.entry_path("example", Path("/a")) != build_cache.entry_path(
        "example", Path("/b")
    )


def test_the_most_recent_entry_is_kept_even_within_one_clock_tick(
    root: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """With a clock that does not move between two entries, recency still orders them."""
    monkeypatch.setattr(build_cache, "MAX_ENTRIES", 1)
    frozen = time.time_ns()
    monkeypatch.setattr(build_cache.time, "time_ns", lambda: frozen)
    for number in range(8):
        build_cache.cached("example", lambda n=number: n, number)
        assert _entries() == [build_cache.entry_path("example", number).name]


def test_entries_that_fit_max_bytes_exactly_are_kept(
    root: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    size = len(json.dumps("x" * 998))  # 1000 bytes on disk
    monkeypatch.setattr(build_cache, "MAX_BYTES", 2 * size)
    for number in range(3):
        build_cache.cached("example", lambda: "x" * 998, number)
    assert sorted(p.stat().st_size for p in build_cache.CACHE_DIR.glob("*.json")) == [size, size]


def test_entries_are_json_files_in_the_cache_directory(root: Path) -> None:
    build_cache.cached("example", lambda: {"message": "é"}, "code")
    (entry,) = build_cache.CACHE_DIR.glob("example-*.json")
    assert json.loads(entry.read_bytes()) == {"message": "é"}
    assert list(build_cache.CACHE_DIR.iterdir()) == [entry]  # no temporary file left behind


def test_an_entry_is_stamped_with_its_recency_not_the_clock_of_the_disk(
    root: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Eviction orders entries by the stamp `_mark_used` gives them: the file's mtime must be
    that stamp (a clock frozen in 2001 here), not the moment the disk wrote it."""
    monkeypatch.setattr(build_cache.time, "time_ns", lambda: 1_000_000_000_000_000_000)
    build_cache.cached("example", lambda: 1, "stamped")
    entry = build_cache.entry_path("example", "stamped")
    assert entry.stat().st_mtime_ns == build_cache._last_used_ns >= 1_000_000_000_000_000_000


def test_the_entry_is_written_beside_the_cache_so_the_rename_stays_on_one_filesystem(
    root: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # The system's temporary directory is gone: only a file written in the cache dir works.
    monkeypatch.setattr(tempfile, "tempdir", str(root / "no-such-tmp"))
    assert build_cache.cached("example", lambda: [1, 2], "beside") == [1, 2]


def test_the_current_directory_on_sys_path_is_watched_too(
    root: Path, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    """An empty entry of sys.path is the current directory (python -m, pytest)."""
    here = tmp_path / "cwd"
    here.mkdir()
    monkeypatch.chdir(here)
    monkeypatch.syspath_prepend("")
    build_cache.fingerprint()
    looked_up: list[str] = []
    real = build_cache.metadata.version
    monkeypatch.setattr(build_cache.metadata, "version", lambda n: looked_up.append(n) or real(n))
    (here / "new-1.0.dist-info").mkdir()
    build_cache.fingerprint()
    assert looked_up == list(build_cache.LIBRARIES)
