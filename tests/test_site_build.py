"""The built handbook: no third-party request, every seed section and example.

The tests read the handbook as the checkout builds it: the site `make build` wrote under
`make unit` (KORRIGO_SITE_DIR), else one build of a temporary copy for the module. (That
no built file holds the DSN's key is checked on the build of a changed copy, which runs
with a canary `SENTRY_DSN`: tests/test_site_live_values.py.)
"""

from __future__ import annotations

import re
from pathlib import Path
from urllib.parse import urlsplit

import pytest

from korrigo_sentry.oncall.where import oncall
from tests.test_site_support import SEED, Build, loaded_urls, page_code, page_text, unchanged_site

pytestmark = pytest.mark.slow

#: Where each section of the seed guide lives in the site.
SECTION_PAGES = {
    "Overview": "index.html",
    "Create Sentry Account": "getting-started/account/index.html",
    "Get Your DSN": "getting-started/dsn/index.html",
    "Configure Korrigo": "getting-started/configuration/index.html",
    "Install Dependencies": "getting-started/install/index.html",
    "Test Error Tracking": "getting-started/verify/index.html",
    "Features Enabled": "reference/features/index.html",
    "Privacy & Security": "reference/privacy/index.html",
    "Sentry Dashboard": "reference/dashboard/index.html",
    "Recommended Alerts": "reference/alerts/index.html",
    "Best Practices": "reference/best-practices/index.html",
    "Cost Management": "reference/sampling-and-cost/index.html",
    "Troubleshooting": "runbooks/sentry-not-capturing-errors/index.html",
    "Next Steps": "next-steps/index.html",
    "Resources": "next-steps/index.html",
}

#: Seed code that is wrong or unsafe as written, and what the site shows instead.
SEED_FIXES = {
    # the contract's placeholder DSN instead of a real-looking one
    "https://abc123def456@o123456.ingest.sentry.io/789012": (
        "https://examplePublicKey@o0.ingest.sentry.io/0"
    ),
    # `Hub` is deprecated in sentry-sdk 2.x
    "print(sentry_sdk.Hub.current.client)": "sentry_sdk.get_client()",
    # Compose commands name the compose file on every line (korrigo_sentry/data/oncall.yaml)
    "docker-compose exec ": f"{oncall().compose} exec ",
    "docker-compose logs ": f"{oncall().compose} logs ",
}


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Build:
    result = unchanged_site(tmp_path_factory.mktemp("handbook"))
    assert result.ok, result.output
    return result


def _foreign(url: str) -> bool:
    parts = urlsplit(url)
    return bool(parts.scheme in ("http", "https") or url.startswith("//")) and (
        parts.hostname not in (None, "127.0.0.1", "localhost")
    )


def test_no_page_loads_anything_from_another_host(site: Build) -> None:
    pages = site.pages()
    assert len(pages) > 10
    foreign = [
        (page, tag, url)
        for page, html in pages.items()
        for tag, url in loaded_urls(html)
        if _foreign(url)
    ]
    assert foreign == []


def test_mermaid_is_served_by_the_site(site: Build) -> None:
    """Every page with a diagram loads the stand-in, which loads mermaid from the site."""
    pages = site.pages()
    with_diagrams = [page for page, html in pages.items() if 'class="mermaid"' in html]
    assert with_diagrams
    for page in with_diagrams:
        scripts = [url for tag, url in loaded_urls(pages[page]) if tag == "script"]
        assert any(url.endswith("assets/javascripts/mermaid-init.js") for url in scripts)
    init = (site.site / "assets" / "javascripts" / "mermaid-init.js").read_text()
    assert 'new URL("mermaid.min.js", document.currentScript.src)' in init
    assert (site.site / "assets" / "javascripts" / "mermaid.min.js").stat().st_size > 100_000


def _seed_sections() -> list[str]:
    headings = re.findall(r"^## (?:\d+\. )?(.+)$", SEED.read_text(encoding="utf-8"), re.M)
    return [heading.strip() for heading in headings]


def _seed_code_lines() -> list[str]:
    """Each meaningful line of each seed code block, with the known fixes applied."""
    blocks = re.findall(r"^ *```\w*\n(.*?)^ *```", SEED.read_text(encoding="utf-8"), re.M | re.S)
    lines = []
    for block in blocks:
        for raw in block.splitlines():
            line = re.sub(r"\s+#.*$", "", raw).strip()  # trailing comments are prose
            if not line or line.startswith("#"):
                continue
            for wrong, right in SEED_FIXES.items():
                line = line.replace(wrong, right)
            lines.append(line)
    return lines


def test_every_seed_section_has_its_page(site: Build) -> None:
    sections = _seed_sections()
    assert len(sections) >= 13
    assert sorted(set(sections)) == sorted(SECTION_PAGES)  # a new seed section needs a page
    pages = site.pages()
    missing = [name for name, page in SECTION_PAGES.items() if page not in pages]
    assert missing == []


def _squash(text: str) -> str:
    """Whitespace collapsed; Compose v1 and v2 spelled alike (docker-compose, docker compose)."""
    return re.sub(r"\s+", " ", text).replace("docker compose ", "docker-compose ")


def test_every_seed_code_line_is_in_the_site(site: Build) -> None:
    code = _squash("\n".join(block for html in site.pages().values() for block in page_code(html)))
    lines = _seed_code_lines()
    assert len(lines) > 30
    missing = [line for line in lines if _squash(line) not in code]
    assert missing == []


def test_the_seed_copy_is_the_guide_being_rebuilt() -> None:
    text = Path(SEED).read_text(encoding="utf-8")
    assert text.startswith("# Sentry Error Tracking Setup Guide")


#: Durations as no reader writes them ("every 1 hour", "1 minutes", "every 5 minute").
CLUMSY_DURATION = re.compile(
    r"\bevery 1 (?:minute|hour|day)s?\b|\b1 (?:minutes|hours|days)\b"
    r"|\b(?:[02-9]|\d\d+) (?:minute|hour|day)\b"
)
#: A trace id (32 hex digits) or a span id (16).
HEX_ID = re.compile(r"\b[0-9a-f]{16}(?:[0-9a-f]{16})?\b")


def test_no_page_states_a_duration_clumsily(site: Build) -> None:
    found = {
        page: CLUMSY_DURATION.findall(page_text(html))
        for page, html in site.pages().items()
        if CLUMSY_DURATION.search(page_text(html))
    }
    assert found == {}
    alerts = page_text(site.pages()["reference/alerts/index.html"])
    assert "at most every 30 minutes per issue" in alerts  # the `every` filter, on the page


def test_no_payload_panel_shows_an_id(site: Build) -> None:
    panels = [
        block
        for html in site.pages().values()
        for block in page_code(html)
        if '"event_id": "<event_id>"' in block
    ]
    assert len(panels) >= 3, "the site shows payload panels"
    assert [HEX_ID.findall(panel) for panel in panels if HEX_ID.search(panel)] == []
