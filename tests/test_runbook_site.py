"""The runbooks on the site: in the nav, reachable from the exported alerts, printable."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import yaml
from inline_snapshot import snapshot

from korrigo_sentry.alerts.export_sentry import Destination, export
from korrigo_sentry.alerts.rules import load_file
from korrigo_sentry.oncall import runbooks
from tests.test_site_support import Build, page_code, page_text, unchanged_site

BOOKS = runbooks.load_runbooks()
EXTRA_PAGES = ("index", "print", "command-line")


def _nav_files(node: Any) -> Iterator[str]:
    if isinstance(node, str):
        yield node
    elif isinstance(node, list):
        for item in node:
            yield from _nav_files(item)
    elif isinstance(node, dict):
        for value in node.values():
            yield from _nav_files(value)


def nav_files() -> set[str]:
    config = yaml.load(runbooks.MKDOCS_YML.read_text(encoding="utf-8"), runbooks._TolerantLoader)
    return set(_nav_files(config["nav"]))


def exported_urls() -> list[str]:
    dest = Destination(site_url=runbooks.site_url())
    calls = export(load_file(), dest)
    urls = [call["runbook_url"] for call in calls if call["runbook_url"]]
    assert len(urls) == 4  # every alert has its runbook page (alerts.yaml)
    return urls


def test_every_runbook_is_in_the_nav() -> None:
    nav = nav_files()
    wanted = {f"runbooks/{b.slug}.md" for b in BOOKS} | {f"runbooks/{p}.md" for p in EXTRA_PAGES}
    assert wanted <= nav


def test_every_exported_runbook_url_maps_to_a_runbook_in_the_nav() -> None:
    site, nav = runbooks.site_url(), nav_files()
    for url in exported_urls():
        assert url.startswith(site)
        source = url.removeprefix(site).rstrip("/") + ".md"
        assert source in nav
        assert (runbooks.REPO_ROOT / source).is_file()


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Build:
    result = unchanged_site(tmp_path_factory.mktemp("runbooks-site"))
    assert result.ok, result.output
    return result


def _page(site: Build, url_path: str) -> Path:
    return site.site / url_path / "index.html"


@pytest.mark.slow
def test_every_exported_runbook_url_is_a_built_page(site: Build) -> None:
    for url in exported_urls():
        page = _page(site, url.removeprefix(runbooks.site_url()))
        assert page.is_file(), url


@pytest.mark.slow
def test_the_printable_page_holds_every_runbook(site: Build) -> None:
    text = page_text(_page(site, "runbooks/print").read_text(encoding="utf-8"))
    from korrigo_sentry.oncall import checks

    for book in BOOKS:
        assert book.title in text
        for step in checks.get(book.slug).steps:
            assert runbooks.plain(step.expected).rstrip(".") in text
    assert "{{" not in text


#: mkdocs.yml's site_url: the addresses the command prints are on the published site.
SITE_URL = "https://korrigo.github.io/korrigo-handbook/"


@pytest.mark.slow
def test_the_command_line_page_shows_a_run_without_a_dsn(site: Build) -> None:
    """What a reader of the page must see, as the runbook page states it: the command, the
    warning, the first quick check failing with no DSN, its next step and address, exit 1."""
    html = _page(site, "runbooks/command-line").read_text(encoding="utf-8")
    (block,) = [code for code in page_code(html) if "$ echo $?" in code]
    lines = [line.strip() for line in block.splitlines() if line.strip()]
    assert f"{SITE_URL}runbooks/sentry-not-capturing-errors/#no-dsn" in lines  # on the site
    assert lines == snapshot(
        [
            "$ python -m korrigo_sentry check sentry-not-capturing-errors",
            "WARNING korrigo_sentry: SENTRY_DSN is not set: Sentry is disabled, no event will be sent",
            "FAILED: sentry-not-capturing-errors, check 1 of 5: The SDK has a DSN.",
            "[1/5] FAILED  dsn: The SDK has a DSN.",
            "found:    no DSN: SENTRY_DSN is unset or empty; nothing is sent",
            "expected: DSN: https://***@<host>/<project id>, the key masked.",
            "[2/5] not run client: The SDK is initialised and has somewhere to send to.",
            "[3/5] not run sample-rate: Error events are not sampled away.",
            "[4/5] not run environment: The environment is one Korrigo knows.",
            "[5/5] not run ingest: Sentry takes this DSN's key, from here.",
            "Next step: the events never leave the process; go to No DSN.",
            "https://korrigo.github.io/korrigo-handbook/runbooks/sentry-not-capturing-errors/#no-dsn",
            "(offline: python -m korrigo_sentry runbook sentry-not-capturing-errors --read)",
            "$ echo $?",
            "1",
        ]
    )


def _edit_link(site: Build, url_path: str) -> str:
    html = _page(site, url_path).read_text(encoding="utf-8")
    match = re.search(r'<a href="([^"]+)" title="Edit this page"', html)
    assert match, url_path
    return match.group(1)


@pytest.mark.slow
def test_runbook_edit_links_open_the_file_under_runbooks(site: Build) -> None:
    repo = "https://github.com/korrigo/korrigo-handbook/edit/main/"
    for book in BOOKS:
        assert _edit_link(site, f"runbooks/{book.slug}") == f"{repo}runbooks/{book.slug}.md"
    assert _edit_link(site, "runbooks") == f"{repo}runbooks/index.md"
    # every other page keeps its docs/ source
    assert _edit_link(site, "reference/alerts") == f"{repo}docs/reference/alerts.md"


def test_actions_override_is_materials_partial_plus_the_runbooks_path() -> None:
    """overrides/partials/actions.html differs from Material's only by the edit URL, so a
    Material upgrade that changes the partial is noticed here."""
    import material

    theirs = Path(material.__file__).parent / "templates" / "partials" / "actions.html"
    ours = runbooks.REPO_ROOT / "overrides" / "partials" / "actions.html"
    body = ours.read_text(encoding="utf-8").split("-#}\n", 1)[1]
    changed = (
        '{% set edit_url = page.edit_url | replace("/docs/runbooks/", "/runbooks/") '
        'if page.edit_url else "" %}\n{% if edit_url %}'
    )
    assert body.startswith(changed)
    restored = body.replace(changed, "{% if page.edit_url %}", 1).replace(
        "edit_url", "page.edit_url"
    )
    restored = restored.replace("page.page.edit_url", "page.edit_url")
    assert restored == theirs.read_text(encoding="utf-8").split("-#}\n", 1)[1]


@pytest.mark.slow
def test_search_indexes_each_runbooks_phrases_and_skips_the_printable_page(site: Build) -> None:
    import json

    index = json.loads((site.site / "search" / "search_index.json").read_text(encoding="utf-8"))
    docs = {doc["location"]: doc for doc in index["docs"]}
    for book in BOOKS:
        assert docs[f"runbooks/{book.slug}/"].get("tags") == list(book.front.tags)
    assert not [location for location in docs if location.startswith("runbooks/print/")]
