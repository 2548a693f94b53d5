"""Where on-call steps run (compose file, services, shells) and the runbook review period.

The values live in `data/oncall.yaml`; this module reads them for the runbook header
(`runbook_header.py`), the site's macros and the tests that hold every page to them.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import yaml

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


def read(path: Path = ONCALL_YAML) -> OnCall:
    """Parse oncall.yaml (see its comments for the meaning of each key)."""
    # `encoding=None` (the locale's) or "UTF-8" read the same bytes: Python reads UTF-8 even
    # in the C locale (PEP 538/540), so the encoding's spelling is not mutated.
    text = path.read_text(encoding="utf-8")  # pragma: no mutate
    data = yaml.safe_load(text)
    places = {
        name: Place(name, **{k: str(v) for k, v in fields.items()})
        for name, fields in data["places"].items()
    }
    return OnCall(
        review_period_days=int(data["review_period_days"]),
        compose_command=data["compose"]["command"],
        compose_file=data["compose"]["file"],
        places=places,
    )


@cache
def oncall() -> OnCall:
    """oncall.yaml of the installed package, read once."""
    return read()
