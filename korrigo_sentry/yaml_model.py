"""Load a YAML data file into a pydantic model; an error names the file, the line and the field.

pydantic says which field is wrong (`probe_paths.2.path`) but not where it is in the file:
the YAML node tree (`yaml.compose`) keeps each value's line, so the field's location is
looked up there (`line_of`, also used by the alerts loader, which words its own errors).
Written by hand because neither PyYAML nor pydantic joins the two.
`parse_model` does the same for YAML that sits inside another file (a page's front matter,
which starts on the page's second line).
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any, TypeVar

import yaml
from pydantic import BaseModel, ValidationError

Model = TypeVar("Model", bound=BaseModel)

#: PyYAML's libyaml parser when the wheel has it (the manylinux ones do): ten times faster
#: than the pure-Python one (9 against 93 ms for the package's data files), which every
#: command and every live reload pays. Same constructor and resolver, so the same values.
SafeLoader: type[yaml.SafeLoader] = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


def read_yaml(text: str) -> Any:
    """`yaml.safe_load`, through libyaml when available."""
    return yaml.load(text, Loader=SafeLoader)


def compose_yaml(text: str) -> Any:
    """`yaml.compose` (the node tree, with each value's line), through libyaml when available."""
    return yaml.compose(text, Loader=SafeLoader)


class DataFileError(ValueError):
    """A data file breaks its model: one sentence naming file, line and field."""


def load_model(path: Path, model: type[Model], key: str | None = None) -> Model:
    """`path` (or its top-level `key` block) validated as `model`; DataFileError naming
    file, line and field, also when the file cannot be read."""
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as error:
        raise DataFileError(f"{path}: cannot be read ({error}); restore it from git") from None
    return parse_model(text, model, path, key=key)


def parse_model(
    text: str, model: type[Model], source: Path | str, first_line: int = 1, key: str | None = None
) -> Model:
    """YAML `text` (found at `first_line` of `source`, or its `key` block) validated as `model`."""
    try:
        data = read_yaml(text)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        line = f" line {mark.line + first_line}" if mark is not None else ""
        problem = getattr(exc, "problem", None)
        why = f" ({problem})" if problem else ""
        raise DataFileError(f"{source}{line}: not valid YAML{why}; fix the file") from None
    prefix: tuple[Any, ...] = ()
    if key is not None:
        data = data.get(key) if isinstance(data, dict) else None
        prefix = (key,)
    return validate(data, model, source, None, first_line, prefix, text=text)


def validate(
    data: Any,
    model: type[Model],
    source: Path | str,
    node: Any = None,
    first_line: int = 1,
    prefix: tuple[Any, ...] = (),
    text: str | None = None,
) -> Model:
    """Already-parsed `data` validated as `model`; `node` (yaml.compose) locates the line;
    `prefix`: where `data` sits in that node's tree (a block of a bigger file). With `text`
    instead of `node`, the tree is composed from it only when the model refuses the data."""
    try:
        return model.model_validate(data)
    except ValidationError as exc:
        error = exc.errors()[0]
        loc = (*prefix, *error["loc"])
        field = ".".join(str(part) for part in loc) or "(top level)"
        if node is None and text is not None:
            node = compose_yaml(text)
        line = f" line {line_of(node, loc) + first_line - 1}" if node is not None else ""
        message = f"{source}{line}, field {field}: {error['msg']}; fix the file"
        raise DataFileError(message) from None


def line_of(node: Any, loc: Sequence[Any]) -> int:
    """The 1-based line of the deepest node of pydantic's error location `loc` in the YAML
    tree `node` (yaml.compose). A part with no node is passed over: a tagged union's tag
    (`monitors.1.metric.threshold`) or a missing field (its mapping's line)."""
    if node is None:
        return 1
    for part in loc:
        if isinstance(node, yaml.MappingNode):
            node = next((value for key, value in node.value if key.value == str(part)), node)
        elif isinstance(node, yaml.SequenceNode) and isinstance(part, int):
            node = node.value[part] if part < len(node.value) else node
    return int(node.start_mark.line) + 1
