"""The runbooks rendered for a terminal, with every value filled: what `runbook SLUG --read`
prints where there is no network and no site.

Why here and at build time: the values of a page come from `macros.py` (facts, alert
rules, rates, the quick checks), which is site-build code the wheel does not ship. So the
wheel's build step (setup.py) renders each runbook through the very macros the site uses
and packs the result as plain text; a checkout renders on demand. Rendering is Jinja over
the page, as mkdocs-macros does it (`macros.define_env` on a small stand-in for its
environment), then the site-only markup is turned into what reads well as text.
"""

from __future__ import annotations

import re
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import yaml

#: What the rendered pages of the wheel are called, inside `korrigo_sentry/_handbook/`.
FOLDER = "rendered"


class _Env:
    """What mkdocs-macros hands `define_env`, reduced to what macros.py uses."""

    def __init__(self, root: Path) -> None:
        self.variables: dict[str, Any] = {}
        self.filters: dict[str, Any] = {}
        self.macros: dict[str, Any] = {}
        self.project_dir = str(root)
        self.conf = {"docs_dir": "docs"}
        self.page: Any = None
        self.markdown = ""

    def filter(self, function: Any, name: str | None = None) -> None:
        self.filters[name or function.__name__] = function

    def macro(self, function: Any, name: str | None = None) -> None:
        self.macros[name or function.__name__] = function


_HTML_TAG = re.compile(r"</?(div|span|strong|em|a|br|p)\b[^>]*>")
_FACT_SOURCE = re.compile(r'\s*<small class="fact-source">.*?</small>', re.DOTALL)
#: `[text](target "title")`, the text possibly holding one level of brackets.
_LINK = re.compile(r'\[((?:[^\[\]]|\[[^\]]*\])*)\]\([^)\s]*(?: "[^"]*")?\)')
_ADMONITION = re.compile(r'^([ \t]*)(?:!!!|\?\?\?\+?) *(\w+)(?: +"([^"]*)")?[ \t]*$', re.MULTILINE)
_TAB = re.compile(r'^([ \t]*)=== +"([^"]*)"[ \t]*$', re.MULTILINE)
_FENCE_INFO = re.compile(r"^([ \t]*)(`{3,})[ \t]*\{?\.?([\w-]*)[^\n]*$", re.MULTILINE)
_FOOTNOTE_REF = re.compile(r"\[\^([^\]]+)\]")


def as_text(markdown: str) -> str:
    """Site-only markup made readable in a terminal: HTML tags, admonition and tab markers,
    fence attributes, link targets and fact citations go (the page online has them); the
    words stay."""
    text = _FACT_SOURCE.sub("", markdown)
    text = _LINK.sub(r"\1", text)
    text = _HTML_TAG.sub("", text)
    text = _ADMONITION.sub(
        lambda m: f"{m.group(1)}{(m.group(3) or m.group(2)).strip() or m.group(2)}:", text
    )
    text = _TAB.sub(lambda m: f"{m.group(1)}[{m.group(2)}]", text)
    text = _FENCE_INFO.sub(lambda m: f"{m.group(1)}{m.group(2)}{m.group(3)}", text)
    text = _FOOTNOTE_REF.sub(r"[\1]", text)
    return re.sub(r"\n{3,}", "\n\n", text).strip() + "\n"


def render_runbooks(root: Path) -> dict[str, str]:
    """Every runbook of `root/runbooks`, rendered as the site renders it, as text."""
    import jinja2

    import macros
    from korrigo_sentry.oncall import runbooks

    env = _Env(root)
    macros.define_env(env)
    jinja = jinja2.Environment(undefined=jinja2.StrictUndefined)
    jinja.filters.update(env.filters)
    rendered = {}
    for path in runbooks.runbook_paths(root / "runbooks"):
        source = path.read_text(encoding="utf-8")
        front, body = source.split("\n---", 1)[0], source.split("\n---", 1)[1].split("\n", 1)[1]
        meta = yaml.safe_load(front.removeprefix("---")) or {}
        env.page = SimpleNamespace(file=SimpleNamespace(src_uri=f"runbooks/{path.name}"), meta=meta)
        env.markdown = source
        text = jinja.from_string(body).render({**env.variables, **env.macros, "page": env.page})
        rendered[path.stem] = as_text(text)
    return rendered


def write(root: Path, target: Path) -> list[Path]:
    """Render every runbook into `target/<slug>.md`; the files written."""
    target.mkdir(parents=True, exist_ok=True)
    written = []
    for slug, text in render_runbooks(root).items():
        out = target / f"{slug}.md"
        out.write_text(text, encoding="utf-8")
        written.append(out)
    return written
