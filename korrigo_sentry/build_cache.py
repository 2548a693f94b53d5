"""A disk cache for what the site build computes by running Korrigo's code.

The pages show payloads captured by running examples, the doctor's checks and a runbook
transcript; computing them means importing Django, Celery and the SDK and running the
code. `mkdocs serve` rebuilds on every save, so results are kept in `.cache/macros/`,
keyed on the inputs *and* on a fingerprint of everything that could change them: the
package's source and data, the runbook pages, mkdocs.yml, the installed versions of the
libraries that shape an event, and the environment variables the package reads. Change
any of these and the value is computed again; nothing stale can reach a page.
"""

from __future__ import annotations

import functools
import hashlib
import json
import os
import tempfile
from collections.abc import Callable
from importlib import metadata
from pathlib import Path
from typing import Any, TypeVar

from korrigo_sentry import settings

T = TypeVar("T")

PACKAGE = Path(__file__).resolve().parent
ROOT = PACKAGE.parent
CACHE_DIR = ROOT / ".cache" / "macros"
_LIBRARIES = ("sentry-sdk", "sentry-relay", "Django", "celery", "redis", "fakeredis")


@functools.cache
def fingerprint() -> str:
    """A hash of every input, beyond its arguments, that a cached value depends on."""
    digest = hashlib.sha256()
    files = [p for p in PACKAGE.rglob("*") if p.suffix in {".py", ".yaml"}]
    files += [*(ROOT / "runbooks").glob("*.md"), ROOT / "mkdocs.yml"]
    for path in sorted(p for p in files if p.is_file()):
        digest.update(str(path.relative_to(ROOT)).encode() + b"\0" + path.read_bytes())
    for name in _LIBRARIES:
        try:
            digest.update(f"{name}={metadata.version(name)}".encode())
        except metadata.PackageNotFoundError:
            digest.update(f"{name}=absent".encode())
    for variable in sorted(settings.ENV_VARS):
        digest.update(f"{variable}={os.environ.get(variable)}".encode())
    return digest.hexdigest()


def cached(name: str, compute: Callable[[], T], *key: Any) -> T:
    """`compute()`, or its JSON result from an earlier build with the same inputs."""
    material = json.dumps([name, key, fingerprint()], sort_keys=True, default=str)
    path = CACHE_DIR / f"{name}-{hashlib.sha256(material.encode()).hexdigest()[:32]}.json"
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        pass
    value = compute()
    CACHE_DIR.mkdir(parents=True, exist_ok=True)
    # Written whole then renamed: a build stopped half-way leaves no truncated entry.
    with tempfile.NamedTemporaryFile("w", dir=CACHE_DIR, delete=False, encoding="utf-8") as out:
        json.dump(value, out)
    Path(out.name).replace(path)
    return value
