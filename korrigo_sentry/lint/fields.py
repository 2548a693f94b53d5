"""The personal fields the linter looks for: `data/personal_fields.yaml`, parsed."""

from __future__ import annotations

from functools import cache
from pathlib import Path

from pydantic import BaseModel, ConfigDict, Field

from korrigo_sentry.yaml_model import load_model

PERSONAL_FIELDS_YAML = Path(__file__).resolve().parent.parent / "data" / "personal_fields.yaml"


class Named(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    name: str = Field(pattern=r"^[A-Za-z_][A-Za-z0-9_]*$")
    instead: str = Field(min_length=3)


class PersonalFields(BaseModel):
    """The contents of personal_fields.yaml."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    fields: tuple[Named, ...]
    objects: tuple[Named, ...]
    safe_attributes: tuple[str, ...]
    safe_calls: tuple[str, ...]

    def instead(self, name: str) -> str | None:
        """The fix for a personal field or object `name`; None when it is not personal."""
        for entry in (*self.fields, *self.objects):
            if entry.name == name:
                return entry.instead
        return None


def read(path: Path = PERSONAL_FIELDS_YAML) -> PersonalFields:
    """Parse personal_fields.yaml (DataFileError naming file, line and field)."""
    return load_model(path, PersonalFields)


@cache
def personal_fields() -> PersonalFields:
    """personal_fields.yaml of the installed package, read once."""
    return read()
