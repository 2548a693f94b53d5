"""Who a runbook tells the paged engineer to call: `data/contacts.yaml`, validated.

Escalation steps name a contact by id (`backend_lead`, `data_protection_officer`...); the
site prints the person from this file, so a change of on-call lead is one edit, not a hunt
through nine pages. Values still "<TO FILL: ...>" are shown marked on the page and listed
on the build's log until the team fills them in.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path
from typing import Annotated

from pydantic import BaseModel, ConfigDict, StringConstraints

from korrigo_sentry.oncall import yaml_models

CONTACTS_YAML = Path(__file__).resolve().parent.parent / "data" / "contacts.yaml"

Text = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=200)]


class Contact(BaseModel):
    """One person (or rotation) to call: a role the reader recognises, and how to reach it."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    role: Text
    name: Text
    phone: Text
    chat: Text
    when: Text


class Contacts(BaseModel):
    """The file: contacts by id."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    contacts: dict[str, Contact]

    def get(self, contact_id: str) -> Contact:
        """A contact by id; a ValueError naming the known ones otherwise."""
        try:
            return self.contacts[contact_id]
        except KeyError:
            known = ", ".join(self.contacts)
            raise ValueError(
                f"no contact {contact_id!r} in {CONTACTS_YAML.name}; known: {known}"
            ) from None

    def unfilled(self) -> list[tuple[str, str]]:
        """(field, what goes there) of every value the team has not filled in yet."""
        return yaml_models.unfilled(self)


def read(path: Path = CONTACTS_YAML) -> Contacts:
    """Parse and validate contacts.yaml (a DataFileError names file, line and field)."""
    return yaml_models.load(path, Contacts)


@cache
def contacts() -> Contacts:
    """contacts.yaml of the installed package, read once."""
    return read()
