"""Frame variables by allowlist: what a local may keep, whatever its name.

Frame variables carry most of what slips past key rules and detectors: a copy of
`request.META` or `os.environ` kept in a local, a form's fields, a database row, a
student's name in a variable called `label`. The SDK has already turned each value into
its repr when the pipeline sees it (`'Dupont'`, `42`, `<Student pk=12>`), so the policy
reads reprs:

- numbers (a card number excepted), booleans and `None` are kept;
- an object's repr keeps its type (`<Student: Dupont Jeanne>` -> `<Student>`), the repr
  Korrigo gives personal models (`<Student pk=12>`) whole;
- a string keeps only its shape: `<str len=23>`;
- containers keep their keys (when they look like identifiers) and their shape, their
  values by the same rules.

`FRAME_LOCALS_POLICY` chooses between this (`"allowlist"`) and the denylist and detectors
alone (`"denylist"`); the privacy page gives the measurements behind the choice.
"""

from __future__ import annotations

import re
from typing import Any

from korrigo_sentry.privacy.event import scrub_number
from korrigo_sentry.privacy.rule import FILTERED, Rule

#: "allowlist" (this module) or "denylist" (key rules and detectors only).
FRAME_LOCALS_POLICY = "allowlist"

_NUMBER = re.compile(r"-?\d+(?:\.\d+)?(?:e[+-]?\d+)?")
_KORRIGO_REPR = re.compile(r"<\w+ (?:pk|name)=[^<>]*>|<\w+: <\w+ pk=[^<>]*>>")
_OBJECT = re.compile(r"<([A-Za-z_][\w.]*)")
_IDENTIFIER = re.compile(r"[A-Za-z_][A-Za-z0-9_.-]{0,63}")
_CONSTANTS = frozenset({"True", "False", "None", "[Filtered]", "<cyclic>", "<broken repr>"})


def shape(value: Any) -> Any:
    """What the allowlist keeps of one frame variable's (serialised) value."""
    kind = type(value)
    if value is None or kind is bool or kind is float:
        return value
    if kind is int:
        return scrub_number(value)
    if kind is dict:
        return {
            (k if type(k) is str and _IDENTIFIER.fullmatch(k) else "<key>"): shape(v)
            for k, v in value.items()
        }
    if kind is list:
        return [shape(v) for v in value]
    if not isinstance(value, str):
        return f"<{kind.__name__}>"
    text = str.__str__(value)
    if text in _CONSTANTS or text.startswith(FILTERED):
        return text
    if _NUMBER.fullmatch(text):
        digits = text.removeprefix("-")
        return FILTERED if digits.isdigit() and scrub_number(int(digits)) == FILTERED else text
    if _KORRIGO_REPR.fullmatch(text):
        return text
    found = _OBJECT.match(text)
    if found:
        return f"<{found.group(1)}>"
    return f"<str len={len(text.strip(chr(39) + chr(34)))}>"


def apply(frames: list[dict[str, Any]]) -> None:
    """Every frame's `vars` reduced by the allowlist, in place."""
    if FRAME_LOCALS_POLICY != "allowlist":
        return
    for frame in frames:
        if isinstance(frame.get("vars"), dict):
            frame["vars"] = shape(frame["vars"])


RULES: list[Rule] = [
    Rule("frame_locals_allowlist", "allowlist", "frame variables: numbers (cards excepted), "
         "booleans, `None`, objects' type names and containers' keys kept; every string "
         "reduced to its length (`<str len=23>`)",
         "a local can hold anything under any name: only its shape is safe to send"),
]  # fmt: skip
