"""Links in the built site: no broken internal link or anchor, external links listed.

`mkdocs build --strict` checks the Markdown links; this checks the HTML readers get (theme
links, permalinks, tabs, code line anchors, the canonical URLs...), and writes every external
link into artifacts/external-links.md (not fetched: CI has no network).
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from tests.browser import built_site, html_scan

pytestmark = pytest.mark.slow
REPORT = built_site.ARTIFACTS / "external-links.md"


@pytest.fixture(scope="module")
def site_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The handbook built with `mkdocs build --strict` (or KORRIGO_SITE_DIR, built beforehand)."""
    if prebuilt := os.environ.get("KORRIGO_SITE_DIR"):
        return Path(prebuilt)
    return built_site.build_site(tmp_path_factory.mktemp("site"))


@pytest.fixture(scope="module")
def report(site_dir: Path) -> html_scan.Report:
    return html_scan.check_site(site_dir)


def test_no_broken_internal_link_or_anchor(site_dir: Path, report: html_scan.Report) -> None:
    assert report.pages == len(built_site.pages(site_dir))
    assert report.internal > report.pages  # every page links at least to its assets
    assert report.broken == []


def test_resources_come_from_the_site_itself(report: html_scan.Report) -> None:
    """Scripts, styles, images and fonts: none from another host (links to them are fine)."""
    assert [f"{x.page}: <{x.tag} {x.attr}={x.url}>" for x in report.external if x.is_resource] == []


def test_external_links_report(report: html_scan.Report) -> None:
    REPORT.parent.mkdir(parents=True, exist_ok=True)
    REPORT.write_text(html_scan.external_links_markdown(report), encoding="utf-8")
    # The header of every page links to the repository (mkdocs.yml `repo_url`).
    repository = "https://github.com/korrigo/korrigo-handbook"
    pages_linking = {link.page for link in report.external if link.url == repository}
    assert len(pages_linking) == report.pages
    row = next(line for line in REPORT.read_text().splitlines() if f"<{repository}>" in line)
    assert row.endswith(f" and {report.pages - 5} more |")


def test_checker_finds_what_is_broken(tmp_path: Path) -> None:
    """The checker itself, on a two-page site published under /handbook/."""
    site_url = "https://example.org/handbook/"
    (tmp_path / "sitemap.xml").write_text(
        '<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">'
        f"<url><loc>{site_url}</loc></url><url><loc>{site_url}guide/</loc></url></urlset>"
    )
    (tmp_path / "guide").mkdir()
    (tmp_path / "guide" / "index.html").write_text('<h1 id="setup">Setup</h1><a href="..">home</a>')
    (tmp_path / "index.html").write_text(
        '<link rel="canonical" href="https://example.org/handbook/">'
        '<a href="guide/#setup">ok</a> <a href="guide/">ok</a> <a href="#top" id="top">ok</a>'
        '<a href="guide/#nowhere">bad anchor</a> <a href="missing/">bad page</a>'
        '<a href="/elsewhere/">outside</a> <img src="https://cdn.example.com/x.png">'
        '<a href="https://github.com/korrigo">external</a> <a href="javascript:void(0)">js</a>'
    )
    found = html_scan.check_site(tmp_path)
    assert found.pages == 2
    assert found.broken == [
        "(home): guide/#nowhere -> no #nowhere",
        "(home): missing/ -> no such file",
        "(home): /elsewhere/ leaves the site (/handbook/)",
    ]
    assert [(x.url, x.is_resource) for x in found.external] == [
        ("https://cdn.example.com/x.png", True),
        ("https://github.com/korrigo", False),
    ]
    assert found.internal == 7  # canonical, 3 good links, 2 bad ones, and guide's link home
    assert html_scan.external_links_markdown(found).splitlines()[2:] == [
        "2 distinct external URLs in 2 pages (listed, not fetched: CI has no network).",
        "",
        "| URL | pages |",
        "|---|---|",
        "| <https://cdn.example.com/x.png> | (home) |",
        "| <https://github.com/korrigo> | (home) |",
    ]
