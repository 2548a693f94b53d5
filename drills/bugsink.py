"""Bugsink, the Sentry-compatible ingest of the drills: its virtualenv, configuration and data.

Bugsink (https://www.bugsink.com/, PyPI `bugsink`) is Django on SQLite. It lives in its own
virtualenv under `.cache/drills/`, so its Django pin never meets the demo's. The first use
creates that virtualenv and a migrated template database (migrations take ~15 s); every stack
then copies the template, so a stack starts in seconds.

Everything Bugsink-side goes through Bugsink's own tools: `bugsink-create-conf` writes the
configuration, `bugsink-manage migrate` / `createsuperuser` / `shell` set it up, and the
drills read what it stored straight from its SQLite database (read-only).
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import sqlite3
import subprocess
import venv
from dataclasses import dataclass
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parent.parent
CACHE = REPO / ".cache" / "drills"
VENV = CACHE / "bugsink-venv"
REQUIREMENTS = Path(__file__).with_name("requirements-bugsink.txt")
#: The superuser of every drill stack (loopback only; the password is made per stack).
LOGIN = "drill"


class BugsinkError(RuntimeError):
    """Bugsink could not be installed or set up (the message says which step)."""


def _bin(name: str) -> str:
    return str(VENV / "bin" / name)


def _requirements_key() -> str:
    return hashlib.sha256(REQUIREMENTS.read_bytes()).hexdigest()[:16]


def ensure_venv() -> Path:
    """Create `.cache/drills/bugsink-venv` with the pinned Bugsink, once per requirements file."""
    stamp = VENV / ".installed"
    key = _requirements_key()
    if stamp.is_file() and stamp.read_text() == key:
        return VENV
    if VENV.exists():
        shutil.rmtree(VENV)
    venv.EnvBuilder(with_pip=True).create(VENV)
    pip = [_bin("python"), "-m", "pip", "install", "--quiet", "--disable-pip-version-check"]
    done = subprocess.run([*pip, "-r", str(REQUIREMENTS)], capture_output=True, text=True)
    if done.returncode:
        raise BugsinkError(f"pip could not install {REQUIREMENTS.name}: {done.stderr[-2000:]}")
    stamp.write_text(key)
    return VENV


def _environ(conf_dir: Path) -> dict[str, str]:
    """Bugsink's environment: its configuration module, and nothing of Korrigo's (no SENTRY_*)."""
    keep = ("PATH", "HOME", "LANG", "LC_ALL", "TMPDIR")
    env = {k: v for k, v in os.environ.items() if k in keep}
    env.update(DJANGO_SETTINGS_MODULE="bugsink_conf", PYTHONPATH=str(conf_dir))
    env["PYTHONDONTWRITEBYTECODE"] = "1"
    return env


def manage(conf_dir: Path, *args: str, stdin: str | None = None) -> str:
    """Run `bugsink-manage ARGS` on the instance configured in `conf_dir`; its stdout."""
    done = subprocess.run(
        [_bin("bugsink-manage"), *args],
        cwd=conf_dir,
        env=_environ(conf_dir),
        input=stdin,
        capture_output=True,
        text=True,
        timeout=120,
    )
    if done.returncode:
        raise BugsinkError(f"bugsink-manage {args[0]} failed: {done.stderr[-2000:]}")
    return done.stdout


def write_conf(conf_dir: Path, port: int, quota_per_5_minutes: int) -> Path:
    """`bugsink_conf.py` for a single-process instance on 127.0.0.1:`port`, data in `conf_dir`.

    The `local` template of `bugsink-create-conf` (digests events synchronously: no separate
    task runner), with the paths and the per-project quota set after it.
    """
    conf_dir.mkdir(parents=True, exist_ok=True)
    conf = conf_dir / "bugsink_conf.py"
    done = subprocess.run(
        [
            *(_bin("bugsink-create-conf"), "--template", "local", "--host", "127.0.0.1"),
            *("--port", str(port), "--output-file", str(conf)),
        ],
        capture_output=True,
        text=True,
    )
    if done.returncode and not conf.is_file():
        raise BugsinkError(f"bugsink-create-conf failed: {done.stderr[-1000:]}")
    overrides = f"""
# --- set by drills/bugsink.py --------------------------------------------------------
DATABASES["default"]["NAME"] = {str(conf_dir / "db.sqlite3")!r}
DATABASES["snappea"]["NAME"] = {str(conf_dir / "snappea.sqlite3")!r}
BUGSINK["INGEST_STORE_BASE_DIR"] = {str(conf_dir / "ingestion")!r}
# The per-project quota: past it, ingest answers 429 until the period ends (or the
# setting is raised). Low here, so the quota drill reaches it in a second.
BUGSINK["MAX_EVENTS_PER_PROJECT_PER_5_MINUTES"] = {quota_per_5_minutes}
"""
    with conf.open("a", encoding="utf-8") as handle:
        handle.write(overrides)
    return conf


def _template() -> Path:
    """A migrated database with the drill superuser, made once per Bugsink version."""
    template = CACHE / f"bugsink-template-{_requirements_key()}"
    if (template / "ready").is_file():
        return template
    shutil.rmtree(template, ignore_errors=True)
    write_conf(template, 8000, 1000)
    manage(template, "migrate", "--verbosity", "0")
    manage(template, "migrate", "--database", "snappea", "--verbosity", "0")
    manage(template, "createsuperuser", "--noinput", "--username", LOGIN, "--email", "drill@x.test")
    (template / "ready").write_text("")
    return template


#: Run in `bugsink-manage shell`: set the login's password, create one project per drill
#: (named after it, owned by the drill team) and print each project's DSN as JSON.
_PROVISION = """
import json, sys
from django.contrib.auth import get_user_model
from projects.models import Project, ProjectMembership, ProjectRole
from teams.models import Team, TeamMembership, TeamRole

spec = json.loads(sys.stdin.readline())
user = get_user_model().objects.get(username=spec["login"])
user.set_password(spec["password"])
user.save()
team, _ = Team.objects.get_or_create(name="Korrigo")
TeamMembership.objects.get_or_create(
    team=team, user=user, defaults={"role": TeamRole.ADMIN, "accepted": True}
)
dsns = {}
for name in spec["projects"]:
    project = Project.objects.create(name=name, slug=name, team=team)
    ProjectMembership.objects.create(
        project=project, user=user, role=ProjectRole.ADMIN, accepted=True
    )
    dsns[name] = project.dsn
print("DSNS=" + json.dumps(dsns))
"""

_DELETE_ISSUES = """
import json, sys
from issues.models import Issue
spec = json.loads(sys.stdin.readline())
for issue in Issue.objects.filter(project__slug=spec["project"], is_deleted=False):
    issue.delete_deferred()  # what the issue page's Delete button calls
"""


@dataclass(frozen=True)
class StoredEvent:
    """One event as Bugsink stored it."""

    event_id: str
    issue_id: str
    data: dict[str, Any]
    raw: str  # the stored JSON text, to search for planted values

    @property
    def exception_type(self) -> str:
        values = (self.data.get("exception") or {}).get("values") or [{}]
        return values[-1].get("type", "")

    @property
    def mechanism(self) -> dict[str, Any]:
        values = (self.data.get("exception") or {}).get("values") or [{}]
        return values[-1].get("mechanism") or {}


class Bugsink:
    """One Bugsink instance's data directory: setup before start, then read-only queries."""

    def __init__(self, conf_dir: Path, port: int, quota_per_5_minutes: int) -> None:
        self.conf_dir, self.port = conf_dir, port
        self.quota = quota_per_5_minutes
        self.password = ""
        self.dsns: dict[str, str] = {}

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def prepare(self, projects: list[str], password: str) -> dict[str, str]:
        """Copy the template database, configure, create the projects; their DSNs by name."""
        ensure_venv()
        template = _template()
        self.conf_dir.mkdir(parents=True, exist_ok=True)
        for name in ("db.sqlite3", "snappea.sqlite3"):
            shutil.copyfile(template / name, self.conf_dir / name)
        self.configure(self.quota)
        spec = json.dumps({"login": LOGIN, "password": password, "projects": projects})
        out = manage(self.conf_dir, "shell", "-c", _PROVISION, stdin=spec + "\n")
        line = next(x for x in out.splitlines() if x.startswith("DSNS="))
        self.password, self.dsns = password, json.loads(line.removeprefix("DSNS="))
        return self.dsns

    def configure(self, quota_per_5_minutes: int) -> None:
        """(Re)write the configuration; Bugsink reads it when it (re)starts."""
        self.quota = quota_per_5_minutes
        write_conf(self.conf_dir, self.port, quota_per_5_minutes)

    def command(self) -> list[str]:
        """gunicorn serving Bugsink on 127.0.0.1:port (Bugsink's documented server)."""
        return [
            *(_bin("gunicorn"), "--bind", f"127.0.0.1:{self.port}", "--workers", "1"),
            *("--threads", "4", "--access-logfile", "-", "--no-control-socket", "bugsink.wsgi"),
        ]

    def environ(self) -> dict[str, str]:
        return _environ(self.conf_dir)

    def delete_issues(self, project: str) -> None:
        """Delete every issue of `project` (and so their events), as the UI's Delete does."""
        manage(self.conf_dir, "shell", "-c", _DELETE_ISSUES, stdin=json.dumps({"project": project}))

    # --- reading what was stored ---------------------------------------------------------

    def _query(self, sql: str, params: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
        uri = f"file:{self.conf_dir / 'db.sqlite3'}?mode=ro"
        with sqlite3.connect(uri, uri=True, timeout=5) as db:
            return db.execute(sql, params).fetchall()

    def events(self, project: str) -> list[StoredEvent]:
        """Every event stored for `project`, oldest first."""
        rows = self._query(
            "SELECT e.event_id, e.issue_id, e.data FROM events_event e"
            " JOIN projects_project p ON p.id = e.project_id"
            " WHERE p.slug = ? ORDER BY e.digest_order",
            (project,),
        )
        return [StoredEvent(str(i), str(g), json.loads(d), d) for i, g, d in rows]

    def issues(self, project: str) -> list[dict[str, Any]]:
        """The project's issues that are not deleted: id, type, value, event count."""
        rows = self._query(
            "SELECT i.id, i.calculated_type, i.calculated_value, i.digested_event_count"
            " FROM issues_issue i JOIN projects_project p ON p.id = i.project_id"
            " WHERE p.slug = ? AND NOT i.is_deleted ORDER BY i.digest_order",
            (project,),
        )
        keys = ("id", "type", "value", "events")
        return [dict(zip(keys, row, strict=True)) for row in rows]

    def quota_exceeded_until(self, project: str) -> str | None:
        """When Bugsink stops refusing `project`'s events, or None if it never tripped."""
        rows = self._query(
            "SELECT quota_exceeded_until FROM projects_project WHERE slug = ?", (project,)
        )
        return rows[0][0] if rows else None

    def issue_url(self, project: str, issue_id: str) -> str:
        """The issue's page in Bugsink's UI."""
        return f"{self.url}/issues/issue/{issue_id}/event/last/"
