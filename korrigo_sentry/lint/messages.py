"""Find personal values formatted into messages: the one check (ast, no import).

What no scrubber can catch: a student's name inside a message has no shape a detector could
recognise, and no key. The messages read: a log call,
`<name containing "log">.debug/info/warning/error/exception/critical/fatal/log(...)`
(Korrigo's `logger`, `audit_logger`, `logging`); the arguments of `raise SomeError(...)`;
`capture_message` and `add_breadcrumb`'s message; an exception's `add_note`. A message is
flagged when it formats a personal expression: an f-string, `%`, `.format(...)`, `+`
concatenation, the logging module's own `%s` arguments (sent to Sentry as the message's
parameters), or the value alone as the message. Personal: a field or object of
`data/personal_fields.yaml` (with its fix), else a name the key rules deny
(`privacy.keys.is_denied`: `student_name`, `email`, `ocr_text`...). Written by hand:
linters (ruff's G and flake8-logging) check the formatting style, none knows which fields
are personal.
"""

from __future__ import annotations

import ast
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from korrigo_sentry.lint.fields import PersonalFields, personal_fields
from korrigo_sentry.privacy.keys import is_denied

LOG_METHODS = {"debug", "info", "warning", "warn", "error", "exception", "critical", "fatal",
               "log"}  # fmt: skip
#: sentry_sdk's calls whose first argument (or `message=`) is a message read by people.
SENTRY_CALLS = {"capture_message", "add_breadcrumb"}
#: The fix for a name only the key rules know as personal.
KEYED = "an id (or pass the value in extra={...}, where the key rules filter it)"
#: Folders never read: third-party code, migrations and Korrigo's tests (not run in production).
SKIPPED_DIRS = {".git", ".venv", "venv", "node_modules", "migrations", "tests", "__pycache__"}


@dataclass(frozen=True)
class Finding:
    """One personal expression formatted into a message."""

    path: Path
    line: int
    where: str  # "a log message", "an exception message", "a Sentry message (...)", ...
    style: str  # f-string, %, .format, concatenation, logging arguments, the value
    expression: str
    instead: str
    name: str  # what makes it personal: `student_name`, `user`...

    def __str__(self) -> str:
        return (
            f"{self.path}:{self.line}: {self.expression} is formatted into {self.where} "
            f"({self.style}): Sentry receives it as written; format {self.instead} instead"
        )


def _chain(node: ast.expr) -> list[str] | None:
    """`request.user.username` -> ["request", "user", "username"], `row["last_name"]` ->
    ["row", "last_name"], `email[0]` -> ["email"]; None for other shapes."""
    parts: list[str] = []
    while isinstance(node, ast.Attribute | ast.Subscript):
        if isinstance(node, ast.Attribute):
            parts.append(node.attr)
        elif isinstance(node.slice, ast.Constant) and isinstance(node.slice.value, str):
            parts.append(node.slice.value)
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
        if is_denied(last):
            return last, KEYED
    return None


def _values(node: ast.expr, fields: PersonalFields) -> Iterator[ast.expr]:
    """The outermost Name/Attribute/Call chains of `node`, skipping safe calls' arguments."""
    if isinstance(node, ast.Attribute | ast.Name | ast.Subscript):
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
    """(style, the expressions formatted into `message`), or None for a literal message."""
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
    if isinstance(message, ast.Name | ast.Attribute | ast.Subscript):
        return "the value as the message", [message]
    return None


def _is_log_call(node: ast.Call) -> bool:
    func = node.func
    if not isinstance(func, ast.Attribute) or func.attr not in LOG_METHODS:
        return False
    base = _chain(func.value)
    return bool(base) and any("log" in part.lower() for part in base)  # type: ignore[union-attr]


def _messages(node: ast.AST) -> Iterator[tuple[str, ast.expr, list[ast.expr]]]:
    """(where, the message, the logging call's own arguments) of each message `node` holds."""
    if isinstance(node, ast.Raise) and isinstance(node.exc, ast.Call):
        for argument in node.exc.args:
            yield "an exception message", argument, []
    if not (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute | ast.Name)):
        return
    name = node.func.attr if isinstance(node.func, ast.Attribute) else node.func.id
    if _is_log_call(node):
        args = node.args[1:] if name == "log" else node.args  # log(level, message, ...)
        if args:
            yield "a log message", args[0], list(args[1:])
    elif name in SENTRY_CALLS:
        where = f"a Sentry message ({name})"
        yield from ((where, a, []) for a in node.args[:1])  # capture_message(message, level)
        yield from ((where, k.value, []) for k in node.keywords if k.arg == "message")
    elif name == "add_note" and isinstance(node.func, ast.Attribute):
        yield from (("an exception note", a, []) for a in node.args)


def check_source(source: str, path: Path, fields: PersonalFields | None = None) -> list[Finding]:
    """Every finding in one file's source, in line order (SyntaxError propagates)."""
    fields = fields or personal_fields()
    findings: set[Finding] = set()
    for node in ast.walk(ast.parse(source, filename=str(path))):
        for where, message, arguments in _messages(node):
            findings.update(_report(_formatted(message), path, where, source, fields))
            # `log.info(f"copy {copy.pk}: %s", student.email)`: the logging arguments
            # are sent too, however the message itself is written.
            if arguments:
                found = ("logging arguments", arguments)
                findings.update(_report(found, path, where, source, fields))
    return sorted(findings, key=lambda f: (f.line, f.name, f.expression))


def _report(
    found: tuple[str, list[ast.expr]] | None,
    path: Path,
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
            text = (
                ast.get_source_segment(source, expression)
                or (
                    personal[0]  # pragma: no mutate (a parsed node always has its position)
                )
            )
            line = expression.lineno
            expression_text = " ".join(text.split())
            out.append(Finding(path, line, where, style, expression_text, personal[1], personal[0]))
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
            text = path.read_text(
                encoding="utf-8",  # pragma: no mutate (UTF-8 spelled otherwise, or the locale's)
            )
            findings += check_source(text, path)
        except (SyntaxError, UnicodeDecodeError) as exc:
            problems.append(f"{path}: not checked, not valid Python ({exc.__class__.__name__})")
    return findings, problems
