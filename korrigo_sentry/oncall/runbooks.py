"""Runbook pages as data: parse them, run their quick checks, render them for the site.

A runbook is a Markdown page of `runbooks/` whose front matter names an `alert` or a
`symptom`. Its "Quick checks" section is a list of python fences, each preceded by a
one-line title, followed by an `Expected:` paragraph and optionally an `If not:` paragraph
(the next step, with a link to the place on the page to go to). The same fences run as
doc tests under pytest (against the fake transport) and, through
`python -m korrigo_sentry runbook SLUG`, against the live configuration.

Pages are read with markdown-it-py, the parser the doc tests collect fences with, so the
command runs exactly the blocks CI runs.
"""

from __future__ import annotations

import functools
import io
import posixpath
import re
from collections.abc import Callable
from contextlib import redirect_stdout
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any, TextIO

from korrigo_sentry.oncall import front_matter, package_data
from korrigo_sentry.oncall.front_matter import FrontMatter
from korrigo_sentry.oncall.markdown import page_parser
from korrigo_sentry.oncall.where import oncall

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
#: The title of the collapsed block that holds a quick check's assertions (issue 13): the
#: reader copies the visible block, CI and the runbook command run both.
CI_CHECK_TITLE = "How CI checks this step"
CI_CHECK_PREFIX = "How CI checks this"  # also "How CI checks this: <what>" (CI-only proofs)


class RunbookError(ValueError):
    """A runbook page does not follow the template."""


@dataclass(frozen=True)
class QuickCheck:
    """One quick check: a python fence with its title, expected result and next step."""

    title: str
    code: str
    line: int  # the fence's first code line in the page (1-based)
    expected: str = ""
    if_not: str = ""
    link: str = ""  # where `if_not` sends the reader: `#anchor` or a relative page link
    where: str = ""  # the fence's title: where a reader runs it (a label of oncall.yaml)
    ci_check: str = ""  # the collapsed "How CI checks this step" continuation: the asserts
    ci_line: int = 0  # its first code line in the page


@dataclass(frozen=True)
class Runbook:
    """One parsed runbook page."""

    slug: str
    path: Path
    title: str
    front: FrontMatter
    sections: tuple[str, ...]
    checks: tuple[QuickCheck, ...] = field(default_factory=tuple)

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
        page = page.removesuffix("index").rstrip("/")
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
    checks: list[QuickCheck] = []
    paragraph = ""
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
            paragraph = ""
        elif token.type == "inline" and tokens[index - 1].type == "paragraph_open":
            if not sections or sections[-1] != QUICK_CHECKS or token.level != 1:
                continue
            paragraph = token.content.strip()
            if checks and paragraph.startswith("Expected:"):
                checks[-1] = _with(checks[-1], expected=paragraph.removeprefix("Expected:"))
            elif checks and paragraph.startswith("If not:"):
                body = paragraph.removeprefix("If not:")
                checks[-1] = _with(checks[-1], if_not=body, link=first_link(body))
        elif token.type == "fence" and sections and sections[-1] == QUICK_CHECKS and token.map:
            language, options = _fence_info(token.info)
            if language != "python":
                continue
            if token.level == 0 and "continuation" not in options:
                where = _TITLE.search(token.info)
                checks.append(
                    QuickCheck(
                        plain(paragraph),
                        token.content,
                        token.map[0] + 2,
                        where=where.group(1) if where else "",
                    )
                )
            elif checks and "continuation" in options and _in_ci_check(tokens, index):
                checks[-1] = replace(checks[-1], ci_check=token.content, ci_line=token.map[0] + 2)
    if front is None:
        raise RunbookError(f"{path}: no front matter; start the page as runbooks/_template.md does")
    return Runbook(path.stem, path, title, front, tuple(sections), tuple(checks))


_TITLE = re.compile(r'title="([^"]*)"')


def _fence_info(info: str) -> tuple[str, set[str]]:
    """(language, bare options) of a fence's info: `python title="x"`, `{.python continuation}`."""
    words = _TITLE.sub("", info).strip().strip("{}").split()
    language = words[0].lstrip(".") if words else ""
    return language, set(words[1:])


def _in_ci_check(tokens: list[Any], index: int) -> bool:
    """True when the fence at `index` sits in a "How CI checks this step" admonition."""
    for token in reversed(tokens[:index]):
        if token.type == "admonition_open":
            return CI_CHECK_TITLE in token.info
        if token.level == 0:
            return False
    return False


def _with(check: QuickCheck, **changes: str) -> QuickCheck:
    values = {**check.__dict__, **{k: v.strip() for k, v in changes.items()}}
    return QuickCheck(**values)


def runbook_paths(directory: Path = RUNBOOK_DIR) -> list[Path]:
    """The runbook pages: front matter naming an alert or a symptom; `_*.md` excluded."""
    if not directory.is_dir():
        raise RunbookError(package_data.MISSING_PAGES)
    found = []
    for path in sorted(directory.glob("*.md")):
        if path.name.startswith("_"):
            continue
        head = path.read_text(encoding="utf-8").split("\n---", 1)[0]
        if head.startswith("---") and re.search(r"^(alert|symptom):", head, re.MULTILINE):
            found.append(path)
    return found


def load_runbooks(directory: Path = RUNBOOK_DIR) -> list[Runbook]:
    """Every runbook, alerts first (in alerts.yaml order), then symptoms by title."""
    books = [parse(p) for p in runbook_paths(directory)]
    alerts = [b for b in books if b.front.alert]
    symptoms = sorted((b for b in books if not b.front.alert), key=lambda b: b.title)
    return alerts + symptoms


def get_runbook(slug: str, directory: Path = RUNBOOK_DIR) -> Runbook:
    """The runbook `<slug>.md`; RunbookError naming the known slugs otherwise."""
    path = directory / f"{slug}.md"
    if path not in runbook_paths(directory):
        known = ", ".join(p.stem for p in runbook_paths(directory))
        raise RunbookError(f"no runbook {slug!r}; known: {known}")
    return parse(path)


# --- running quick checks -----------------------------------------------------------------


@dataclass(frozen=True)
class CheckResult:
    """What one quick check printed, and whether it passed."""

    check: QuickCheck
    passed: bool
    output: str


def run_check(book: Runbook, check: QuickCheck) -> CheckResult:
    """Execute one quick check's block, then its CI check, in a fresh namespace, capturing
    what they print. The code is padded so that a traceback's line numbers are the page's.
    """
    namespace: dict[str, Any] = {"__name__": f"runbook:{book.slug}"}
    printed = io.StringIO()
    parts = [(check.line, check.code), (check.ci_line, check.ci_check)]
    try:
        with redirect_stdout(printed):
            for line, code in parts:
                if code:
                    source = "\n" * (line - 1) + code
                    exec(compile(source, str(book.path), "exec"), namespace)
    except AssertionError as exc:
        return CheckResult(check, False, f"FAILED: {str(exc) or 'assertion failed'}")
    except Exception as exc:
        return CheckResult(check, False, f"ERROR: {type(exc).__name__}: {exc}")
    lines = [line for line in printed.getvalue().splitlines() if line.strip()]
    return CheckResult(check, True, "; ".join(lines) or "ok")


def run_quick_checks(book: Runbook) -> list[CheckResult]:
    """Run `book`'s quick checks in order, up to and including the first that fails."""
    results = []
    for check in book.checks:
        results.append(run_check(book, check))
        if not results[-1].passed:
            break
    return results


def _label(width: int, name: str) -> str:
    return f"{'':{width}}{name + ':':10}"


def run_runbook(book: Runbook, out: TextIO) -> bool:
    """Run `book`'s quick checks in order, print each beside its expected result.

    Stops at the first failure and prints the page's next step and its URL.
    """
    total = len(book.checks)
    print(f"Runbook: {book.title} ({book.subject})", file=out)
    print(f"Page:    {book.url}", file=out)
    print(f"Running {total} quick checks against this environment.", file=out)
    for number, check in enumerate(book.checks, 1):
        result = run_check(book, check)
        print(f"\n[{number}/{total}] {check.title}", file=out)
        print(f"{_label(6, 'result')}{result.output}", file=out)
        print(f"{_label(6, 'expected')}{plain(check.expected)}", file=out)
        if not result.passed:
            step = plain(check.if_not) or "continue with the page's Diagnosis section."
            print(f"\nStopped at check {number} of {total}.", file=out)
            print(f"Next step: {step}", file=out)
            print(f"  {link_url(book.slug, check.link or '#diagnosis')}", file=out)
            return False
    print(f"\nAll {total} quick checks passed.", file=out)
    print("If the problem persists, continue with the Diagnosis section:", file=out)
    print(f"  {page_url(book.slug, 'diagnosis')}", file=out)
    return True


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
    """One runbook's Markdown for the printable page: no front matter, no CI checks,
    headings one level down, same-page links pointing at the runbook's own page."""
    text = without_ci_checks(book.path.read_text(encoding="utf-8"))
    # The header macro reads the page's front matter; here the page is the printable one.
    for macro in ("runbook_header", "first_command_again"):  # they name the page they are on
        text = text.replace(f"{{{{ {macro}() }}}}", f'{{{{ {macro}("{book.slug}") }}}}')
    if text.startswith("---"):
        text = text.split("\n---", 1)[1].split("\n", 1)[1]
    out, in_fence = [], False
    for line in text.splitlines():
        if _FENCE_LINE.match(line):
            in_fence = not in_fence
        elif not in_fence:
            line = _HEADING.sub(lambda m: "#" + m.group(1) + " ", line)
            line = _SAME_PAGE_LINK.sub(rf"]({book.slug}.md#\1)", line)
        out.append(line)
    return "\n".join(out).strip() + "\n"


@functools.lru_cache(maxsize=64)  # the printable page asks for every runbook on each build
def without_ci_checks(text: str) -> str:
    """`text` without what only CI runs: the "How CI checks this..." blocks and the fences
    titled with the `ci` place of oncall.yaml (drills, proofs). What a reader prints.

    A removed proof (a CI fence, a "How CI checks this: ..." block) leaves a one-line note
    in its place, at its indentation, so that the sentence introducing it does not point at
    nothing on paper; a quick check's own assertions ("How CI checks this step") go silently.
    """
    ci_title = f'title="{oncall().place("ci").label}"'
    lines = text.split("\n")
    for token in reversed(page_parser().parse(text)):
        ci_check = token.type == "admonition_open" and CI_CHECK_PREFIX in token.info
        ci_fence = token.type == "fence" and ci_title in token.info
        if (ci_check or ci_fence) and token.map:
            start, end = token.map
            if ci_check:  # the parser's map may run past the block: its body is indented
                end = _indented_block_end(lines, start)
            while end < len(lines) and not lines[end].strip():
                end += 1  # and the blank lines after it
            indent = lines[start][: len(lines[start]) - len(lines[start].lstrip())]
            step = ci_check and CI_CHECK_TITLE in token.info
            lines[start:end] = [] if step else [indent + PRINT_ONLY_NOTE, ""]
    return "\n".join(lines)


#: What stands, on paper, for a CI-only block a sentence introduced.
PRINT_ONLY_NOTE = "*(On the site only: CI runs this against the demo app.)*"


def _indented_block_end(lines: list[str], start: int) -> int:
    """The line after an admonition opened at `start`: its body is indented or blank."""
    end = start + 1
    while end < len(lines) and (not lines[end].strip() or lines[end].startswith("    ")):
        end += 1
    while end > start + 1 and not lines[end - 1].strip():
        end -= 1
    return end


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
