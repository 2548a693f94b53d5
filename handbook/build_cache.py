"""A disk cache for what the site build computes by running Korrigo's code.

The pages show payloads captured by running examples, the doctor's checks and a runbook
transcript; computing them means importing Django, Celery and the SDK and running the
code. `mkdocs serve` rebuilds on every save, so results are kept in `.cache/macros/`,
keyed on the inputs *and* on a fingerprint of everything that could change them: the
package's source and data, `macros.py`, mkdocs.yml, the installed versions of the libraries
that shape an event, and the environment variables the package reads; and, for a value that
reads them (`runbook_pages=True`), the runbook pages. Change any of these and the value is
computed again; nothing stale can reach a page. (The runbook pages used to be an input of
every value: saving a runbook under `mkdocs serve` ran every example, the doctor, Relay's
comparison and the runbook transcript's command again, none of which reads a page; the
transcript's test watches the files its command opens.)

The fingerprint is taken again on every call, because `mkdocs serve` keeps one process
for many builds: the files are first compared by (path, size, mtime), which costs a `stat`
each, and read and hashed only when that differs from the previous call. The directory is
bounded: beyond `MAX_ENTRIES` entries or `MAX_BYTES` bytes, the least recently used go.

(Hand-written: diskcache or joblib.Memory would bring a dependency for a few lines, and
neither knows which files and variables a value depends on, which is the point here.)
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import sys
import tempfile
import time
from collections.abc import Callable
from importlib import metadata
from pathlib import Path
from typing import Any, TypeVar

from korrigo_sentry import settings

T = TypeVar("T")

ROOT = Path(__file__).resolve().parent.parent
CACHE_DIR = ROOT / ".cache" / "macros"
#: The libraries whose version changes what an event, a page or a transcript looks like.
LIBRARIES = ("sentry-sdk", "sentry-relay", "Django", "celery", "redis", "fakeredis",
             "mkdocs-macros-plugin", "markdown-it-py", "mdit-py-plugins", "PyYAML")  # fmt: skip
#: Bounds of the cache directory (least recently used entries go first).
MAX_ENTRIES = 200
MAX_BYTES = 20_000_000

#: A file modified this close (ns) before it was hashed may change again within the same
#: mtime tick unseen: such files are hashed again (git's "racy" entries, same reason).
RACY_NS = 2_000_000_000
#: The step between two recency stamps in one clock tick (any positive step orders them alike).
STEP_NS = 1

#: Per (root, runbook pages or code): the last file signature seen, when its files were
#: hashed, and the digest.
_last_files: dict[tuple[Path, bool], tuple[tuple[tuple[str, int, int], ...], int, str]] = {}
#: The last recency stamp given to an entry (strictly increasing within a process).
_last_used_ns = 0


#: The folders whose Python and YAML files a cached value can depend on (all depths).
SOURCE_FOLDERS = ("korrigo_sentry", "handbook", "demo")


def input_files(root: Path, runbook_pages: bool = False) -> list[Path]:
    """Every file below `root` a cached value can depend on (with `runbook_pages`: the
    runbook pages instead), sorted."""
    return sorted(root / name for name, _, _ in _signature(root, runbook_pages))


def _signature(root: Path, runbook_pages: bool = False) -> tuple[tuple[str, int, int], ...]:
    """(path relative to `root`, size, mtime in ns) of every input file, sorted by path;
    with `runbook_pages`, of the runbook pages (`runbooks/*.md`) instead.

    Taken on every cached call of every build (a live reload makes about 17), so it walks
    with `os.scandir`, whose entries carry their type, and skips `__pycache__` (only
    bytecode there): 0.6 ms instead of the 3 ms of `Path.rglob` and `Path.stat`.
    """
    found: list[tuple[str, int, int]] = []

    def add(entry: os.DirEntry[str], name: str) -> None:
        stat = entry.stat()
        found.append((name, stat.st_size, stat.st_mtime_ns))

    def walk(folder: str) -> None:
        try:
            entries = list(os.scandir(root / folder))
        except OSError:  # a folder the copy lacks
            return
        for entry in entries:
            name = f"{folder}/{entry.name}"
            if entry.is_dir():
                if entry.name != "__pycache__":
                    walk(name)
            elif entry.name.endswith((".py", ".yaml")) and entry.is_file():
                add(entry, name)

    if runbook_pages:
        try:
            runbooks = list(os.scandir(root / "runbooks"))
        except OSError:
            runbooks = []
        for entry in runbooks:
            if entry.name.endswith(".md") and entry.is_file():
                add(entry, f"runbooks/{entry.name}")
        return tuple(sorted(found))
    for folder in SOURCE_FOLDERS:
        walk(folder)
    for name in ("mkdocs.yml", "macros.py"):
        with contextlib.suppress(OSError):
            stat = (root / name).stat()
            found.append((name, stat.st_size, stat.st_mtime_ns))
    return tuple(sorted(found))


def _files_digest(root: Path, runbook_pages: bool = False) -> str:
    """The hash of the input files' names and contents; re-read only when a stat differs."""
    signature = _signature(root, runbook_pages)
    last = _last_files.get((root, runbook_pages))
    if last is not None and last[0] == signature:
        hashed_at = last[1]
        if all(
            hashed_at - mtime
            > RACY_NS  # pragma: no mutate (>=: only a file written RACY_NS before, to the ns)
            for _, _, mtime in signature
        ):
            return last[2]
    hashed_at = time.time_ns()
    contents = [
        (name, hashlib.sha256((root / name).read_bytes()).hexdigest()) for name, _, _ in signature
    ]
    digest = hashlib.sha256(json.dumps(contents).encode()).hexdigest()
    _last_files[(root, runbook_pages)] = (signature, hashed_at, digest)
    return digest


def library_versions() -> dict[str, str]:
    """The installed version of each library in `LIBRARIES` ('absent' when missing).

    Looked up again only when a directory of `sys.path` changed: installing, upgrading or
    removing a distribution adds or removes its `*.dist-info` folder, which changes the
    directory's mtime. (`importlib.metadata` scans every path entry on each lookup: 10
    lookups on each of the 14 cached calls of a build cost ~0.2 s per live reload.)
    """
    stamp = (LIBRARIES, tuple(_mtime_ns(entry) for entry in sys.path))
    if _last_versions and _last_versions[0] == stamp:
        return dict(_last_versions[1])
    versions = {}
    for name in LIBRARIES:
        try:
            versions[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            versions[name] = "absent"
    _last_versions[:] = [stamp, versions]
    return dict(versions)


def _mtime_ns(entry: str) -> int:
    try:
        return os.stat(entry or ".").st_mtime_ns
    except OSError:
        return 0  # pragma: no mutate (any constant: a missing directory does not change)


#: The last (sys.path directories' mtimes, versions) seen by library_versions.
_last_versions: list[Any] = []


def fingerprint(runbook_pages: bool = False) -> str:
    """A hash of every input, beyond its arguments, that a cached value depends on (the
    runbook pages too for a value that reads them)."""
    environment = {name: os.environ.get(name) for name in sorted(settings.ENV_VARS)}
    material = [_files_digest(ROOT), library_versions(), environment]
    if runbook_pages:
        material.append(_files_digest(ROOT, runbook_pages=True))
    return hashlib.sha256(json.dumps(material).encode()).hexdigest()


def entry_path(name: str, *key: Any, runbook_pages: bool = False) -> Path:
    """Where the value of `name` for `key` and the current inputs is kept."""
    material = json.dumps([name, key, fingerprint(runbook_pages)], default=str)
    return CACHE_DIR / f"{name}-{hashlib.sha256(material.encode()).hexdigest()}.json"


def cached(name: str, compute: Callable[[], T], *key: Any, runbook_pages: bool = False) -> T:
    """`compute()`, or its JSON result from an earlier build with the same inputs;
    `runbook_pages=True` for a value that reads the runbook pages."""
    path = entry_path(name, *key, runbook_pages=runbook_pages)
    try:
        value = json.loads(path.read_bytes())
    except (OSError, ValueError):
        pass
    else:
        _mark_used(path)
        return value
    value = compute()
    CACHE_DIR.mkdir(parents=True, exist_ok=True)
    # Written whole then renamed: a build stopped half-way leaves no truncated entry.
    with tempfile.NamedTemporaryFile(
        dir=CACHE_DIR,
        delete=False,  # pragma: no mutate (None is as falsy as False; True: tested, hidden)
    ) as out:  # binary mode
        out.write(json.dumps(value).encode())
    Path(out.name).replace(path)
    _mark_used(path)
    evict()
    return value


def _mark_used(path: Path) -> None:
    """Stamp `path` as the most recently used entry (its mtime; evicted last)."""
    global _last_used_ns
    _last_used_ns = max(time.time_ns(), _last_used_ns + STEP_NS)
    os.utime(path, ns=(_last_used_ns, _last_used_ns))


def evict() -> None:
    """Remove the least recently used entries beyond `MAX_ENTRIES` or `MAX_BYTES`."""
    entries = []
    for path in CACHE_DIR.glob("*.json"):
        try:
            stat = path.stat()
        except OSError:  # removed by a concurrent build
            continue  # pragma: no mutate (break: only in a concurrent build; next write evicts)
        entries.append((stat.st_mtime_ns, stat.st_size, path))
    entries.sort(reverse=True)  # newest first
    kept_bytes = 0
    for count, (_, size, path) in enumerate(entries, start=1):
        kept_bytes += size
        if count > MAX_ENTRIES or kept_bytes > MAX_BYTES:
            path.unlink(missing_ok=True)  # pragma: no mutate (only if a concurrent build did)
