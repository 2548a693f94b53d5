"""Find personal fields formatted into log calls and exception messages (ast, no import).

A log call is `<name containing "log">.debug/info/warning/error/exception/critical/log(...)`
(Korrigo's `logger`, `audit_logger`, `logging`); an exception message is the first argument
of `raise SomeError(...)`. The message is flagged when it formats a personal expression: an
f-string, `%`, `.format(...)`, `+` concatenation, or the logging module's own `%s`
arguments (sent to Sentry as the message's parameters). Written by hand: linters (ruff's
G and flake8-logging) check the formatting style, none knows which fields are personal.
"""

from __future__ import annotations

import ast
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from korrigo_sentry.lint.fields import PersonalFields, personal_fields

LOG_METHODS = {"debug", "info", "warning", "warn", "error", "exception", "critical", "log"}
#: Folders never read: third-party code, migrations and Korrigo's tests (not run in production).
SKIPPED_DIRS = {".git", ".venv", "venv", "node_modules", "migrations", "tests", "__pycache__"}


@dataclass(frozen=True)
class Finding:
    """One personal expression formatted into a message."""

    path: Path
    line: int
    where: str  # "a log message" or "an exception message"
    style: str  # f-string, %, .format, concatenation, logging arguments
    expression: str
    instead: str

    def __str__(self) -> str:
        return (
            f"{self.path}:{self.line}: {self.expression} is formatted into {self.where} "
            f"({self.style}): Sentry receives it as written; format {self.instead} instead"
        )


def _chain(node: ast.expr) -> list[str] | None:
    """`request.user.username` -> ["request", "user", "username"]; None for other shapes."""
    parts: list[str] = []
    while isinstance(node, ast.Attribute):
        parts.append(node.attr)
        node = node.value
    if isinstance(node, ast.Call):  # student.get_full_name() -> its function's chain
        return _chain(node.func)
    if isinstance(node, ast.Name):
        parts.append(node.id)
        return parts[::-1]
    return None


def _personal(expression: ast.expr, fields: PersonalFields) -> tuple[str, str] | None:
    """(the name that makes `expression` personal, its fix), or None."""
    for node in _values(expression, fields):
        chain = _chain(node)
        if not chain:
            continue
        last = chain[-1]
        field_fix = next((f.instead for f in fields.fields if f.name == last), None)
        if field_fix:
            return last, field_fix
        if last in fields.safe_attributes:
            continue
        for part in chain:
            object_fix = next((o.instead for o in fields.objects if o.name == part), None)
            if object_fix:
                return part, object_fix
    return None


def _values(node: ast.expr, fields: PersonalFields) -> Iterator[ast.expr]:
    """The outermost Name/Attribute/Call chains of `node`, skipping safe calls' arguments."""
    if isinstance(node, ast.Attribute | ast.Name):
        yield node
        return
    if isinstance(node, ast.Call):
        func = _chain(node.func)
        if func and func[-1] in fields.safe_calls:
            return
        if isinstance(node.func, ast.Attribute) and _chain(node.func):
            yield node  # a method call: judged by its chain (get_full_name)
        for argument in [*node.args, *(k.value for k in node.keywords)]:
            yield from _values(argument, fields)
        return
    for child in ast.iter_child_nodes(node):
        if isinstance(child, ast.expr):
            yield from _values(child, fields)


def _formatted(message: ast.expr) -> tuple[str, list[ast.expr]] | None:
    """(style, the expressions formatted into `message`), or None for a plain message."""
    if isinstance(message, ast.JoinedStr):
        return "f-string", [v.value for v in message.values if isinstance(v, ast.FormattedValue)]
    if isinstance(message, ast.BinOp) and isinstance(message.op, ast.Mod):
        right = message.right
        return "%", list(right.elts) if isinstance(right, ast.Tuple) else [right]
    if isinstance(message, ast.BinOp) and isinstance(message.op, ast.Add):
        return "concatenation", [message.left, message.right]
    if (
        isinstance(message, ast.Call)
        and isinstance(message.func, ast.Attribute)
        and message.func.attr == "format"
    ):
        return ".format", [*message.args, *(k.value for k in message.keywords)]
    return None


def _is_log_call(node: ast.Call) -> bool:
    func = node.func
    if not isinstance(func, ast.Attribute) or func.attr not in LOG_METHODS:
        return False
    base = _chain(func.value)
    return bool(base) and "log" in ".".join(base).lower()  # type: ignore[arg-type]


def check_source(source: str, path: Path, fields: PersonalFields | None = None) -> list[Finding]:
    """Every finding in one file's source (SyntaxError propagates)."""
    fields = fields or personal_fields()
    findings: list[Finding] = []
    for node in ast.walk(ast.parse(source, filename=str(path))):
        if isinstance(node, ast.Call) and _is_log_call(node) and node.args:
            is_log = isinstance(node.func, ast.Attribute) and node.func.attr == "log"
            args = node.args[1:] if is_log else node.args  # log(level, message, ...)
            if not args:
                continue
            found = _formatted(args[0])
            if found is None and len(args) > 1:
                found = ("logging arguments", list(args[1:]))
            findings += _report(found, path, node, "a log message", source, fields)
        elif isinstance(node, ast.Raise) and isinstance(node.exc, ast.Call) and node.exc.args:
            found = _formatted(node.exc.args[0])
            findings += _report(found, path, node, "an exception message", source, fields)
    return sorted(findings, key=lambda f: f.line)


def _report(
    found: tuple[str, list[ast.expr]] | None,
    path: Path,
    node: ast.AST,
    where: str,
    source: str,
    fields: PersonalFields,
) -> list[Finding]:
    if found is None:
        return []
    style, expressions = found
    out = []
    for expression in expressions:
        personal = _personal(expression, fields)
        if personal is not None:
            text = ast.get_source_segment(source, expression) or personal[0]
            line = getattr(expression, "lineno", getattr(node, "lineno", 0))
            out.append(Finding(path, line, where, style, " ".join(text.split()), personal[1]))
    return out


def python_files(root: Path) -> Iterator[Path]:
    """The .py files under `root` (or `root` itself), tests and third-party code left out."""
    if root.is_file():
        yield root
        return
    for path in sorted(root.rglob("*.py")):
        parts = set(path.relative_to(root).parts[:-1])
        if parts & SKIPPED_DIRS or path.name.startswith("test_") or path.name == "conftest.py":
            continue
        yield path


def check_tree(root: Path) -> tuple[list[Finding], list[str]]:
    """Findings under `root`, and one sentence per file that could not be read or parsed."""
    findings: list[Finding] = []
    problems: list[str] = []
    for path in python_files(root):
        try:
            findings += check_source(path.read_text(encoding="utf-8"), path)
        except (SyntaxError, UnicodeDecodeError) as exc:
            problems.append(f"{path}: not checked, not valid Python ({exc.__class__.__name__})")
    return findings, problems
