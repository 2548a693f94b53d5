"""A check for what no scrubber can catch: personal fields formatted into messages.

A student's name inside an exception message ("cannot grade Jeanne Martin's copy") has
no shape a detector could recognise, and no key. The only rule that works is at the
source: never format a personal field into an exception message, a log message, a
Sentry message or a breadcrumb; pass ids (`copy 42`), or the field under a key
(`extra={"student_name": ...}`), which the key rules filter.

`findings(source)` reads Python source with `ast` and reports each place that formats a
variable, attribute or subscript whose name is a denylisted key term (`student_name`,
`email`, `ocr_text`, `password`...) into such a message. `len(email)` and the like are
fine: only the value itself is reported.
"""

from __future__ import annotations

import ast
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from korrigo_sentry.privacy.keys import is_denied

#: Calls whose first argument is a message read by people (and sent to Sentry).
_LOG_METHODS = frozenset({"debug", "info", "warning", "warn", "error", "exception", "critical",
                          "log", "fatal"})  # fmt: skip
_SENTRY_CALLS = frozenset({"capture_message", "add_breadcrumb"})
#: Calls that pass a value through unchanged.
_SAME_VALUE = frozenset({"str", "repr", "format", "ascii"})


@dataclass(frozen=True)
class Finding:
    """One personal field formatted into a message: where, and which name."""

    path: str
    line: int
    name: str
    context: str

    def __str__(self) -> str:
        return f"{self.path}:{self.line}: `{self.name}` formatted into {self.context}"


def _name_of(node: ast.AST) -> str | None:
    """The identifier a value expression reads (`copy.student_name` -> student_name)."""
    if isinstance(node, ast.Name):
        return node.id
    if isinstance(node, ast.Attribute):
        return node.attr
    if isinstance(node, ast.Subscript):
        key = node.slice
        if isinstance(key, ast.Constant) and isinstance(key.value, str):
            return key.value
        return _name_of(node.value)
    if (
        isinstance(node, ast.Call)
        and isinstance(node.func, ast.Name)
        and node.func.id in _SAME_VALUE
        and node.args
    ):
        return _name_of(node.args[0])
    return None


def _formatted_values(node: ast.AST) -> Iterator[ast.expr]:
    """The values a message expression formats in: f-string fields, `%` and `.format()`
    arguments, `+` operands."""
    if isinstance(node, ast.JoinedStr):
        for part in node.values:
            if isinstance(part, ast.FormattedValue):
                yield part.value
    elif isinstance(node, ast.BinOp) and isinstance(node.op, ast.Mod):
        right = node.right
        yield from right.elts if isinstance(right, ast.Tuple) else [right]
    elif isinstance(node, ast.BinOp) and isinstance(node.op, ast.Add):
        for side in (node.left, node.right):
            if isinstance(side, ast.Constant):
                continue
            yield from (
                _formatted_values(side) if isinstance(side, ast.JoinedStr | ast.BinOp) else [side]
            )
    elif (
        isinstance(node, ast.Call)
        and isinstance(node.func, ast.Attribute)
        and node.func.attr == "format"
    ):
        yield from node.args
        yield from (k.value for k in node.keywords)
    elif isinstance(node, ast.Name | ast.Attribute | ast.Subscript):
        yield node


def _messages(tree: ast.AST) -> Iterator[tuple[str, ast.AST]]:
    """(context, expression) of every message in the tree."""
    for node in ast.walk(tree):
        if isinstance(node, ast.Raise) and isinstance(node.exc, ast.Call):
            for arg in node.exc.args:
                yield "an exception message", arg
        elif isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute | ast.Name):
            name = node.func.attr if isinstance(node.func, ast.Attribute) else node.func.id
            if name in _LOG_METHODS and isinstance(node.func, ast.Attribute):
                for arg in node.args:
                    yield "a log message", arg
            elif name in _SENTRY_CALLS:
                for arg in node.args[:1]:
                    yield f"a Sentry message ({name})", arg
                for keyword in node.keywords:
                    if keyword.arg == "message":
                        yield f"a Sentry message ({name})", keyword.value
            elif name == "add_note":
                for arg in node.args:
                    yield "an exception note", arg


def findings(source: str, path: str = "<source>") -> list[Finding]:
    """Every personal field formatted into a message in `source`."""
    found = []
    for context, message in _messages(ast.parse(source)):
        for value in _formatted_values(message):
            name = _name_of(value)
            if name and is_denied(name):
                found.append(Finding(path, value.lineno, name, context))
    return sorted(set(found), key=lambda f: (f.path, f.line, f.name))


def check_tree(root: Path) -> list[Finding]:
    """`findings` over every `.py` file under `root`."""
    return [
        finding
        for file in sorted(root.rglob("*.py"))
        for finding in findings(file.read_text(encoding="utf-8"), str(file))
    ]
