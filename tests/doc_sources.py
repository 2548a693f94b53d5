"""The handbook's Markdown sources and the code fences in them, read independently of pytest."""

from __future__ import annotations

import re
import shlex
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PYTHON_LANGS = {"py", "python", "python3"}
SHELL_LANGS = {"bash", "sh", "shell", "console"}

# A fence opener at any indentation: ```python, ```{.python continuation}, ~~~py ...
_FENCE = re.compile(r"^(?P<indent>\s*)(?P<mark>`{3,}|~{3,})\s*\{?\.?(?P<lang>[\w+-]*)(?P<rest>.*)$")


@dataclass(frozen=True)
class Fence:
    """One fenced code block: where it is, its language, options and body."""

    path: Path
    line: int  # 1-based line of the opening fence
    indent: int
    lang: str
    options: str
    body: str


def markdown_files() -> list[Path]:
    """Every page source: docs/ (without the runbooks link) and runbooks/."""
    docs = [
        p
        for p in (ROOT / "docs").rglob("*.md")
        if "runbooks" not in p.relative_to(ROOT / "docs").parts
    ]
    return sorted(docs + list((ROOT / "runbooks").rglob("*.md")))


def fences(path: Path) -> Iterator[Fence]:
    """Every fenced block of `path`, found line by line (no Markdown parser involved)."""
    lines = path.read_text(encoding="utf-8").splitlines()
    i = 0
    while i < len(lines):
        match = _FENCE.match(lines[i])
        if not match:
            i += 1
            continue
        indent, mark = len(match["indent"]), match["mark"]
        body: list[str] = []
        j = i + 1
        while j < len(lines) and not lines[j].strip().startswith(mark):
            body.append(lines[j][indent:])
            j += 1
        yield Fence(
            path, i + 1, indent, match["lang"].lower(), match["rest"].strip("{} "), "\n".join(body)
        )
        i = j + 1


def python_fences() -> list[Fence]:
    """All Python fences of the handbook."""
    return [f for p in markdown_files() for f in fences(p) if f.lang in PYTHON_LANGS]


def korrigo_commands(under: str = "docs") -> list[tuple[Fence, list[str]]]:
    """`python -m korrigo_sentry ...` lines of shell fences below `under`, as argument lists."""
    found = []
    for path in markdown_files():
        if path.relative_to(ROOT).parts[0] != under:
            continue
        for fence in fences(path):
            if fence.lang not in SHELL_LANGS:
                continue
            for line in fence.body.splitlines():
                line = line.strip().removeprefix("$ ")
                if line.startswith("python -m korrigo_sentry"):
                    command = line.split(" #", 1)[0]
                    found.append((fence, shlex.split(command)[3:]))
    return found
