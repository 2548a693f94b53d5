"""Where on-call steps run (compose file, services, shells) and the runbook review period.

The values live in `data/oncall.yaml`; this module parses them (pydantic models: a wrong
value is one sentence naming the file, the line and the field) for the runbook header
(`handbook/runbook_layout.py`), the site's macros and the tests that hold every page to them.
A place may name its compose service by role (`role: worker`): the name is then Korrigo's,
read from `data/korrigo.yaml` for the compose file (the worker is Korrigo's `celery`).
"""

from __future__ import annotations

import datetime as dt
from functools import cache
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, model_validator

from korrigo_sentry.korrigo import Korrigo, korrigo
from korrigo_sentry.yaml_model import DataFileError, load_model

ONCALL_YAML = Path(__file__).resolve().parent.parent / "data" / "oncall.yaml"


class Place(BaseModel):
    """Where a step runs: a label a reader recognises, the compose service, how to get there."""

    # `label: 7` reads as the text written, "7" (YAML makes it a number).
    model_config = ConfigDict(extra="forbid", frozen=True, coerce_numbers_to_str=True)

    id: str = ""  # the key under `places:` (filled in by OnCall)
    label: str = Field(min_length=1)
    service: str = ""
    role: str = ""  # a service role of korrigo.yaml; read() fills `service` from it
    open: str = ""


class Compose(BaseModel):
    """How a compose command is spelled: `<command> -f <file>`."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    command: str = Field(min_length=1)
    file: str = Field(min_length=1)


class OnCall(BaseModel):
    """The contents of oncall.yaml."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    review_period_days: int = Field(gt=0)
    compose_spelling: Compose = Field(alias="compose")  # `compose` is the joined string
    places: dict[str, Place]
    # The server the host steps run on and the runbooks' actions: validated by steps.py's
    # own models (which read this file too); named here so that a misspelt key still fails.
    server: Any = None
    actions: Any = None

    @model_validator(mode="after")
    def _ids(self) -> OnCall:
        """Each place knows its own key (`place.id`), as the header's first command needs."""
        for name, place in self.places.items():
            object.__setattr__(place, "id", name)
        return self

    @property
    def compose(self) -> str:
        """The one spelling of a compose command: `docker compose -f <file>`."""
        return f"{self.compose_spelling.command} -f {self.compose_spelling.file}"

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


def read(path: Path = ONCALL_YAML, facts: Korrigo | None = None) -> OnCall:
    """Parse oncall.yaml (see its comments); a place's `role` becomes the name of Korrigo's
    service playing it in the compose file (korrigo.yaml, or `facts`)."""
    data = load_model(path, OnCall)
    if not any(place.role for place in data.places.values()):
        return data
    try:
        compose_file = (facts or korrigo()).compose(data.compose_spelling.file)
        places = {
            name: place.model_copy(update={"service": compose_file.by_role(place.role).name})
            if place.role
            else place
            for name, place in data.places.items()
        }
    except ValueError as exc:
        raise DataFileError(f"{path}: {exc}; fix oncall.yaml or korrigo.yaml") from None
    return data.model_copy(update={"places": places})


@cache
def oncall() -> OnCall:
    """oncall.yaml of the installed package, read once."""
    return read()
