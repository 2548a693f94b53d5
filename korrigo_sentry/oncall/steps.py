"""Where a runbook step runs, whole, and the actions a runbook asks for, as commands.

A step in a runbook says three things a paged engineer needs: which machine (the Korrigo
server, reached over SSH), which directory (the Korrigo checkout: the compose file's path is
relative to it), which container (a compose service). They come from `data/oncall.yaml`:
its places and compose prefix (read by `where.py`), and its `server` and `actions` blocks,
read and validated here (pydantic, errors naming file, line and field).
"""

from __future__ import annotations

import re
from functools import cache
from pathlib import Path
from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field, StringConstraints

from korrigo_sentry.oncall import yaml_models
from korrigo_sentry.oncall.where import ONCALL_YAML, OnCall, oncall

Text = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=600)]

#: `{compose}`, `{checkout}`, `{service:<place>}` in an action's command.
FIELD = re.compile(r"\{(compose|checkout|service:(?P<place>[\w-]+))\}")


class Server(BaseModel):
    """The machine the host steps run on, and the checkout they run from."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    label: Text
    ssh: Text
    checkout: Text


class Action(BaseModel):
    """Something a runbook asks the reader to do, with the commands that do it."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    summary: Text
    commands: list[Text] = Field(min_length=1)


class Steps(BaseModel):
    """The `server` and `actions` blocks of oncall.yaml."""

    model_config = ConfigDict(extra="ignore", frozen=True)  # the rest is where.py's

    server: Server
    actions: dict[str, Action]

    def unfilled(self) -> list[tuple[str, str]]:
        """(field, what goes there) of every server value still to fill in."""
        return yaml_models.unfilled(self.server, ("server",))

    def commands(self, action_id: str, where: OnCall | None = None) -> list[str]:
        """The action's commands, compose prefix and service names filled in."""
        where = where or oncall()
        try:
            action = self.actions[action_id]
        except KeyError:
            known = ", ".join(self.actions)
            raise ValueError(f"no action {action_id!r} in oncall.yaml; known: {known}") from None

        def fill(match: re.Match[str]) -> str:
            if match.group(1) == "compose":
                return where.compose
            if match.group(1) == "checkout":
                return self.server.checkout
            service = where.place(match.group("place")).service
            if not service:
                raise ValueError(f"oncall.yaml action {action_id!r}: place has no service")
            return service

        return [FIELD.sub(fill, command) for command in action.commands]

    def on_server(self, commands: list[str]) -> list[str]:
        """`commands` as typed on the server: first `cd` to the checkout."""
        return [f"cd {self.server.checkout}", *commands]


def read(path: Path = ONCALL_YAML) -> Steps:
    """The `server` and `actions` blocks of oncall.yaml, validated."""
    return yaml_models.load(path, Steps)


@cache
def steps() -> Steps:
    """oncall.yaml's steps of the installed package, read once."""
    return read()
