"""tools/zensical_compare.py: what counts as the same page under MkDocs and Zensical."""

from __future__ import annotations

from tools import zensical_compare


def page(article: str, title: str = "Alerts - Korrigo Sentry handbook", toc: str = "") -> str:
    """A built page reduced to what the comparison reads (Material's markup)."""
    nav = f'<nav class="md-nav md-nav--secondary">{toc}</nav>\n</div>'
    body = f'<article class="md-content__inner md-typeset">{article}</article>'
    return f"<html><title>{title}</title>{nav}{body}</html>"


EDIT = '<a href="https://x/edit/a.md" title="Edit this page" class="md-content__button md-icon">'
TOC = '<a href="#why" class="md-nav__link">Why</a>'


def test_theme_chrome_and_equivalent_links_are_the_same_page() -> None:
    ours = page(f'{EDIT}<svg a="1"></svg></a>\n<p><a href="x/">X</a></p>', toc=TOC)
    theirs = page(
        f'<a id="__skip" tabindex="-1"></a>{EDIT}<svg b="2"><path/></svg></a>'
        f'<p>\n  <a href="./x/">X</a></p>',
        toc=TOC.replace("Why", "<span>\n Why</span>"),
    )
    assert zensical_compare.differences("reference/alerts/", ours, theirs) == []


def test_a_changed_word_a_lost_heading_or_title_is_a_difference() -> None:
    ours = page("<p>Sampled at 10%</p>", toc=TOC)
    found = zensical_compare.differences(
        "reference/alerts/", ours, page("<p>Sampled at 100%</p>", title="Alerts", toc="")
    )
    assert [d.split(":")[0] for d in found] == ["title", "table of contents", "content"]
    assert "-Sampled at 10% | +Sampled at 100%" in found[2]


def test_only_the_home_page_title_is_a_known_difference() -> None:
    title = "title: 'Korrigo Sentry handbook' -> 'Home - Korrigo Sentry handbook'"
    assert zensical_compare.known("", title) is not None
    assert zensical_compare.known("reference/alerts/", title) is None
    assert zensical_compare.known("", "content: 1 lines differ") is None
