"""YAML data files read into pydantic models, with errors that name file, line and field.

The on-call data files the team edits by hand (contacts.yaml, the `server` and `actions`
blocks of oncall.yaml) are validated by pydantic through `korrigo_sentry.yaml_model` (the
one loader: errors name file, line and field). What this module adds: values still
written "<TO FILL: ...>" are placeholders, valid but listed by `unfilled()` so that the
site build can warn about them.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any, TypeVar

from pydantic import BaseModel

from korrigo_sentry.yaml_model import DataFileError, load_model

#: A value the team has not filled in yet: "<TO FILL: what goes here>".
PLACEHOLDER = re.compile(r"^<TO FILL: (?P<what>[^>]+)>$")

Model = TypeVar("Model", bound=BaseModel)

__all__ = ["PLACEHOLDER", "DataFileError", "is_placeholder", "load", "unfilled"]


def is_placeholder(value: str) -> bool:
    """True for a "<TO FILL: ...>" value."""
    return bool(PLACEHOLDER.match(value.strip()))


def load(path: Path, model: type[Model], key: str | None = None) -> Model:
    """`path` (or its `key` block) as a `model` (korrigo_sentry.yaml_model does the work)."""
    return load_model(path, model, key)


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
