"""`make pdf`: the printable runbooks as an A4 PDF with page numbers and a filled contents.

Chromium prints the built page (`site/runbooks/print/`) through Playwright: a footer on every
sheet ("page N of M"), then a second print once the contents know on which page each runbook
starts (CSS cannot number pages in Chromium: `target-counter()` is not implemented, so the
first print is read back with pypdfium2). Writes artifacts/runbooks.pdf and prints its page count.
"""

from __future__ import annotations

import sys
from pathlib import Path

import pypdfium2
from playwright.sync_api import Page, sync_playwright

from handbook.print_contents import PAGE_SLOT
from tests.browser import chromium

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "artifacts" / "runbooks.pdf"
FOOTER = (
    '<div style="font-size:8px;width:100%;text-align:center;color:#555">'
    'Korrigo runbooks, page <span class="pageNumber"></span> of <span class="totalPages"></span>'
    "</div>"
)


def print_pdf(page: Page) -> bytes:
    """The page as Chromium prints it on A4, with the page-number footer."""
    return page.pdf(
        format="A4",
        prefer_css_page_size=True,
        display_header_footer=True,
        header_template="<span></span>",
        footer_template=FOOTER,
        margin={"top": "10mm", "bottom": "14mm", "left": "12mm", "right": "12mm"},
    )


#: PDFium writes U+FFFE for a hyphen that ends a printed line (a wrapped URL or command).
_LINE_END_HYPHEN = "\ufffe"


def page_texts(pdf: bytes) -> list[str]:
    """Each sheet's text, whitespace collapsed.

    Read with PDFium (pypdfium2): 0.2 CPU s for the printed runbooks where pypdf took 4, and
    the test reads two prints. PDFium puts a space where the font changes (around inline
    code), and keeps a line-ending hyphen as U+FFFE, written back as the hyphen it is."""
    document = pypdfium2.PdfDocument(pdf)
    try:
        texts = [page.get_textpage().get_text_range() for page in document]
    finally:
        document.close()
    return [" ".join(text.replace(_LINE_END_HYPHEN, "-").split()) for text in texts]


def page_count(pdf: bytes) -> int:
    """Sheets in the PDF."""
    document = pypdfium2.PdfDocument(pdf)
    try:
        return len(document)
    finally:
        document.close()


def start_pages(texts: list[str], titles: dict[str, str]) -> dict[str, int]:
    """anchor -> the first sheet (1-based) where the runbook's heading is followed by its
    header ("<title> Severity"): the contents and the "Related" links name titles too."""
    found = {}
    for anchor, title in titles.items():
        for number, text in enumerate(texts, 1):
            if f"{title} Severity" in text:
                found[anchor] = number
                break
    return found


def fill_contents(page: Page, pages: dict[str, int]) -> None:
    """Write "p. N" into each contents line's slot."""
    page.evaluate(
        """([slot, pages]) => {
            for (const span of document.querySelectorAll('.' + slot)) {
                const n = pages[span.dataset.anchor];
                span.textContent = n ? '\u2026 p. ' + n : '';
            }
        }""",
        [PAGE_SLOT, pages],
    )


def print_runbooks(page: Page) -> tuple[bytes, dict[str, int]]:
    """The loaded printable page as a PDF with its contents filled; anchor -> start page."""
    page.emulate_media(media="print")
    titles = page.evaluate(
        """slot => Object.fromEntries([...document.querySelectorAll('.' + slot)].map(
            s => [s.dataset.anchor, s.closest('li').querySelector('a').textContent.trim()]))""",
        PAGE_SLOT,
    )
    first = print_pdf(page)
    pages = start_pages(page_texts(first), titles)
    fill_contents(page, pages)
    return print_pdf(page), pages


def build_pdf(url: str) -> tuple[bytes, dict[str, int]]:
    """The PDF of the printable page at `url`, and the page each runbook starts on."""
    with sync_playwright() as playwright:
        browser = chromium.launch(playwright)
        page = browser.new_page()
        page.goto(url, wait_until="networkidle")
        result = print_runbooks(page)
        browser.close()
    return result


def main(site: str = "site") -> int:
    index = (ROOT / site / "runbooks" / "print" / "index.html").resolve()
    if not index.is_file():
        print(f"{index} is missing: run `make build` first", file=sys.stderr)
        return 2
    pdf, pages = build_pdf(index.as_uri())
    OUT.parent.mkdir(parents=True, exist_ok=True)
    OUT.write_bytes(pdf)
    count = page_count(pdf)
    print(f"{OUT.relative_to(ROOT)}: {count} A4 pages; runbooks start on pages "
          + ", ".join(str(n) for n in pages.values()))  # fmt: skip
    return 0


if __name__ == "__main__":
    sys.exit(main(*sys.argv[1:]))
