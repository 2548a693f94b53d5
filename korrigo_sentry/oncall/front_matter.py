"""A runbook's front matter as a pydantic model: the same values whoever read the YAML.

The front matter reaches the code by three roads: `runbooks.parse` reads the page with
PyYAML, MkDocs hands over `page.meta` (its own YAML loader: `last_reviewed` is a date) and
Zensical hands over its `page.meta` (read by its Rust core: `last_reviewed` is the string
"2026-11-29"). Each road goes through `FrontMatter`, so a date is a `datetime.date`, a tag
list a tuple of strings, and a wrong value one sentence naming the page, the line (when the
page itself was read) and the field.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, field_validator, model_validator

from korrigo_sentry.oncall.where import oncall
from korrigo_sentry.yaml_model import parse_model, validate

Severity = Literal["critical", "high", "medium", "low"]


class FrontMatter(BaseModel):
    """The keys a runbook page opens with (runbooks/_template.md explains each)."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    alert: str | None = None  # an id of alerts.yaml, or...
    symptom: str | None = None  # ...what the on-call engineer sees
    severity: Severity
    owner: str
    last_reviewed: dt.date
    runs_in: str  # a place of oncall.yaml
    tags: tuple[str, ...] = ()  # what people type in the search box

    @field_validator("owner")
    @classmethod
    def _named(cls, owner: str) -> str:
        if not owner.strip():
            raise ValueError("name the team that owns the page")
        return owner

    @field_validator("runs_in")
    @classmethod
    def _a_place(cls, runs_in: str) -> str:
        oncall().place(runs_in)  # ValueError naming the known places
        return runs_in

    @model_validator(mode="after")
    def _alert_or_symptom(self) -> FrontMatter:
        if (self.alert is None) == (self.symptom is None):
            raise ValueError("give exactly one of `alert` and `symptom`")
        return self

    @property
    def subject(self) -> str:
        """`alert: <id>` or `symptom: <text>`."""
        return f"alert: {self.alert}" if self.alert else f"symptom: {self.symptom}"


def read(text: str, page: Path | str, first_line: int = 2) -> FrontMatter:
    """The front matter's YAML `text`, found at `first_line` of `page`."""
    return parse_model(text, FrontMatter, page, first_line)


def from_builder(meta: Mapping[str, Any], page: Path | str) -> FrontMatter:
    """A site builder's `page.meta` (MkDocs: dates; Zensical: strings) for `page`."""
    return validate(dict(meta), FrontMatter, page)
