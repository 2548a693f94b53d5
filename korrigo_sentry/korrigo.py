"""The real Korrigo's names, as data: `data/korrigo.yaml`, parsed and checked.

Korrigo is a real application (github.com/cyranoaladin/Korrigo); the never-traced paths,
the DJANGO_ENV mapping, the on-call compose services, the pages, the demo and the drills
all use the names it really has. Each name carries its source (a Korrigo file at a commit),
a verbatim excerpt and the day it was checked; `make facts-check` re-reads the excerpts.
"""

from __future__ import annotations

import re
from datetime import date
from functools import cache
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator

from korrigo_sentry.yaml_model import load_model

KORRIGO_YAML = Path(__file__).resolve().parent / "data" / "korrigo.yaml"
REPO = "cyranoaladin/Korrigo"
_SOURCE = re.compile(
    rf"^https://github\.com/{REPO}/blob/(?P<commit>[0-9a-f]{{40}})/(?P<path>[^#\s]+)$"
)


class Cited(BaseModel):
    """A name read in a Korrigo file: where, the words, and when a person read them."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    source: str
    excerpt: str = Field(min_length=8)
    checked: date

    @field_validator("source")
    @classmethod
    def _a_korrigo_file_at_a_commit(cls, value: str) -> str:
        if not _SOURCE.match(value):
            raise ValueError(f"must be https://github.com/{REPO}/blob/<40-hex commit>/<path>")
        return value

    @property
    def file(self) -> str:
        """The file's path in Korrigo's repository."""
        return _SOURCE.match(self.source)["path"]  # type: ignore[index]

    @property
    def commit(self) -> str:
        """The full commit the file was read at."""
        return _SOURCE.match(self.source)["commit"]  # type: ignore[index]


class SettingsModule(Cited):
    name: str
    role: Literal["base", "production", "test"]


class DjangoEnvValue(Cited):
    value: str
    sentry_environment: Literal["development", "test", "staging", "production"]


class DjangoEnv(Cited):
    variable: str
    default: str
    values: tuple[DjangoEnvValue, ...]

    def mapping(self) -> dict[str, str]:
        """Each DJANGO_ENV value and the Sentry environment it maps to."""
        return {v.value: v.sentry_environment for v in self.values}


Role = Literal["web", "worker", "scheduler", "database", "cache", "proxy"]


class Service(Cited):
    name: str
    role: Role
    env_file: bool
    command: str = ""  # the service's `command:` line, verbatim (the adoption's anchor)


class ComposeFile(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    path: str
    services: tuple[Service, ...]

    def by_role(self, role: str) -> Service:
        """The service playing `role`; ValueError naming the file and its roles otherwise."""
        for service in self.services:
            if service.role == role:
                return service
        roles = ", ".join(s.role for s in self.services)
        raise ValueError(f"{self.path} has no {role!r} service in korrigo.yaml (roles: {roles})")


class ProbePath(Cited):
    path: str = Field(pattern=r"^/")
    kind: Literal["health", "metrics"]
    probe: Literal["liveness", "readiness"] | None = None  # the orchestrators' two probes


class Command(Cited):
    value: str


class Task(Cited):
    name: str = Field(pattern=r"^[a-z_]+\.tasks\.[a-z_]+$")


class Celery(Cited):
    app: str
    module: str
    app_file: str
    command: Command
    tasks: tuple[Task, ...]


class Logger(Cited):
    name: str
    propagate: bool


class Korrigo(BaseModel):
    """The contents of korrigo.yaml."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    commit: str = Field(pattern=r"^[0-9a-f]{40}$")
    committed: date
    settings_modules: tuple[SettingsModule, ...]
    django_env: DjangoEnv
    compose_files: tuple[ComposeFile, ...]
    probe_paths: tuple[ProbePath, ...]
    web_bind: Command  # gunicorn's address in the backend container (host:port)
    celery: Celery
    loggers: tuple[Logger, ...]

    def compose(self, path: str) -> ComposeFile:
        """A compose file by path; ValueError naming the known ones otherwise."""
        for compose_file in self.compose_files:
            if compose_file.path == path:
                return compose_file
        known = ", ".join(c.path for c in self.compose_files)
        raise ValueError(f"no compose file {path!r} in korrigo.yaml; known: {known}")

    def probe(self, name: str) -> ProbePath:
        """The `liveness` or `readiness` probe's path; ValueError naming the known ones."""
        for path in self.probe_paths:
            if path.probe == name:
                return path
        known = ", ".join(p.probe for p in self.probe_paths if p.probe)
        raise ValueError(f"no {name!r} probe in korrigo.yaml; known: {known}")

    @property
    def web_port(self) -> int:
        """The port gunicorn listens on in the backend container (`web_bind`)."""
        return int(self.web_bind.value.rpartition(":")[2])

    def settings_module(self, role: str) -> str:
        """The dotted settings module playing `role` (base, production, test)."""
        return next(m.name for m in self.settings_modules if m.role == role)

    def cited(self) -> list[tuple[str, Cited]]:
        """Every cited name with a label, for facts-check and the pages."""
        found: list[tuple[str, Cited]] = [(f"settings {m.name}", m) for m in self.settings_modules]
        found.append((f"variable {self.django_env.variable}", self.django_env))
        found += [(f"DJANGO_ENV={v.value}", v) for v in self.django_env.values]
        for compose_file in self.compose_files:
            found += [(f"{compose_file.path} {s.name}", s) for s in compose_file.services]
        found += [(f"path {p.path}", p) for p in self.probe_paths]
        found += [(f"gunicorn bind {self.web_bind.value}", self.web_bind)]
        found += [(f"celery app {self.celery.app}", self.celery)]
        found += [("celery command", self.celery.command)]
        found += [(f"task {t.name}", t) for t in self.celery.tasks]
        found += [(f"logger {lg.name}", lg) for lg in self.loggers]
        return found


def read(path: Path = KORRIGO_YAML) -> Korrigo:
    """Parse korrigo.yaml (DataFileError naming file, line and field when it is wrong)."""
    return load_model(path, Korrigo)


@cache
def korrigo() -> Korrigo:
    """korrigo.yaml of the installed package, read once."""
    return read()
