"""`make facts-check`: fetch every fact's source again and report the excerpts that are gone.

Sentry's documentation is checked at its default branch (what Sentry says today); the SDK
at the version Korrigo pins (`settings.SDK_PIN`), which is what Korrigo runs. Each source
file is fetched once, as raw text, from `--base-url` (GitHub's raw host by default; the
tests point it at a loopback server).

Exit codes: 0 every excerpt found; 1 drift (an excerpt or a source is gone); 3 offline
(no source could be reached: nothing was checked, which is not a pass).
"""

from __future__ import annotations

import argparse
import os
import sys
import urllib.error
import urllib.request
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path

from korrigo_sentry import settings
from korrigo_sentry.korrigo import korrigo
from korrigo_sentry.oncall.facts import Fact, load_facts, normalize, source_parts
from tools import korrigo_facts_check

DEFAULT_BASE_URL = "https://raw.githubusercontent.com"
BASE_URL_ENV = "KORRIGO_FACTS_BASE_URL"
#: The branch each documentation repository is checked at; the SDK is checked at its pin.
TRACKED_BRANCH = {"getsentry/sentry-docs": "master"}
EXIT_OK, EXIT_DRIFT, EXIT_OFFLINE = 0, 1, 3
TIMEOUT_SECONDS = 20

Fetch = Callable[[str], str]


class Unreachable(Exception):
    """The host could not be reached at all (DNS, connection refused, timeout)."""


@dataclass(frozen=True)
class Result:
    """What one fact's re-check found."""

    fact: Fact
    url: str
    missing: tuple[str, ...] = ()
    error: str = ""

    @property
    def ok(self) -> bool:
        return not self.missing and not self.error


def raw_url(fact: Fact, base_url: str = DEFAULT_BASE_URL) -> str:
    """The raw file to re-read: docs at their tracked branch, the SDK at Korrigo's pin."""
    parts = source_parts(fact.source)
    if parts["repo"] == "getsentry/sentry-python":
        ref = settings.SDK_PIN
    else:
        ref = TRACKED_BRANCH.get(parts["repo"], parts["ref"])
    return f"{base_url.rstrip('/')}/{parts['repo']}/{ref}/{parts['path']}"


def http_fetch(url: str) -> str:
    """GET `url` as text. Unreachable for network failures, HTTPError for an HTTP answer."""
    request = urllib.request.Request(url, headers={"User-Agent": "korrigo-facts-check"})
    try:
        with urllib.request.urlopen(request, timeout=TIMEOUT_SECONDS) as response:
            return response.read().decode("utf-8", errors="replace")
    except urllib.error.HTTPError:
        raise
    except (urllib.error.URLError, OSError) as exc:
        raise Unreachable(str(getattr(exc, "reason", exc))) from None


def check(facts: Iterable[Fact], base_url: str, fetch: Fetch = http_fetch) -> list[Result]:
    """Re-check every fact; each source file is fetched once. Raises Unreachable if none was."""
    pages: dict[str, str | Exception] = {}
    results = []
    reached = False
    for fact in facts:
        url = raw_url(fact, base_url)
        if url not in pages:
            try:
                pages[url] = fetch(url)
                reached = True
            except urllib.error.HTTPError as exc:
                pages[url] = exc
                reached = True
            except Unreachable as exc:
                pages[url] = exc
        page = pages[url]
        if isinstance(page, Exception):
            results.append(Result(fact, url, error=_describe(page)))
            continue
        text = normalize(page)
        missing = tuple(e for e in fact.excerpts if normalize(e) not in text)
        results.append(Result(fact, url, missing=missing))
    if results and not reached:
        raise Unreachable(str(next(iter(pages.values()))))
    return results


def _describe(exc: Exception) -> str:
    if isinstance(exc, urllib.error.HTTPError):
        return f"HTTP {exc.code}: the source is gone or moved"
    return f"unreachable: {exc}"


def report(results: list[Result]) -> str:
    """A plain-text report: one line per drifted fact, then a count."""
    lines = []
    for result in results:
        if result.error:
            lines.append(f"DRIFT {result.fact.id}: {result.error} ({result.url})")
        for excerpt in result.missing:
            lines.append(f"DRIFT {result.fact.id}: excerpt gone: {normalize(excerpt)[:90]!r}")
            lines.append(f"      in {result.url}")
    drifted = sum(not r.ok for r in results)
    lines.append(f"facts-check: {len(results)} facts, {drifted} drifted")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m tools.facts_check", description=__doc__.splitlines()[0]
    )
    parser.add_argument(
        "--base-url",
        default=os.environ.get(BASE_URL_ENV, DEFAULT_BASE_URL),
        help=f"where raw files are fetched from (default: ${BASE_URL_ENV} or GitHub's raw host)",
    )
    parser.add_argument(
        "--korrigo-checkout",
        type=Path,
        help="read data/korrigo.yaml's excerpts in this Korrigo checkout instead of GitHub",
    )
    args = parser.parse_args(argv)
    facts = list(load_facts().values())
    korrigo_fetch = (
        korrigo_facts_check.local_fetch(args.korrigo_checkout)
        if args.korrigo_checkout
        else http_fetch
    )
    try:
        results = check(facts, args.base_url)
        korrigo_results = korrigo_facts_check.check(korrigo(), args.base_url, korrigo_fetch)
    except Unreachable as exc:
        print(
            f"facts-check: OFFLINE, nothing was checked: cannot reach {args.base_url} ({exc}). "
            f"Run it again with network access (exit code {EXIT_OFFLINE}).",
            file=sys.stderr,
        )
        return EXIT_OFFLINE
    print(report(results))
    print(korrigo_facts_check.report(korrigo_results))
    ok = all(r.ok for r in results) and all(r.ok for r in korrigo_results)
    return EXIT_OK if ok else EXIT_DRIFT


if __name__ == "__main__":
    sys.exit(main())
