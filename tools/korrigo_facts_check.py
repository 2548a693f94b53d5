"""facts-check's second source kind: the real Korrigo's names (`data/korrigo.yaml`).

Each name's excerpt is re-read in its Korrigo file at the commit it cites (the commit the
handbook was proven on), not at Korrigo's default branch: a newer Korrigo is a new proof to
make, not a drift of this one. `--korrigo-checkout PATH` reads a local checkout instead of
GitHub (offline, or a checkout at another commit to see what moved).
"""

from __future__ import annotations

import urllib.error
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from korrigo_sentry.korrigo import REPO, Korrigo
from korrigo_sentry.oncall.facts import normalize

Fetch = Callable[[str], str]


@dataclass(frozen=True)
class KorrigoResult:
    """What one Korrigo name's re-check found."""

    label: str
    url: str
    missing: str = ""  # the excerpt, when it is gone
    error: str = ""

    @property
    def ok(self) -> bool:
        return not self.missing and not self.error


def raw_url(base_url: str, commit: str, path: str) -> str:
    """A Korrigo file at `commit` on the raw host."""
    return f"{base_url.rstrip('/')}/{REPO}/{commit}/{path}"


def local_fetch(checkout: Path) -> Fetch:
    """A fetch reading `<checkout>/<path>` for URLs made by `raw_url` (any base, any commit)."""

    def fetch(url: str) -> str:
        path = url.split(f"/{REPO}/", 1)[1].split("/", 1)[1]
        try:
            return (checkout / path).read_text(encoding="utf-8")
        except FileNotFoundError:
            raise urllib.error.HTTPError(url, 404, "not in the checkout", None, None) from None  # type: ignore[arg-type]

    return fetch


def check(facts: Korrigo, base_url: str, fetch: Fetch) -> list[KorrigoResult]:
    """Re-read every cited name; each file is fetched once. Unreachable propagates."""
    pages: dict[str, str | Exception] = {}
    results = []
    for label, cited in facts.cited():
        url = raw_url(base_url, cited.commit, cited.file)
        if url not in pages:
            try:
                pages[url] = fetch(url)
            except urllib.error.HTTPError as exc:
                pages[url] = exc
        page = pages[url]
        if isinstance(page, Exception):
            results.append(KorrigoResult(label, url, error="the file is gone or moved (HTTP 404)"))
        elif normalize(cited.excerpt) not in normalize(page):
            results.append(KorrigoResult(label, url, missing=normalize(cited.excerpt)))
        else:
            results.append(KorrigoResult(label, url))
    return results


def report(results: list[KorrigoResult]) -> str:
    """One line per drifted name, then a count."""
    lines = []
    for result in results:
        if result.error:
            lines.append(f"DRIFT korrigo {result.label}: {result.error} ({result.url})")
        if result.missing:
            lines.append(f"DRIFT korrigo {result.label}: excerpt gone: {result.missing[:90]!r}")
            lines.append(f"      in {result.url}")
    drifted = sum(not r.ok for r in results)
    lines.append(f"facts-check: {len(results)} Korrigo names, {drifted} drifted")
    return "\n".join(lines)
