"""Every link, resource and anchor in the built HTML, checked offline against the built tree.

Written on the standard library's HTML parser on purpose: the link checkers that exist either
fetch over the network (CI has none), or run as a build plugin (mkdocs.yml must stay within what
Zensical reads), and none resolves fragments against the files of a site published under a path.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cache
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import unquote, urljoin, urlsplit

from tests.browser import built_site

LINK_ATTRS = {"href", "src", "action", "poster", "data", "xlink:href"}
IGNORED_SCHEMES = {"javascript", "data", "blob", "about"}
RESOURCE_TAGS = {"script", "img", "iframe", "source", "audio", "video", "embed", "object", "track"}
LOCAL_ORIGIN = "http://site.invalid"  # a stand-in origin for resolving relative links


@dataclass(frozen=True)
class Link:
    """One URL found in a page: where, in which tag and attribute."""

    page: str
    tag: str
    attr: str
    url: str
    rel: str = ""

    @property
    def is_resource(self) -> bool:
        """Loaded by the browser with the page (scripts, images, stylesheets...), not followed."""
        if self.tag == "link":
            return not ({"canonical", "alternate", "author", "license"} & set(self.rel.split()))
        return self.tag in RESOURCE_TAGS or self.attr == "srcset"


class _Scanner(HTMLParser):
    """Collects the URLs in link attributes and the ids a page defines."""

    def __init__(self, page: str) -> None:
        super().__init__(convert_charrefs=True)
        self.page = page
        self.links: list[Link] = []
        self.ids: set[str] = set()

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = {name: value or "" for name, value in attrs}
        if "id" in values:
            self.ids.add(values["id"])
        if tag == "a" and "name" in values:
            self.ids.add(values["name"])
        rel = values.get("rel", "")
        for name, value in attrs:
            if name in LINK_ATTRS and value is not None:
                self.links.append(Link(self.page, tag, name, value.strip(), rel))
            elif name in ("srcset", "imagesrcset") and value:
                for candidate in value.split(","):
                    url = candidate.strip().split(" ")[0]
                    if url:
                        self.links.append(Link(self.page, tag, "srcset", url, rel))

    handle_startendtag = handle_starttag


@dataclass(frozen=True)
class Scan:
    """The links of a page and the ids it defines."""

    links: tuple[Link, ...]
    ids: frozenset[str]


@cache
def scan(file: Path, page: str = "") -> Scan:
    """Parse one HTML file."""
    scanner = _Scanner(page)
    scanner.feed(file.read_text(encoding="utf-8"))
    scanner.close()
    return Scan(tuple(scanner.links), frozenset(scanner.ids))


@dataclass
class Report:
    """What a check of the whole site found."""

    pages: int = 0
    internal: int = 0
    broken: list[str] = field(default_factory=list)
    external: list[Link] = field(default_factory=list)


def _target_file(site_dir: Path, path: str) -> Path | None:
    """The file a URL path (relative to the site root) serves, as GitHub Pages resolves it."""
    candidate = site_dir / unquote(path)
    if path == "" or path.endswith("/") or candidate.is_dir():
        candidate = candidate / "index.html"
    return candidate if candidate.is_file() else None


def check_site(site_dir: Path, site_url: str | None = None) -> Report:
    """Resolve every link of every page; collect broken ones and list external ones.

    `site_url` (default: read from the sitemap) is where the site is published: absolute links
    under it are internal, and so are root-relative links under its path.
    """
    site_url = site_url or built_site.site_url(site_dir)
    prefix = urlsplit(site_url).path or "/"
    prefix = prefix if prefix.endswith("/") else prefix + "/"
    local_root = LOCAL_ORIGIN + prefix
    report = Report()
    for file in built_site.page_files(site_dir):
        page = built_site.page_path(site_dir, file)
        report.pages += 1
        for link in scan(file, page).links:
            url = link.url
            scheme = urlsplit(url).scheme.lower()
            if scheme in IGNORED_SCHEMES:
                continue
            if url.startswith(site_url):
                url = local_root + url[len(site_url) :]
            elif scheme or url.startswith("//"):
                report.external.append(link)
                continue
            resolved = urlsplit(urljoin(local_root + page, url))
            if not resolved.path.startswith(prefix):
                report.broken.append(f"{page or '(home)'}: {link.url} leaves the site ({prefix})")
                continue
            report.internal += 1
            target = _target_file(site_dir, resolved.path[len(prefix) :])
            if target is None:
                report.broken.append(f"{page or '(home)'}: {link.url} -> no such file")
                continue
            fragment = unquote(resolved.fragment)
            if fragment and target.suffix == ".html" and fragment not in scan(target).ids:
                report.broken.append(f"{page or '(home)'}: {link.url} -> no #{fragment}")
    return report


def external_links_markdown(report: Report) -> str:
    """The external links of the site as a Markdown report: each URL once, with its pages."""
    pages_by_url: dict[str, set[str]] = {}
    for link in report.external:
        pages_by_url.setdefault(link.url, set()).add(link.page or "(home)")
    lines = [
        "# External links in the built site",
        "",
        f"{len(pages_by_url)} distinct external URLs in {report.pages} pages "
        "(listed, not fetched: CI has no network).",
        "",
        "| URL | pages |",
        "|---|---|",
    ]
    for url in sorted(pages_by_url):
        pages = sorted(pages_by_url[url])
        shown = ", ".join(pages[:5]) + (f" and {len(pages) - 5} more" if len(pages) > 5 else "")
        lines.append(f"| <{url}> | {shown} |")
    return "\n".join(lines) + "\n"
