"""YAML data files read into pydantic models, with errors that name file, line and field.

The on-call data files the team edits by hand (contacts.yaml, the `server` and `actions`
blocks of oncall.yaml) are validated by pydantic; what pydantic cannot say is where in the
file a bad value is, so this module maps each error's field path back to the YAML line
(PyYAML's node marks). Values still written "<TO FILL: ...>" are placeholders: valid, but
listed by `unfilled()` so that the site build can warn about them.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any, TypeVar

import yaml
from pydantic import BaseModel, ValidationError

#: A value the team has not filled in yet: "<TO FILL: what goes here>".
PLACEHOLDER = re.compile(r"^<TO FILL: (?P<what>[^>]+)>$")

Model = TypeVar("Model", bound=BaseModel)


class DataFileError(ValueError):
    """A data file breaks its model; the message names the file, the line and the field."""


def is_placeholder(value: str) -> bool:
    """True for a "<TO FILL: ...>" value."""
    return bool(PLACEHOLDER.match(value.strip()))


def _node_at(node: yaml.Node | None, path: Sequence[Any]) -> yaml.Node | None:
    """The YAML node at `path` (mapping keys and list indexes), or the deepest one found."""
    for part in path:
        if isinstance(node, yaml.MappingNode):
            found = next((v for k, v in node.value if k.value == str(part)), None)
            if found is None:
                return node
            node = found
        elif isinstance(node, yaml.SequenceNode) and isinstance(part, int):
            if part >= len(node.value):
                return node
            node = node.value[part]
        else:
            return node
    return node


def line_of(text: str, path: Sequence[Any]) -> int:
    """The 1-based line of the value at `path` in the YAML `text` (1 if it cannot be told)."""
    try:
        node = _node_at(yaml.compose(text), path)
    except yaml.YAMLError:
        return 1
    return node.start_mark.line + 1 if node is not None else 1


def load(path: Path, model: type[Model], key: str | None = None) -> Model:
    """`path` (or its `key` block) as a `model`; a DataFileError naming file, line, field."""
    try:
        text = path.read_text(encoding="utf-8")
        data = yaml.safe_load(text)
    except (OSError, UnicodeDecodeError) as error:
        raise DataFileError(f"{path}: cannot be read ({error}); restore it from git") from None
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None)
        line = mark.line + 1 if mark else 1
        raise DataFileError(f"{path}, line {line}: not valid YAML; fix the syntax") from None
    prefix: list[Any] = [key] if key else []
    block = data.get(key) if key and isinstance(data, dict) else data
    try:
        return model.model_validate(block)
    except ValidationError as error:
        first = error.errors()[0]
        where = [*prefix, *first["loc"]]
        field = ".".join(str(part) for part in where) or "(the whole file)"
        raise DataFileError(
            f"{path}, line {line_of(text, where)}, field {field}: {first['msg']}"
        ) from None


def strings(value: Any, path: tuple[Any, ...] = ()) -> Iterator[tuple[tuple[Any, ...], str]]:
    """(field path, text) of every string in a model dump (for finding placeholders)."""
    if isinstance(value, str):
        yield path, value
    elif isinstance(value, dict):
        for key, item in value.items():
            yield from strings(item, (*path, key))
    elif isinstance(value, list | tuple):
        for index, item in enumerate(value):
            yield from strings(item, (*path, index))


def unfilled(model: BaseModel, prefix: tuple[Any, ...] = ()) -> list[tuple[str, str]]:
    """(field, what goes there) for every "<TO FILL: ...>" value of `model`."""
    found = []
    for path, text in strings(model.model_dump(), prefix):
        match = PLACEHOLDER.match(text.strip())
        if match:
            found.append((".".join(str(p) for p in path), match.group("what")))
    return found
