"""Helpers for the site tests: build the handbook from a temporary copy of the repository.

A copy lets a test break or change a file (a link, a rate, an alert threshold) and build
it, without touching the working tree. No tests here.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import subprocess
import sys
from collections.abc import Iterable
from dataclasses import dataclass
from html.parser import HTMLParser
from pathlib import Path
from typing import ClassVar

ROOT = Path(__file__).resolve().parent.parent
#: What a build needs. `docs/runbooks` is a symlink to `../runbooks`: copied as a symlink.
SITE_SOURCES = ("mkdocs.yml", "docs", "runbooks", "macros.py", "korrigo_sentry", "handbook",
                "demo", "requirements.txt", "overrides")  # fmt: skip
#: The seed guide this handbook rebuilds (a copy of the original, kept for these tests).
SEED = ROOT / "tests" / "data" / "seed_sentry_guide.md"


#: The macros' disk cache (handbook/build_cache.py) of the checkout.
MACROS_CACHE = Path(".cache") / "macros"


def copy_sources(names: Iterable[str], destination: Path, *ignored: str) -> Path:
    """Copy the checkout's files and folders `names` into `destination` (symlinks stay
    symlinks; `__pycache__`, `*.pyc` and the `ignored` patterns are left out; a name the
    checkout lacks is skipped); returns `destination`.

    A copy that builds pages (it has `macros.py`) also gets the checkout's macros cache:
    each entry is keyed on a hash of every file, library version and variable its value
    depends on (handbook/build_cache.py), so a copy left as it is reads the payloads the
    checkout's build computed, and a copy a test changed computes its own, as a fresh
    checkout would. Without it, every copy ran the examples, the doctor and the transcript
    again (1.3 CPU s a build)."""
    destination.mkdir(parents=True, exist_ok=True)
    ignore = shutil.ignore_patterns("__pycache__", "*.pyc", *ignored)
    for name in names:
        source = ROOT / name
        if source.is_dir():
            shutil.copytree(source, destination / name, symlinks=True, ignore=ignore)
        elif source.exists():
            shutil.copy2(source, destination / name)
    if "macros.py" in names:
        _copy_macros_cache(destination / MACROS_CACHE)
    return destination


def _copy_macros_cache(target: Path) -> None:
    """The checkout's finished cache entries into `target` (a build running meanwhile may
    write or evict one: an entry that goes while copying is left out)."""
    target.mkdir(parents=True, exist_ok=True)
    for entry in (ROOT / MACROS_CACHE).glob("*.json"):
        with contextlib.suppress(OSError):
            shutil.copy2(entry, target / entry.name)


def copy_repo(destination: Path) -> Path:
    """Copy what a build needs into `destination`; returns it."""
    return copy_sources(SITE_SOURCES, destination)


@dataclass(frozen=True)
class Build:
    """The outcome of one `mkdocs build --strict`."""

    returncode: int
    output: str
    site: Path

    @property
    def ok(self) -> bool:
        return self.returncode == 0

    def pages(self) -> dict[str, str]:
        """Every built HTML page, by path relative to the site, as text."""
        return {
            str(path.relative_to(self.site)): path.read_text(encoding="utf-8")
            for path in sorted(self.site.rglob("*.html"))
        }


def build(project: Path, extra_env: dict[str, str] | None = None) -> Build:
    """Build `project` (a copy made by `copy_repo`) with its own code first on the path."""
    site = project / "site"
    env = {**os.environ, "NO_MKDOCS_2_WARNING": "1", "PYTHONPATH": str(project)}
    env.pop("SENTRY_DSN", None)
    env.update(extra_env or {})
    result = subprocess.run(
        [sys.executable, "-m", "mkdocs", "build", "--strict", "--site-dir", str(site)],
        cwd=project,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    return Build(result.returncode, result.stdout + result.stderr, site)


def unchanged_site(tmp: Path) -> Build:
    """The handbook as the checkout builds it: the site `make build` wrote when
    KORRIGO_SITE_DIR names it (`make unit` does), else a build of a fresh copy under `tmp`."""
    if prebuilt := os.environ.get("KORRIGO_SITE_DIR"):
        site = Path(prebuilt).resolve()
        assert (site / "index.html").is_file(), f"KORRIGO_SITE_DIR={prebuilt} holds no built site"
        return Build(0, f"prebuilt site {site}", site)
    return build(copy_repo(tmp))


class _Text(HTMLParser):
    """Collects an HTML page's visible text, and its code blocks apart."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.text: list[str] = []
        self.code: list[str] = []
        self._pre = 0
        self._skip = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in ("script", "style"):
            self._skip += 1
        elif tag == "pre":
            self._pre += 1
            self.code.append("")

    def handle_endtag(self, tag: str) -> None:
        if tag in ("script", "style"):
            self._skip -= 1
        elif tag == "pre":
            self._pre -= 1

    def handle_data(self, data: str) -> None:
        if self._skip:
            return
        self.text.append(data)
        if self._pre:
            self.code[-1] += data


def page_text(html: str) -> str:
    """The visible text of a page (scripts and styles left out)."""
    parser = _Text()
    parser.feed(html)
    return "".join(parser.text)


def page_code(html: str) -> list[str]:
    """The text of each code block (`<pre>`) of a page."""
    parser = _Text()
    parser.feed(html)
    return parser.code


class _Resources(HTMLParser):
    """Collects every URL the browser would load by itself (not the links one clicks)."""

    LOADED: ClassVar[dict[str, str]] = {
        "script": "src", "img": "src", "iframe": "src", "source": "src",
        "audio": "src", "video": "src", "embed": "src", "object": "data",
    }  # fmt: skip

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.urls: list[tuple[str, str]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = dict(attrs)
        attribute = self.LOADED.get(tag)
        if tag == "link":
            attribute = "href"
            if "canonical" in (values.get("rel") or "").split():
                return  # names the page, loads nothing
        if attribute and values.get(attribute):
            self.urls.append((tag, values[attribute] or ""))
        if values.get("srcset"):
            self.urls += [(tag, part.split()[0]) for part in values["srcset"].split(",")]


def loaded_urls(html: str) -> list[tuple[str, str]]:
    """(tag, url) of every resource a page makes the browser fetch."""
    parser = _Resources()
    parser.feed(html)
    return parser.urls
