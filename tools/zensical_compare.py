"""What a reader gets from a page, built by MkDocs and by Zensical, and where the two differ.

For `make zensical` (tools/zensical_report.py). A page's content is its article (the rendered
Markdown), its table of contents and its `<title>`; the site's search index is compared by
location and tags. The two themes differ in chrome that says nothing about the handbook's
content; each such difference is named in THEME_CHROME with why it is set aside, and every
other difference is a regression. Differences Zensical causes that we accept for now are in
KNOWN, each with its upstream issue (or the search that found none), so none is tolerated
silently: the report lists them every run.
"""

from __future__ import annotations

import difflib
import json
import re
from dataclasses import dataclass
from html import unescape
from pathlib import Path

ARTICLE = re.compile(r'<article class="md-content__inner md-typeset">(.*?)</article>', re.S)
TITLE = re.compile(r"<title>(.*?)</title>", re.S)
TOC = re.compile(r'<nav class="md-nav md-nav--secondary"(.*?)</nav>\s*</div>', re.S)
TOC_LINK = re.compile(r'<a href="([^"]*)" class="md-nav__link">(.*?)</a>', re.S)
TAGS = re.compile(r"<[^>]+>")

#: Theme chrome inside the article, removed from both builds before comparing: (why, pattern).
THEME_CHROME: dict[str, tuple[str, re.Pattern[str]]] = {
    "edit-button icon": (
        "the edit button links to the same file; Zensical draws it with its own icon set",
        re.compile(
            r'(<a href="[^"]*" title="[^"]*" class="md-content__button[^>]*>)\s*<svg\b.*?'
            r"</svg>",
            re.S,
        ),
    ),
    "skip-link target": (
        'Zensical\'s theme puts its "Skip to content" target inside the article',
        re.compile(r'<a id="__skip" tabindex="-1"></a>'),
    ),
}
#: Differences Zensical 0.0.73 makes that we accept for now: page -> (what, why, upstream).
KNOWN: dict[str, tuple[str, str]] = {
    "title:": (
        "the home page's <title> is 'Home - Korrigo Sentry handbook' (MkDocs: the site name)",
        "Material's base.html omits the page title on the home page (`page.is_homepage`); "
        "Zensical's page object does not set it. No upstream issue found (issues corpus "
        "searched for 'zensical is_homepage', 'home page title'): to file.",
    ),
}


#: What Zensical's macros port (zensical/zensical#629, released in 0.0.40: #634) lacks and our
#: code bridges, so the pages come out the same: (bridge, upstream).
BRIDGED: dict[str, tuple[str, str]] = {
    "env.markdown (the page's Markdown source)": (
        "macros.py reads the page file (page_source)",
        "no upstream issue found (issues corpus searched: 'zensical env.markdown'): to file",
    ),
    "env.render (render Markdown with the macros from a macro)": (
        "the printable runbooks page calls Jinja itself (runbooks._renderer)",
        "no upstream issue found (issues corpus searched: 'zensical env.render'): to file",
    ),
    "front matter dates (`last_reviewed` arrives as a string, not a date)": (
        "every reader goes through the pydantic model korrigo_sentry/oncall/front_matter.py",
        "no upstream issue found (searched: 'zensical front matter date string'): to file",
    ),
}


@dataclass(frozen=True)
class PageContent:
    """What the comparison looks at in one built page."""

    title: str
    article: tuple[str, ...]  # normalised HTML, one tag or text run per line
    toc: tuple[tuple[str, str], ...]  # (href, text)


def _href(url: str) -> str:
    return url.removeprefix("./")


def _lines(html: str) -> tuple[str, ...]:
    for _, pattern in THEME_CHROME.values():
        html = pattern.sub(lambda m: m.group(1) if m.groups() else "", html)
    html = re.sub(r'href="\./', 'href="', html)  # `./x/` and `x/` are the same link
    html = re.sub(r"\s+", " ", re.sub(r">\s+<", "><", html))
    return tuple(line for line in re.sub(r"(<[^>]+>)", r"\n\1\n", html).splitlines() if line)


def content(html: str) -> PageContent:
    """The parts of a built page that the two builders must agree on."""
    article = ARTICLE.search(html)
    toc = TOC.search(html)
    links = TOC_LINK.findall(toc.group(1)) if toc else []
    title = TITLE.search(html)
    return PageContent(
        title=unescape(title.group(1)).strip() if title else "",
        article=_lines(article.group(1)) if article else (),
        toc=tuple((_href(h), " ".join(unescape(TAGS.sub("", t)).split())) for h, t in links),
    )


def differences(page: str, ours: str, theirs: str) -> list[str]:
    """One line per difference between the MkDocs (`ours`) and Zensical HTML of `page`."""
    a, b = content(ours), content(theirs)
    found = []
    if a.title != b.title:
        found.append(f"title: {a.title!r} -> {b.title!r}")
    if a.toc != b.toc:
        lost = [t for _, t in a.toc if t not in {x for _, x in b.toc}]
        found.append(f"table of contents: {len(a.toc)} -> {len(b.toc)} entries; lost {lost[:3]}")
    if a.article != b.article:
        diff = [
            line
            for line in difflib.unified_diff(a.article, b.article, lineterm="", n=0)
            if line[:1] in "+-" and not line.startswith(("---", "+++"))
        ]
        found.append(f"content: {len(diff)} lines differ, first: " + " | ".join(diff[:4])[:300])
    return found


def known(page: str, difference: str) -> tuple[str, str] | None:
    """The KNOWN entry that explains `difference` on `page`, if any."""
    if page == "" and difference.startswith("title:"):
        return KNOWN["title:"]
    return None


def search_differences(mkdocs_site: Path, zensical_site: Path) -> list[str]:
    """Search entries (location, tags) in one index and not the other."""
    ours = json.loads((mkdocs_site / "search" / "search_index.json").read_text(encoding="utf-8"))
    theirs = json.loads((zensical_site / "search.json").read_text(encoding="utf-8"))
    a = {(d["location"], tuple(d.get("tags") or ())) for d in ours["docs"]}
    b = {(d["location"], tuple(d.get("tags") or ())) for d in theirs["items"]}
    return [f"search entry only in MkDocs: {x}" for x in sorted(a - b)[:10]] + [
        f"search entry only in Zensical: {x}" for x in sorted(b - a)[:10]
    ]
