"""Where on-call steps run (compose file, services, shells) and the runbook review period.

The values live in `data/oncall.yaml`; this module reads them for the runbook header
(`runbook_header.py`), the site's macros and the tests that hold every page to them. A
place names a service by its role; the service's name is Korrigo's, from `data/korrigo.yaml`
(the worker is Korrigo's `celery` service).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ConfigDict, Field

from korrigo_sentry.korrigo import Korrigo, korrigo
from korrigo_sentry.oncall.yaml_models import DataFileError, load

ONCALL_YAML = Path(__file__).resolve().parent.parent / "data" / "oncall.yaml"


@dataclass(frozen=True)
class Place:
    """Where a step runs: a label a reader recognises, the compose service, how to get there."""

    id: str
    label: str
    service: str = ""
    open: str = ""


@dataclass(frozen=True)
class OnCall:
    """The contents of oncall.yaml."""

    review_period_days: int
    compose_command: str
    compose_file: str
    places: dict[str, Place]

    @property
    def compose(self) -> str:
        """The one spelling of a compose command: `docker compose -f <file>`."""
        return f"{self.compose_command} -f {self.compose_file}"

    def exec_in(self, place: str, command: str) -> str:
        """`command` run inside the container of `place`, typed on the host."""
        service = self.place(place).service
        if not service:
            raise ValueError(f"{place!r} is not a container: run {command!r} as it is")
        return f"{self.compose} exec {service} {command}"

    def place(self, name: str) -> Place:
        """A place by id; a ValueError naming the known ones otherwise."""
        try:
            return self.places[name]
        except KeyError:
            known = ", ".join(self.places)
            raise ValueError(f"unknown place {name!r} in oncall.yaml; known: {known}") from None

    def review_overdue(self, reviewed: dt.date, today: dt.date) -> bool:
        """True when `reviewed` is more than the review period before `today`."""
        return (today - reviewed).days > self.review_period_days


class _Strict(BaseModel):
    # A YAML number where text is meant (`label: 7`) is read as the text written.
    model_config = ConfigDict(extra="forbid", frozen=True, coerce_numbers_to_str=True)


class _Compose(_Strict):
    command: str
    file: str


class _Place(_Strict):
    label: str
    role: str = ""
    open: str = ""


class _OnCallFile(_Strict):
    review_period_days: int = Field(gt=0)
    compose: _Compose
    places: dict[str, _Place]
    # The `server` and `actions` blocks are steps.py's (validated there).
    server: dict[str, Any] | None = None
    actions: dict[str, Any] | None = None


def read(path: Path = ONCALL_YAML, facts: Korrigo | None = None) -> OnCall:
    """Parse oncall.yaml (see its comments); service names come from korrigo.yaml."""
    data = load(path, _OnCallFile)
    facts = facts or korrigo()
    try:
        compose_file = facts.compose(data.compose.file)
        services = {
            name: compose_file.by_role(place.role).name if place.role else ""
            for name, place in data.places.items()
        }
    except ValueError as exc:
        raise DataFileError(f"{path}: {exc}; fix oncall.yaml or korrigo.yaml") from None
    places = {
        name: Place(name, place.label, services[name], place.open)
        for name, place in data.places.items()
    }
    return OnCall(
        review_period_days=data.review_period_days,
        compose_command=data.compose.command,
        compose_file=data.compose.file,
        places=places,
    )


@cache
def oncall() -> OnCall:
    """oncall.yaml of the installed package, read once."""
    return read()
