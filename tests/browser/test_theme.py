"""Material features a reader relies on: light/dark toggle, copy buttons, mermaid diagrams."""

from __future__ import annotations

import html
import re
from pathlib import Path

from playwright.sync_api import Page, expect

from tests.browser import built_site, chromium

TOGGLE = "label.md-header__button[for^='__palette_']:not([hidden])"
# Material renders each diagram into a *closed* shadow root; open it for the test so that the
# svg inside `.mermaid` can be inspected (the page itself behaves the same).
OPEN_SHADOW_ROOTS = """
const attach = Element.prototype.attachShadow;
Element.prototype.attachShadow = function (init) {
  return attach.call(this, { ...init, mode: "open" });
};
"""


def scheme(page: Page) -> str:
    return page.locator("body").get_attribute("data-md-color-scheme") or ""


def background(page: Page) -> str:
    return page.evaluate("getComputedStyle(document.body).backgroundColor")


def toggle_to(page: Page, wanted: str) -> None:
    """Click the palette toggle until the scheme is `wanted`; each click changes the palette."""
    body = page.locator("body")
    for _ in range(page.locator("input[name='__palette']").count()):
        if scheme(page) == wanted:
            return
        before = body.get_attribute("data-md-color-media") or ""
        page.locator(TOGGLE).click()
        expect(body).not_to_have_attribute("data-md-color-media", before)
    assert scheme(page) == wanted


def test_light_dark_toggle_switches_and_persists(
    new_context: chromium.NewContext, base_url: str, all_pages: list[str]
) -> None:
    context = new_context(viewport=chromium.DESKTOP, color_scheme="light")
    chromium.withhold_search_index(context)  # no search here
    traffic = chromium.guard(context)
    page = context.new_page()
    page.goto(base_url, wait_until="networkidle")
    assert scheme(page) == "default"
    light = background(page)

    toggle_to(page, "slate")
    assert background(page) != light

    # instant navigation (a link click), a reload and a fresh page keep the reader's choice
    page.locator(".md-nav--primary a.md-nav__link[href]:not([href*='#'])").nth(2).click()
    page.wait_for_load_state("networkidle")
    assert page.url != base_url
    assert scheme(page) == "slate"
    page.reload(wait_until="networkidle")
    assert scheme(page) == "slate"
    other = context.new_page()
    other.goto(base_url + all_pages[-1], wait_until="networkidle")
    assert scheme(other) == "slate"

    toggle_to(other, "default")
    other.reload(wait_until="networkidle")
    assert scheme(other) == "default"
    assert background(other) == light
    assert traffic.problems() == []
    context.close()


def test_the_copy_button_copies_its_block(
    new_context: chromium.NewContext, base_url: str, site_dir: Path
) -> None:
    """Material's copy button puts the block's text on the clipboard (every block has its
    button: test_every_page.py)."""
    with_code = built_site.pages_containing(site_dir, '<div class="highlight">')
    assert with_code, "no page has a highlighted code block"
    context = new_context(viewport=chromium.DESKTOP)
    context.grant_permissions(["clipboard-read", "clipboard-write"])
    chromium.withhold_search_index(context)  # no search here
    traffic = chromium.guard(context)
    page = context.new_page()
    page.goto(base_url + with_code[-1], wait_until="load")
    code = page.locator(".md-content .highlight pre:visible").first
    code.hover()
    code.locator("button[data-md-type='copy']").click()
    copied = page.evaluate("navigator.clipboard.readText()")
    assert copied.strip() == code.locator("code").inner_text().strip()
    assert traffic.problems() == []
    context.close()


def _labels(page_html: str) -> list[str]:
    """First line of each quoted node label of the page's mermaid sources: `id["Label<br/>..."]`."""
    sources = re.findall(r'<pre class="mermaid"><code>(.*?)</code></pre>', page_html, re.DOTALL)
    labels = re.findall(r'[\[{(]+"([^"]+)"', html.unescape("\n".join(sources)))
    return [label.split("<br")[0].strip() for label in labels]


def test_mermaid_diagrams_render_as_svg(
    new_context: chromium.NewContext, base_url: str, site_dir: Path
) -> None:
    with_diagrams = built_site.pages_containing(site_dir, 'class="mermaid"')
    assert with_diagrams, "no page has a mermaid diagram"
    context = new_context(viewport=chromium.DESKTOP)
    context.add_init_script(OPEN_SHADOW_ROOTS)
    chromium.withhold_search_index(context)  # no search here
    traffic = chromium.guard(context)
    page = context.new_page()
    for path in with_diagrams:
        page.goto(base_url + path, wait_until="networkidle")
        svg = page.locator("div.mermaid svg").first
        expect(svg).to_be_visible(timeout=30_000)  # 3.5 MB of mermaid on a busy machine
        box = svg.bounding_box()
        assert box
        assert box["width"] > 100
        assert box["height"] > 50
        text = " ".join(svg.text_content().split())  # type: ignore[union-attr]
        assert "Syntax error" not in text
        source = (site_dir / path / "index.html").read_text(encoding="utf-8")
        labels = _labels(source)
        assert labels, f"{path}: no node label found in the diagram's source"
        for label in labels:
            assert label in text, f"{path}: diagram lacks {label!r}"
    assert traffic.problems() == []
    context.close()
