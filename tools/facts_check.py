"""`make facts-check`: re-read every fact's source, at its pin and as it is today.

Each fact cites a file at a commit or tag (data/facts.yaml). The check reads it twice:

- **pinned**: the file at the cited commit (the SDK at Korrigo's pin, `settings.SDK_PIN`):
  every excerpt must be there, or the fact itself is wrong;
- **latest**: the file on its repository's default branch (what Sentry says today), and
  reports apart an excerpt that is **gone**, a file that **moved** (renamed: GitHub's API
  names the new path, where the excerpt is looked for), and an excerpt still there whose
  **context changed** (the text around it differs from the pinned file's), which asks for
  a re-read rather than proving a fact wrong. The SDK is read at its pin only: Korrigo runs
  the pinned release, not the SDK's default branch.

Raw files come from `--base-url` (GitHub's raw host), the rename lookup from `--api-url`
(GitHub's API); the tests point both at a loopback server.

Exit codes: 0 nothing drifted (context changes are listed, not failed); 1 drift (an excerpt
missing at its pin, gone or moved today); 3 offline (nothing could be reached: nothing was
checked, which is not a pass).
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path

from korrigo_sentry import settings
from korrigo_sentry.korrigo import korrigo
from korrigo_sentry.oncall.facts import Fact, load_facts, normalize, source_parts
from tools import korrigo_facts_check

DEFAULT_BASE_URL = "https://raw.githubusercontent.com"
DEFAULT_API_URL = "https://api.github.com"
BASE_URL_ENV = "KORRIGO_FACTS_BASE_URL"
API_URL_ENV = "KORRIGO_FACTS_API_URL"
#: Each cited repository's default branch: what "today" means for its facts.
DEFAULT_BRANCH = {
    "getsentry/sentry-docs": "master",
    "getsentry/sentry": "master",
    "getsentry/relay": "master",
    "celery/celery": "main",
    "getsentry/cli": "main",
}
SDK_REPO = "getsentry/sentry-python"
EXIT_OK, EXIT_DRIFT, EXIT_OFFLINE = 0, 1, 3
TIMEOUT_SECONDS = 20
#: Who asks, for the hosts' logs (urllib would send `Python-urllib/3.x`).
HEADERS = {"User-Agent": "korrigo-facts-check"}
#: Characters on each side of an excerpt compared between the pinned and the latest file.
CONTEXT = 120

Fetch = Callable[[str], str]


class Unreachable(Exception):
    """The host could not be reached at all (DNS, connection refused, timeout)."""


@dataclass(frozen=True)
class Result:
    """What one fact's re-check found, at its pin and on the default branch."""

    fact: Fact
    url: str  # the pinned file
    missing: tuple[str, ...] = ()  # excerpts not in the pinned file
    error: str = ""  # the pinned file could not be read
    latest_url: str = ""  # '' when the fact is only checked at its pin (the SDK)
    gone: tuple[str, ...] = ()
    moved_to: str = ""  # the new path, when the file was renamed
    context_changed: tuple[str, ...] = ()
    latest_error: str = ""

    @property
    def ok(self) -> bool:
        """No drift: context changes ask for a re-read but do not fail."""
        return not (self.missing or self.error or self.gone or self.moved_to or self.latest_error)


def raw_url(fact: Fact, base_url: str = DEFAULT_BASE_URL) -> str:
    """The file the fact cites, at its commit (the SDK at Korrigo's pin)."""
    parts = source_parts(fact.source)
    ref = settings.SDK_PIN if parts["repo"] == SDK_REPO else parts["ref"]
    return f"{base_url.rstrip('/')}/{parts['repo']}/{ref}/{parts['path']}"


def latest_url(fact: Fact, base_url: str = DEFAULT_BASE_URL, path: str | None = None) -> str:
    """The same file on its repository's default branch; '' for the SDK (pin only)."""
    parts = source_parts(fact.source)
    if parts["repo"] == SDK_REPO:
        return ""
    branch = DEFAULT_BRANCH.get(parts["repo"], "master")
    return f"{base_url.rstrip('/')}/{parts['repo']}/{branch}/{path or parts['path']}"


def http_fetch(url: str) -> str:
    """GET `url` as text. Unreachable for network failures, HTTPError for an HTTP answer."""
    request = urllib.request.Request(url, headers=HEADERS)
    try:
        with urllib.request.urlopen(request, timeout=TIMEOUT_SECONDS) as response:
            return response.read().decode(errors="replace")  # UTF-8: the default codec
    except urllib.error.HTTPError:
        raise
    except (urllib.error.URLError, OSError) as exc:
        raise Unreachable(str(getattr(exc, "reason", exc))) from None


class _Reader:
    """Fetches each URL once and remembers whether any host answered at all."""

    def __init__(self, fetch: Fetch) -> None:
        self.fetch = fetch
        self.pages: dict[str, str | Exception] = {}
        self.reached = False

    def get(self, url: str) -> str | Exception:
        if url not in self.pages:
            try:
                self.pages[url] = self.fetch(url)
                self.reached = True
            except urllib.error.HTTPError as exc:
                self.pages[url] = exc
                self.reached = True
            except Unreachable as exc:
                self.pages[url] = exc
        return self.pages[url]


def renamed_path(fact: Fact, api_url: str, reader: _Reader) -> str:
    """The file's new path when the default branch's last commit on it renamed it ('' if
    not): GitHub's `commits?path=` then that commit's `files[].previous_filename`."""
    parts = source_parts(fact.source)
    branch = DEFAULT_BRANCH.get(parts["repo"], "master")
    query = urllib.parse.urlencode({"path": parts["path"], "sha": branch, "per_page": 1})
    api = api_url.rstrip("/")
    listing = reader.get(f"{api}/repos/{parts['repo']}/commits?{query}")
    try:
        sha = json.loads(listing)[0]["sha"] if isinstance(listing, str) else ""
        commit = reader.get(f"{api}/repos/{parts['repo']}/commits/{sha}") if sha else ""
        files = json.loads(commit)["files"] if isinstance(commit, str) and commit else []
    except (ValueError, LookupError, TypeError):
        return ""
    for changed in files:
        if changed.get("status") == "renamed" and changed.get("previous_filename") == parts["path"]:
            return str(changed.get("filename", ""))
    return ""


def _around(text: str, excerpt: str) -> str:
    at = text.find(excerpt)
    return text[max(0, at - CONTEXT) : at + len(excerpt) + CONTEXT]


def check_one(fact: Fact, base_url: str, api_url: str, reader: _Reader) -> Result:
    url = raw_url(fact, base_url)
    pinned = reader.get(url)
    if isinstance(pinned, Exception):
        return Result(fact, url, error=_describe(pinned))
    pinned_text = normalize(pinned)
    excerpts = [normalize(e) for e in fact.excerpts]
    missing = tuple(e for e in excerpts if e not in pinned_text)
    today = latest_url(fact, base_url)
    if not today:
        return Result(fact, url, missing=missing)
    latest = reader.get(today)
    moved_to = ""
    if isinstance(latest, urllib.error.HTTPError) and latest.code == 404:
        moved_to = renamed_path(fact, api_url, reader)
        if moved_to:
            today = latest_url(fact, base_url, moved_to)
            latest = reader.get(today)
    if isinstance(latest, Exception):
        return Result(fact, url, missing, latest_url=today, latest_error=_describe(latest))
    latest_text = normalize(latest)
    gone = tuple(e for e in excerpts if e not in latest_text)
    changed = tuple(
        e
        for e in excerpts
        if e in latest_text
        and e in pinned_text
        and _around(latest_text, e) != _around(pinned_text, e)
    )
    return Result(fact, url, missing, "", today, gone, moved_to, changed)


def check(
    facts: Iterable[Fact],
    base_url: str,
    fetch: Fetch = http_fetch,
    api_url: str = DEFAULT_API_URL,
) -> list[Result]:
    """Re-check every fact; each file is fetched once. Raises Unreachable if none was."""
    reader = _Reader(fetch)
    results = [check_one(fact, base_url, api_url, reader) for fact in facts]
    if results and not reader.reached:
        raise Unreachable(str(next(iter(reader.pages.values()))))
    return results


def _describe(exc: Exception) -> str:
    if isinstance(exc, urllib.error.HTTPError):
        return f"HTTP {exc.code}: the source is gone or moved"
    return f"unreachable: {exc}"


def _cut(excerpt: str) -> str:
    return repr(excerpt[:90])


def report(results: list[Result]) -> str:
    """Plain text: the pinned check, then today's, each drift on its own line, then counts."""
    lines = []
    for r in results:
        if r.error:
            lines.append(f"PINNED {r.fact.id}: {r.error} ({r.url})")
        for excerpt in r.missing:
            lines.append(f"PINNED {r.fact.id}: excerpt not in the cited file: {_cut(excerpt)}")
    for r in results:
        if r.latest_error:
            lines.append(f"LATEST {r.fact.id}: {r.latest_error} ({r.latest_url})")
        if r.moved_to:
            lines.append(f"MOVED  {r.fact.id}: the file is now {r.moved_to} ({r.latest_url})")
        for excerpt in r.gone:
            lines.append(f"GONE   {r.fact.id}: excerpt gone today: {_cut(excerpt)}")
        for excerpt in r.context_changed:
            lines.append(f"CONTEXT {r.fact.id}: the text around it changed: {_cut(excerpt)}")
    pinned_bad = sum(bool(r.missing or r.error) for r in results)
    today = [r for r in results if r.latest_url]
    lines.append(
        f"facts-check: {len(results)} facts; pinned: {pinned_bad} with an excerpt missing; "
        f"latest ({len(today)} read on their default branch): "
        f"{sum(bool(r.gone) for r in today)} gone, {sum(bool(r.moved_to) for r in today)} "
        f"moved, {sum(bool(r.latest_error) for r in today)} unreadable, "
        f"{sum(bool(r.context_changed) for r in today)} with their context changed; "
        f"{sum(not r.ok for r in results)} drifted"
    )
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
        "--api-url",
        default=os.environ.get(API_URL_ENV, DEFAULT_API_URL),
        help=f"where renamed files are looked up (default: ${API_URL_ENV} or GitHub's API)",
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
        results = check(facts, args.base_url, api_url=args.api_url)
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
