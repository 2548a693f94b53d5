"""No unrendered placeholder reaches a reader (issue 23): in the built site, no page shows a
`str.format` field (`{window}`), a Jinja marker (`{{`, `{%`) or a stray Markdown fence.

Prose is read apart from code: Python code legitimately holds `{name}` in f-strings; a
Jinja marker is wrong anywhere (the doc tests read the raw Markdown, never Jinja).
"""

from __future__ import annotations

import re
from html.parser import HTMLParser

import pytest

from tests.test_site_support import Build, unchanged_site

pytestmark = pytest.mark.slow

FORMAT_FIELD = re.compile(r"\{[a-z_][a-z0-9_.]*\}")
JINJA = re.compile(r"\{\{|\}\}|\{%|%\}")
#: In code, only whole Jinja expressions: `}}` closes nested JSON and `%}` a format spec.
JINJA_EXPRESSION = re.compile(r"\{\{-?\s*[A-Za-z_][^{}\n]*\}\}|\{%-?\s*[a-z]+\b[^%\n]*%\}")
FENCE = re.compile(r"^\s*(```|~~~)", re.MULTILINE)


class _Prose(HTMLParser):
    """A page's visible text outside code (`<pre>`, `<code>`), and its code apart."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.prose: list[str] = []
        self.code: list[str] = []
        self._code = 0
        self._skip = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in ("script", "style"):
            self._skip += 1
        elif tag in ("pre", "code"):
            self._code += 1
        elif tag in ("p", "li", "div", "td", "th", "br", "h1", "h2", "h3", "h4"):
            self.prose.append("\n")

    def handle_endtag(self, tag: str) -> None:
        if tag in ("script", "style"):
            self._skip -= 1
        elif tag in ("pre", "code"):
            self._code -= 1

    def handle_data(self, data: str) -> None:
        if self._skip:
            return
        (self.code if self._code else self.prose).append(data)


def problems(html: str) -> list[str]:
    """What a reader would see unrendered on the page."""
    parser = _Prose()
    parser.feed(html)
    prose, code = "".join(parser.prose), "\n".join(parser.code)
    found = [f"format field {m.group()!r}" for m in FORMAT_FIELD.finditer(prose)]
    found += [f"Jinja marker {m.group()!r}" for m in JINJA.finditer(prose)]
    found += [f"Jinja in code {m.group()!r}" for m in JINJA_EXPRESSION.finditer(code)]
    found += [f"stray fence {m.group().strip()!r}" for m in FENCE.finditer(prose)]
    return found


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Build:
    result = unchanged_site(tmp_path_factory.mktemp("placeholders-site"))
    assert result.returncode == 0, result.output[-3000:]
    return result


def test_the_scanner_finds_each_kind_of_placeholder() -> None:
    page = (
        "<p>P95 over {window} above {threshold} ms</p><p>{{ rule.name }} {% if x %}</p>"
        '<p>```bash</p><pre><code>print(f"{rule.aggregate}")</code></pre>'
    )
    assert problems(page) == [
        "format field '{window}'",
        "format field '{threshold}'",
        "Jinja marker '{{'",
        "Jinja marker '}}'",
        "Jinja marker '{%'",
        "Jinja marker '%}'",
        "stray fence '```'",
    ]
    assert (
        problems('<pre><code>print(f"{rule.aggregate}") {"a": {"b": f"{x:.0%}"}}</code></pre>')
        == []
    )
    assert problems("<pre><code>x = {{ rule.threshold }}</code></pre>") == [
        "Jinja in code '{{ rule.threshold }}'"
    ]


def test_no_page_shows_an_unrendered_placeholder(site: Build) -> None:
    pages = sorted(site.site.rglob("*.html"))
    assert len(pages) > 20
    found = {}
    for path in pages:
        bad = problems(path.read_text(encoding="utf-8"))
        if bad:
            found[path.relative_to(site.site).as_posix()] = bad
    assert found == {}
