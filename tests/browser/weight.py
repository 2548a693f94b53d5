"""Page weight: every asset the browser loads for a page, and the home page's budget.

The loopback server compresses text as GitHub Pages does, so `Asset.size` is what a reader's
browser downloads; `Asset.decoded` (what it holds once decompressed) is reported beside it.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from urllib.parse import urlsplit

from playwright.sync_api import Browser

from tests.browser.chromium import Asset, page_assets

HOME_BUDGET = 400 * 1000  # bytes downloaded for the home page, every asset included (issue 6)


@dataclass(frozen=True)
class PageWeight:
    """A page and what loading it cost."""

    path: str
    assets: tuple[Asset, ...]

    @property
    def total(self) -> int:
        """Bytes downloaded: every response body as transferred."""
        return sum(a.size for a in self.assets)

    @property
    def decoded(self) -> int:
        """Bytes once decompressed."""
        return sum(a.decoded for a in self.assets)


def weigh(browser: Browser, base_url: str, paths: Iterable[str]) -> list[PageWeight]:
    """Weigh each page with a cold cache."""
    return [PageWeight(p, tuple(page_assets(browser, base_url + p))) for p in paths]


def table(weight: PageWeight, base_url: str) -> str:
    """A plain-text table of one page's assets, heaviest first, with totals."""
    prefix = urlsplit(base_url).path
    rows = sorted(weight.assets, key=lambda a: a.size, reverse=True)
    names = [urlsplit(a.url).path.removeprefix(prefix) or "(page)" for a in rows]
    width = max([len(n) for n in names] + [20])
    lines = [f"{'asset':<{width}}  {'type':<10} {'downloaded':>11} {'decoded':>11}"]
    for name, asset in zip(names, rows, strict=True):
        lines.append(f"{name:<{width}}  {asset.kind:<10} {asset.size:>11,} {asset.decoded:>11,}")
    total = f"{len(rows)} assets"
    lines.append(f"{'TOTAL':<{width}}  {total:<10} {weight.total:>11,} {weight.decoded:>11,}")
    return "\n".join(lines)
