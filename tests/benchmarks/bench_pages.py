"""Page weight: the bytes of every asset Chromium loads for the home page and the heaviest page.

Each page is loaded with a cold cache from the built site served on loopback (text gzipped, as
GitHub Pages serves it), until the network is idle (the search index and its worker included).
Target: the home page downloads at most `HOME_BUDGET` bytes; the decoded size is shown beside.
Baseline of the ratio: that budget, and the home page for the heaviest page. Skips, saying so,
when /usr/bin/chromium is missing.
"""

from __future__ import annotations

import sys
import tempfile
from pathlib import Path

from tests.browser import built_site, chromium
from tests.browser.weight import HOME_BUDGET, table, weigh


def main() -> bool | None:
    """Print both tables and the totals; False when the home page is over budget."""
    if not chromium.chromium_available():
        print("bench_pages: SKIPPED, /usr/bin/chromium is missing (apt-get install chromium)")
        return None
    from playwright.sync_api import sync_playwright

    with tempfile.TemporaryDirectory() as tmp:
        site = built_site.build_site(Path(tmp) / "site")
        with built_site.serve(site) as base_url, sync_playwright() as driver:
            browser = chromium.launch(driver)
            weights = weigh(browser, base_url, built_site.pages(site))
            browser.close()
        home = weights[0]
        heaviest = max(weights, key=lambda w: w.total)
        print(f"home page ({base_url})")
        print(table(home, base_url))
        print(f"\nheaviest page: {heaviest.path or '(home)'}")
        print(table(heaviest, base_url))
    print("\npages by weight (bytes downloaded, decoded):")
    for weight in sorted(weights, key=lambda w: w.total, reverse=True):
        print(f"  {weight.total:>10,}  {weight.decoded:>10,}  {weight.path or '(home)'}")
    ratio = home.total / HOME_BUDGET
    print(f"\nhome: {home.total:,} bytes downloaded ({home.decoded:,} decoded), {ratio:.2f} of the")
    print(f"      {HOME_BUDGET:,}-byte budget")
    print(f"heaviest/home: {heaviest.total / home.total:.2f} ({heaviest.path or '(home)'})")
    return home.total <= HOME_BUDGET


if __name__ == "__main__":
    sys.exit(0 if main() is not False else 1)
