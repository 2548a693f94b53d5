"""Every page, loaded once per device, and what each load must show.

A page load costs Chromium most of a second (Material's bundle, the search worker building
its index), so each page is visited once per device and everything these tests check is read
during that visit.

- On a desktop (1280x800), every page: the responses and console, the copy buttons, the
  tables' widths, whether anything is wider than the screen, axe-core in the light scheme
  (full default ruleset) and the dark one (the colour rules: Material's `slate` changes
  colours only), each runbook's header with its first command in the first screen, and the
  home page's "Paged? Start here". The home page and a runbook are photographed on both
  devices (artifacts/screenshots/, for the CI artifact).
- On a phone (390x844, two screen pixels per CSS pixel), the pages where the narrow screen
  matters: those with a table, the runbooks and the home page; the same checks but axe, and
  on each runbook: no code block scrolls sideways, every copy button is 44 px or more.

Material's search index is requested and parsed on every visit but not built
(chromium.withhold_search_index): these checks never search.

The pages are split into parts that xdist workers share; each part is one test that reports
every failed check, by check and page. The figures (first command offsets, where the home
page's table ends) go to artifacts/runbook-layout/.
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pytest
from playwright.sync_api import Browser
from playwright.sync_api import TimeoutError as PlaywrightTimeoutError

from korrigo_sentry.oncall import runbooks
from tests.browser import axe, built_site, chromium
from tests.browser.page_scripts import (
    COPY_BUTTONS,
    NO_COPY,
    PHONE_CODE,
    RUNBOOK_HEADER,
    SIDEWAYS,
    START_HERE,
    TABLE_WIDTHS,
    too_wide,
)
from tests.browser.test_runbook_layout import report

DEVICES = {"desktop": chromium.DESKTOP, "phone": chromium.PHONE}
#: CSS pixels per screen pixel: a phone's screen is dense (the layout, in CSS px, is the same).
SCALE = {"desktop": 1, "phone": 2}
PARTS = {"desktop": 4, "phone": 2}
BOOKS = runbooks.load_runbooks()
RUNBOOK_PAGES = {f"runbooks/{book.slug}/": book.slug for book in BOOKS}
ALERT_RUNBOOKS = sum(1 for book in BOOKS if book.front.alert)
HEADER_LABELS = ("Severity", "Owner", "Last reviewed", "Also known as")
#: On a phone the search phrases give way to the page (runbooks.css hides them there), so
#: an urgent runbook's containment box comes a screen sooner.
PHONE_HEADER_LABELS = ("Severity", "Owner", "Last reviewed")
MIN_TARGET = 44  # px: WCAG 2.5.5's target size, Apple's and Google's guidelines
#: Pages photographed on each device during their visit (artifacts/screenshots/, kept by CI).
SHOTS = {"": "home", next(p for p in RUNBOOK_PAGES if "quota" in p): "runbook"}
PNG = b"\x89PNG\r\n\x1a\n"
#: The runbook that shows a command a reader must not run as is (`env | grep SENTRY` prints
#: the DSN's key): shown, without a copy button.
DISCOURAGED = ("runbooks/sentry-not-capturing-errors/", "env | grep SENTRY")


@dataclass(frozen=True)
class Visit:
    """What one page showed while it was loaded (and, on a desktop, audited)."""

    path: str
    device: str
    height: int  # the viewport's: the first screen ends there
    status: int
    requests: int
    problems: list[str]
    copy_buttons: list[bool]
    tables: list[dict]
    sideways: int  # px the page scrolls sideways (0: nothing wider than the screen)
    has_table: bool  # the built HTML has a <table>: the visit must have measured one
    axe: dict[str, dict]  # "light" / "dark" -> axe's raw results (desktop only)
    runbook: dict | None  # RUNBOOK_HEADER's reading
    index_docs: int | None  # documents of the search index the page handed its worker (desktop)
    phone_code: dict | None  # PHONE_CODE's reading, on a runbook on a phone
    screenshot: bytes | None  # the whole page, one pixel per CSS pixel (pages of SHOTS)
    no_copy: dict  # NO_COPY's reading
    start_here: dict | None  # START_HERE's reading, on the home page


def pages_for(device: str, site_dir: Path, all_pages: list[str]) -> list[str]:
    """Every page on a desktop; on a phone, those with a table, the runbooks and home."""
    if device == "desktop":
        return all_pages
    narrow = {*built_site.pages_containing(site_dir, "<table"), *RUNBOOK_PAGES, ""}
    return [path for path in all_pages if path in narrow]


def _visit_part(
    browser: Browser, base_url: str, site_dir: Path, device: str, paths: list[str], shots: Path
) -> list[Visit]:
    viewport = DEVICES[device]
    context = browser.new_context(
        viewport=viewport, color_scheme="light", device_scale_factor=SCALE[device]
    )
    chromium.withhold_search_index(context)
    traffic = chromium.guard(context)
    page = context.new_page()
    visits = []
    for path in paths:
        traffic.clear()
        page.emulate_media(color_scheme="light")
        html = site_dir / (path if path.endswith(".html") else path + "index.html")
        source = html.read_text(encoding="utf-8")
        # The checks read the layout, which is settled once Material's script has run (the
        # copy buttons, below), except where a diagram is drawn by a script loaded late:
        # there the page is read once the network is idle.
        wait = "networkidle" if 'class="mermaid"' in source else "load"
        response = page.goto(base_url + path, wait_until=wait)
        assert response is not None
        # Material adds the copy buttons once its script has run: wait (up to 10 s) for them.
        with contextlib.suppress(PlaywrightTimeoutError):
            page.wait_for_function(f"({COPY_BUTTONS})().every(Boolean)", timeout=10_000)
        # read the layout first, at the top of the page, before an audit moves anything
        runbook = page.evaluate(RUNBOOK_HEADER)
        start_here = page.evaluate(START_HERE) if path == "" else None
        copy_buttons = page.evaluate(COPY_BUTTONS)
        no_copy = page.evaluate(NO_COPY)
        tables = page.evaluate(TABLE_WIDTHS)
        sideways = page.evaluate(SIDEWAYS)
        on_phone = device == "phone" and path in RUNBOOK_PAGES
        phone_code = page.evaluate(PHONE_CODE) if on_phone else None
        screenshot = None
        if path in SHOTS:  # the page as it loaded, light, before any audit
            file = shots / f"{SHOTS[path]}-{device}.png"
            screenshot = page.screenshot(path=file, full_page=True, scale="css")
        audits = axe.audit_in_each_scheme(page, path) if device == "desktop" else {}
        if device == "desktop":
            # A late request to another host is still seen: the traffic is read once the
            # network has been idle for 500 ms, which the audits above mostly waited out.
            page.wait_for_load_state("networkidle")
        index_docs = page.evaluate("window.__korrigoIndexWithheld ?? null")
        visits.append(
            Visit(
                path=path,
                device=device,
                height=viewport["height"],
                status=response.status,
                requests=len(traffic.requests),
                problems=traffic.problems(),
                copy_buttons=copy_buttons,
                tables=tables,
                sideways=sideways,
                has_table="<table" in source,
                axe=audits,
                runbook=runbook,
                start_here=start_here,
                index_docs=index_docs if device == "desktop" else None,
                phone_code=phone_code,
                screenshot=screenshot,
                no_copy=no_copy,
            )
        )
    context.close()
    return visits


def _load_problems(v: Visit) -> list[str]:
    found = [*v.problems, *([f"page answered HTTP {v.status}"] if v.status >= 400 else [])]
    # on a desktop the visit lasts until the network is idle: the index has arrived by then
    if v.device == "desktop" and not v.index_docs:
        found.append(f"the search index reached the page with {v.index_docs} documents")
    return found


def _copy_problems(v: Visit) -> list[str]:
    if all(v.copy_buttons):
        return []
    return [f"{sum(v.copy_buttons)} of {len(v.copy_buttons)} code blocks have a copy button"]


def _no_copy_problems(v: Visit) -> list[str]:
    found = [f"{b['text'][:40]!r} has a copy button" for b in v.no_copy["shown"] if b["buttons"]]
    path, command = DISCOURAGED
    if v.path == path:
        if not any(command in b["text"] for b in v.no_copy["shown"]):
            found.append(f"{command!r} is not shown in a block without a copy button")
        if v.no_copy["copyable"] <= 5:  # Material's copy buttons are there for the others
            found.append(f"only {v.no_copy['copyable']} blocks have a copy button")
    return found


def _table_problems(v: Visit) -> list[str]:
    if v.has_table and not v.tables:
        return ["the page has a table, none was measured"]
    return [
        f"{t['head']!r}: {t['wrapScroll']} px in {t['wrapClient']} px" for t in too_wide(v.tables)
    ]


def _sideways_problems(v: Visit) -> list[str]:
    return [f"the page scrolls {v.sideways} px sideways"] if v.sideways > 0 else []


def _axe_problems(v: Visit) -> list[str]:
    if not v.axe:  # not audited on a phone
        return []
    found = [
        f"{scheme}: {line}" for scheme, r in v.axe.items() for line in axe.blocking(r["violations"])
    ]
    # in the dark scheme, exactly the colour rules ran
    if sorted(axe.rules_run(v.axe["dark"])) != axe.COLOUR_RULES:
        found.append(f"dark: axe ran {sorted(axe.rules_run(v.axe['dark']))}")
    return found


def _runbook_header_problems(v: Visit) -> list[str]:
    slug = RUNBOOK_PAGES.get(v.path)
    if slug is None:
        return []
    header = v.runbook
    if header is None:
        return ["no runbook header"]
    labels = PHONE_HEADER_LABELS if v.device == "phone" else HEADER_LABELS
    found = [f"no {label} in the header" for label in labels if label not in header["text"]]
    if v.device == "phone" and "Also known as" in header["text"]:
        found.append("the search phrases take room in the header on a phone")
    if f"python -m korrigo_sentry check {slug}" not in header["command"]:
        found.append(f"the header's first command is {header['command']!r}")
    elif header["bottom"] > v.height:
        found.append(f"the first command ends at {header['bottom']:.0f} px, below the fold")
    return found


def _small_buttons(code: dict) -> list[list[float]]:
    return [size for size in code["buttons"] if min(size) < MIN_TARGET]


def _phone_code_problems(v: Visit) -> list[str]:
    if v.device != "phone" or v.path not in RUNBOOK_PAGES:
        return []
    code = v.phone_code
    if code is None:
        return ["its code blocks were not read"]
    found = [f"a code block scrolls sideways: {line!r}" for line in code["sideways"]]
    found += [f"a copy button of {w:.0f}x{h:.0f} px" for w, h in _small_buttons(code)]
    if not code["buttons"]:
        found.append("no copy button is shown")
    return found


def _screenshot_problems(v: Visit) -> list[str]:
    if v.path not in SHOTS:
        return []
    png, size = v.screenshot, DEVICES[v.device]
    if png is None or png[:8] != PNG:
        return ["no PNG was taken"]
    width, height = int.from_bytes(png[16:20], "big"), int.from_bytes(png[20:24], "big")
    if width != size["width"] or height < size["height"]:
        return [
            f"the screenshot is {width}x{height} px on a {size['width']}x{size['height']} screen"
        ]
    return []


def _start_here_problems(v: Visit) -> list[str]:
    if v.path != "":
        return []
    first = v.start_here
    if first is None:
        return ["no section with a table"]
    found = []
    if first["heading"] != "Paged? Start here":
        found.append(f"the first section is {first['heading']!r}")
    # Each alert with a runbook links it; an alert without one yet links the Alerts page.
    pages = [h for h in first["hrefs"] if "/runbooks/" in h]
    others = [h for h in first["hrefs"] if "/runbooks/" not in h]
    if len(pages) != ALERT_RUNBOOKS or not all(h.endswith("/reference/alerts/") for h in others):
        found.append(f"its table links {first['hrefs']}, not the {ALERT_RUNBOOKS} alert runbooks")
    if first["bottom"] > v.height:
        found.append(f"its table ends at {first['bottom']:.0f} px, below the fold")
    return found


CHECKS: dict[str, Callable[[Visit], list[str]]] = {
    "loads without errors or foreign requests": _load_problems,
    "every code block has a copy button": _copy_problems,
    "a command not to run as is has no copy button": _no_copy_problems,
    "every table fits the content column": _table_problems,
    "nothing is wider than the screen": _sideways_problems,
    "no serious or critical axe-core violation, light and dark (desktop)": _axe_problems,
    "a runbook's header and first command are in the first screen": _runbook_header_problems,
    f"on a phone, a runbook's commands wrap and its copy buttons are {MIN_TARGET} px": (
        _phone_code_problems
    ),
    "the home page starts with 'Paged? Start here' in the first screen": _start_here_problems,
    "a screenshot of the whole page is kept (home and a runbook)": _screenshot_problems,
}


def report_figures(device: str, part: int, visits: list[Visit]) -> None:
    """The figures this part measured: artifacts/runbook-layout/visits-<device>-part<n>.md."""
    size = f"{DEVICES[device]['width']}x{DEVICES[device]['height']}"
    lines = []
    for v in visits:
        if v.path in RUNBOOK_PAGES and v.runbook and v.runbook["top"] is not None:
            top, bottom = round(v.runbook["top"]), round(v.runbook["bottom"])
            lines.append(f"- {v.path}: first command from {top} to {bottom} px")
        if v.phone_code:
            code, small = v.phone_code, _small_buttons(v.phone_code)
            lines.append(f"- {v.path}: {len(code['sideways'])} of {code['blocks']} code blocks "
                         f"scroll sideways; {len(code['buttons'])} copy buttons, "
                         f"{len(small)} under {MIN_TARGET} px")  # fmt: skip
        if v.start_here:
            bottom = round(v.start_here["bottom"])
            lines.append(f"- home: 'Paged? Start here' table ends at {bottom} px")
    report(f"visits-{device}-part{part}", f"At {size}, part {part}", lines)


@pytest.mark.parametrize(
    ("device", "part"),
    [(device, part) for device, parts in PARTS.items() for part in range(parts)],
    ids=lambda value: value if isinstance(value, str) else f"part{value}",
)
def test_every_page(
    browser: Browser,
    base_url: str,
    site_dir: Path,
    all_pages: list[str],
    screenshots_dir: Path,
    device: str,
    part: int,
) -> None:
    paths = pages_for(device, site_dir, all_pages)[part :: PARTS[device]]
    visits = _visit_part(browser, base_url, site_dir, device, paths, screenshots_dir)
    report_figures(device, part, visits)
    assert visits
    assert all(v.requests >= 1 for v in visits)  # the request listener did see the traffic
    if device == "desktop":
        ran = {rule: tags for v in visits for rule, tags in axe.rules_run(v.axe["light"]).items()}
        best_practice = {rule for rule, tags in ran.items() if "best-practice" in tags}
        assert {"aria-dialog-name", "landmark-one-main", "region", "heading-order"} <= best_practice
    failed = {
        check: problems
        for check, find in CHECKS.items()
        if (problems := {v.path or "(home)": found for v in visits if (found := find(v))})
    }
    assert failed == {}


def test_the_phone_pass_covers_the_runbooks_the_tables_and_home(
    site_dir: Path, all_pages: list[str]
) -> None:
    phone = set(pages_for("phone", site_dir, all_pages))
    assert {"", "runbooks/quota-exhausted/", "reference/alerts/"} <= phone
    assert "getting-started/install/" not in phone  # no table there
