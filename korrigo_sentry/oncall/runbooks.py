"""Runbook pages as data: parse them (front matter, title, sections), render them for the site.

A runbook is a Markdown page of `runbooks/` whose front matter names an `alert` or a
`symptom`. Its "Quick checks" are not in the page: they are functions of
`korrigo_sentry.oncall.checks`, which the page renders (`quick_checks` macro) and
`python -m korrigo_sentry check SLUG` runs; nothing of a page is executed at run time.

Pages are read with markdown-it-py, the parser the doc tests collect fences with.
"""

from __future__ import annotations

import functools
import posixpath
import re
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from korrigo_sentry.oncall import front_matter, package_data
from korrigo_sentry.oncall.front_matter import FrontMatter
from korrigo_sentry.oncall.markdown import page_parser

#: Where the pages are read: the wheel's copy, or the checkout (`package_data`).
REPO_ROOT = package_data.REPO_ROOT
RUNBOOK_DIR = package_data.runbook_dir()
MKDOCS_YML = REPO_ROOT / "mkdocs.yml"

#: Every runbook's second-level sections, in this order (the template, enforced by a test).
SECTIONS: tuple[str, ...] = (
    "Summary",
    "Impact and severity",
    "Quick checks (first five minutes)",
    "Diagnosis",
    "Mitigation",
    "Escalation",
    "Verification",
    "Related",
)
QUICK_CHECKS = SECTIONS[2]
#: The old form of a runbook's proofs (before issue 23): a fence titled "CI only: ..." or a
#: collapsed "How CI checks this ..." block of assertions. A page holding one is refused: its
#: checks are functions now (korrigo_sentry/oncall/checks/, tests/runbooks/).
OLD_CI_FENCE = 'title="CI only'
OLD_CI_BLOCK = "How CI checks this"


class RunbookError(ValueError):
    """A runbook page does not follow the template."""


@dataclass(frozen=True)
class Runbook:
    """One parsed runbook page."""

    slug: str
    path: Path
    title: str
    front: FrontMatter
    sections: tuple[str, ...]

    @property
    def url(self) -> str:
        """The page on the built site."""
        return page_url(self.slug)

    @property
    def subject(self) -> str:
        """`alert: <id>` or `symptom: <text>`."""
        return self.front.subject


# --- site URLs ----------------------------------------------------------------------------


_TolerantLoader = package_data.TolerantLoader


def site_url() -> str:
    """The site's address, ending with a slash (mkdocs.yml's `site_url`, or the wheel's copy)."""
    try:
        return package_data.site_url()
    except package_data.PackageDataError as exc:
        raise RunbookError(str(exc)) from None


def page_url(slug: str, anchor: str = "") -> str:
    """`<site_url>runbooks/<slug>/#anchor`."""
    return f"{site_url()}runbooks/{slug}/" + (f"#{anchor}" if anchor else "")


def link_url(slug: str, link: str) -> str:
    """The site URL of a link written on runbook `slug` (`#a`, `other.md#a`, `../x/y.md`)."""
    if not link or link.startswith("#"):
        return page_url(slug, link[1:])
    path, _, anchor = link.partition("#")
    page = posixpath.normpath(posixpath.join("runbooks", path)).removesuffix(".md")
    if page == "index" or page.endswith("/index"):
        page = page.removesuffix("index").removesuffix("/")
    base = f"{site_url()}{page}/" if page else site_url()
    return base + (f"#{anchor}" if anchor else "")


# --- parsing ------------------------------------------------------------------------------

_LINK = re.compile(r"\[([^\]]*)\]\(([^)]*)\)")
_MARKUP = re.compile(r"\*\*|__")


def plain(text: str) -> str:
    """Inline Markdown as a terminal shows it: links become their text, markup goes;
    code spans are kept verbatim (without their backticks)."""
    parts = re.split(r"(`[^`]*`)", text)
    shown = [
        part[1:-1] if part.startswith("`") else _MARKUP.sub("", _LINK.sub(r"\1", part))
        for part in parts
    ]
    return "".join(shown).replace("\n", " ").strip()


def first_link(text: str) -> str:
    """The first link's target in `text` (`[x](#no-dsn)` -> `#no-dsn`), or ''."""
    for _, target in _LINK.findall(text):
        return target
    return ""


def parse(path: Path) -> Runbook:
    """Parse one runbook page (cached until the file changes)."""
    return _parse(path, path.stat().st_mtime_ns)


@functools.lru_cache(maxsize=256)
def _parse(path: Path, mtime_ns: int) -> Runbook:
    text = path.read_text(encoding="utf-8")
    tokens = page_parser().parse(text)
    front: FrontMatter | None = None
    title = ""
    sections: list[str] = []
    for index, token in enumerate(tokens):
        if token.type == "front_matter":
            try:
                front = front_matter.read(token.content, path)
            except ValueError as exc:
                raise RunbookError(str(exc)) from None
        elif token.type == "heading_open":
            heading = tokens[index + 1].content.strip()
            if token.tag == "h1" and not title:
                title = heading
            elif token.tag == "h2":
                sections.append(heading)
        elif _old_ci_proof(token):
            line = token.map[0] + 1 if token.map else 0
            module = path.stem.replace("-", "_")
            raise RunbookError(
                f"{path} line {line}: a CI-only block ({token.info.strip()}); a runbook's "
                f"checks are functions now: put the step on-call runs in "
                f"korrigo_sentry/oncall/checks/{module}.py and the proof in "
                f"tests/runbooks/test_{module}.py, as runbooks/_template.md shows"
            )
    if front is None:
        raise RunbookError(f"{path}: no front matter; start the page as runbooks/_template.md does")
    return Runbook(path.stem, path, title, front, tuple(sections))


def _old_ci_proof(token: Any) -> bool:
    """A fence titled "CI only: ..." or a "How CI checks this ..." block (the old form)."""
    if token.type == "fence":
        return OLD_CI_FENCE in token.info
    return token.type == "admonition_open" and OLD_CI_BLOCK in token.info


def runbook_paths(directory: Path = RUNBOOK_DIR) -> list[Path]:
    """The runbook pages: front matter naming an alert or a symptom; `_*.md` excluded."""
    if not directory.is_dir():
        raise RunbookError(package_data.MISSING_PAGES)
    found = []
    for path in sorted(directory.glob("*.md")):
        if path.name.startswith("_"):
            continue
        text = path.read_text(
            encoding="utf-8",  # pragma: no mutate (any spelling, or the locale's: UTF-8)
        )
        head = text.partition("\n---")[0]
        if head.startswith("---") and re.search(r"^(alert|symptom):", head, re.MULTILINE):
            found.append(path)
    return found


def load_runbooks(directory: Path = RUNBOOK_DIR) -> list[Runbook]:
    """Every runbook, alerts first (in alerts.yaml order), then symptoms by title."""
    from korrigo_sentry.alerts import load_rules

    books = [parse(p) for p in runbook_paths(directory)]
    # alerts.yaml's order (the file names' order matched it until korrigo-down came in);
    # a page naming an alert the file lacks comes after, in file order.
    order = {rule.id: index for index, rule in enumerate(load_rules())}
    alerts = sorted(
        (b for b in books if b.front.alert),
        key=lambda b: order.get(str(b.front.alert), len(order)),
    )
    symptoms = sorted((b for b in books if not b.front.alert), key=lambda b: b.title)
    return alerts + symptoms


def get_runbook(slug: str, directory: Path = RUNBOOK_DIR) -> Runbook:
    """The runbook `<slug>.md`; RunbookError naming the known slugs otherwise."""
    path = directory / f"{slug}.md"
    if path not in runbook_paths(directory):
        known = ", ".join(p.stem for p in runbook_paths(directory))
        raise RunbookError(f"no runbook {slug!r}; known: {known}")
    return parse(path)


# --- for the site (called from macros.py) ---------------------------------------------------


def list_table(directory: Path = RUNBOOK_DIR) -> str:
    """A Markdown table of every runbook: title (linked), alert or symptom, severity, owner."""
    rows = ["| Runbook | For | Severity | Owner |", "|---|---|---|---|"]
    for book in load_runbooks(directory):
        subject = book.subject.replace("|", "\\|")
        link = f"[{book.title}]({book.slug}.md)"
        rows.append(f"| {link} | {subject} | {book.front.severity} | {book.front.owner} |")
    return "\n".join(rows)


_HEADING = re.compile(r"^(#{1,5}) ", re.MULTILINE)
_FENCE_LINE = re.compile(r"^\s*(`{3,}|~{3,})")
_SAME_PAGE_LINK = re.compile(r"\]\(#([^)]+)\)")


def printable_page(book: Runbook) -> str:
    """One runbook's Markdown for the printable page: no front matter, headings one level
    down, same-page links pointing at the runbook's own page."""
    text = book.path.read_text(
        encoding="utf-8",  # pragma: no mutate (any spelling, or the locale's: UTF-8)
    )
    # The header macro reads the page's front matter; here the page is the printable one.
    # they name the page they are on
    for macro in ("runbook_header", "first_command_again", "quick_checks"):
        text = text.replace(f"{{{{ {macro}() }}}}", f'{{{{ {macro}("{book.slug}") }}}}')
    if text.startswith("---"):
        text = text.partition("\n---")[2].partition("\n")[2]
    out, in_fence = [], False
    for line in text.splitlines():
        if _FENCE_LINE.match(line):
            in_fence = not in_fence
        elif not in_fence:
            line = _HEADING.sub(lambda m: "#" + m.group(1) + " ", line)
            line = _SAME_PAGE_LINK.sub(rf"]({book.slug}.md#\1)", line)
        out.append(line)
    return "\n".join(out).strip() + "\n"


def printable(render: Callable[[str], str] = str, directory: Path = RUNBOOK_DIR) -> str:
    """Every runbook on one page, each rendered by `render` (the macros' Jinja renderer)."""
    parts = [render(printable_page(book)) for book in load_runbooks(directory)]
    return "\n\n---\n\n".join(parts)


def _renderer(env: Any) -> Callable[[str], str]:
    """mkdocs-macros' `env.render`; Zensical's port has none yet, so Jinja is called directly."""
    if hasattr(env, "render"):
        return env.render

    def render(text: str) -> str:
        import jinja2

        jinja = jinja2.Environment(undefined=jinja2.StrictUndefined)
        jinja.filters.update(env.filters)
        return jinja.from_string(text).render({**env.variables, **env.macros})

    return render


def define_macros(env: Any) -> None:
    """Register the runbook macros on a mkdocs-macros `env` (called by macros.py)."""
    env.macro(list_table, "runbooks_table")
    env.macro(lambda: printable(_renderer(env)), "runbooks_printable")
