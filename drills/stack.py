"""The live stack: redis-server, Bugsink, the demo under gunicorn and a Celery worker, on loopback.

Every process is started in its own process group (`start_new_session`), so stopping a
service signals the whole group: gunicorn's and Celery's worker children go with their
master. `Stack.stop()` runs on exit, on Ctrl-C and on SIGTERM, and checks that every port it
used is free again.

The ingest (Bugsink) can be stopped and started again while the rest runs
(`stop_ingest()`, `start_ingest()`): the drill of "the ingest is down". The services' logs
go to a folder of their own (`Stack.logs`), kept after stop so that a drill can be read
afterwards; the rest of the stack's data goes with it.
"""

from __future__ import annotations

import atexit
import contextlib
import os
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from drills.bugsink import REPO, Bugsink
from drills.tap import Tap
from korrigo_sentry.korrigo import korrigo

BIN = Path(sys.executable).parent
REDIS_SERVER = shutil.which("redis-server") or "/usr/bin/redis-server"
#: The release the stack deploys (GIT_COMMIT_SHA), and the one a drill rolls back to.
RELEASE_SHA = "c0ffee1"
PREVIOUS_SHA = "0ddba11"
#: Bugsink's per-project quota on the stack: 5 minutes, like its default, but small.
QUOTA = 40
#: The project web and worker report to when no drill has taken them over.
DEFAULT_PROJECT = "korrigo"
#: The path the drill waits on before using the demo: Korrigo's first health path (korrigo.yaml).
HEALTH_PROBE = korrigo().probe_paths[0].path


class StackError(RuntimeError):
    """A service of the stack could not start (the message says which and why)."""


def free_port() -> int:
    """A TCP port nobody listens on at 127.0.0.1 (the OS picks it)."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def port_in_use(port: int) -> bool:
    """True while something accepts connections on 127.0.0.1:`port`."""
    with socket.socket() as sock:
        sock.settimeout(0.2)
        return sock.connect_ex(("127.0.0.1", port)) == 0


@dataclass
class Service:
    """One started process group."""

    name: str
    command: list[str]
    env: dict[str, str]
    cwd: Path
    port: int | None
    log: Path
    process: subprocess.Popen[bytes] | None = None

    def start(self) -> None:
        with self.log.open("ab") as log:
            try:
                self.process = subprocess.Popen(
                    self.command,
                    env=self.env,
                    cwd=self.cwd,
                    stdout=log,
                    stderr=subprocess.STDOUT,
                    stdin=subprocess.DEVNULL,
                    start_new_session=True,  # its own process group: stop() signals every child
                )
            except OSError as exc:
                hint = " (apt-get install redis-server)" if self.name == "redis" else ""
                raise StackError(f"cannot run {self.command[0]}: {exc.strerror}{hint}") from None

    def alive(self) -> bool:
        return self.process is not None and self.process.poll() is None

    def stop(self, timeout: float = 10) -> None:
        if self.process is None:
            return
        pgid = self.process.pid  # a session leader: its group id is its pid
        for sig in (signal.SIGTERM, signal.SIGKILL):
            with contextlib.suppress(ProcessLookupError):
                os.killpg(pgid, sig)
            try:
                self.process.wait(timeout=timeout)
                # the master is gone; its children may still be finishing
                if _group_gone(pgid, timeout):
                    break
            except subprocess.TimeoutExpired:
                continue
        self.process = None

    def tail(self, lines: int = 30) -> str:
        try:
            return "\n".join(self.log.read_text(errors="replace").splitlines()[-lines:])
        except OSError:
            return ""


def _group_gone(pgid: int, timeout: float) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            os.killpg(pgid, 0)
        except ProcessLookupError:
            return True
        time.sleep(0.05)
    return False


def group_members(pgid: int) -> list[int]:
    """Processes still in process group `pgid` (read from /proc)."""
    members = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[2]) == pgid:
            members.append(int(entry.name))
    return members


def _wait(what: str, ready: Callable[[], bool], service: Service, timeout: float) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if not service.alive():
            raise StackError(f"{what} exited at start:\n{service.tail()}")
        with contextlib.suppress(Exception):
            if ready():
                return
        time.sleep(0.1)
    raise StackError(f"{what} not ready after {timeout:.0f} s:\n{service.tail()}")


def _http_ready(port: int, path: str = "/") -> Callable[[], bool]:
    def ready() -> bool:
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}{path}", timeout=2):
                return True
        except urllib.error.HTTPError:
            return True  # any HTTP answer: the server is up

    return ready


@dataclass
class Response:
    status: int
    body: bytes
    headers: Mapping[str, str] = field(default_factory=dict)


class Stack:
    """The drill stack. `with Stack(projects) as stack:` starts it and always stops it."""

    def __init__(self, projects: list[str] | None = None, quota: int = QUOTA) -> None:
        self.projects = [DEFAULT_PROJECT, *(projects or [])]
        self.dir = Path(tempfile.mkdtemp(prefix="korrigo-drill-"))
        #: The services' logs: kept after stop (the stack's data in `dir` is not).
        self.logs = Path(tempfile.mkdtemp(prefix="korrigo-drill-logs-"))
        self.ports = {name: free_port() for name in ("redis", "bugsink", "tap", "web")}
        self.bugsink = Bugsink(self.dir / "bugsink", self.ports["bugsink"], quota)
        self.tap = Tap(self.ports["tap"], self.bugsink.url, self.logs / "tap.log")
        self.services: dict[str, Service] = {}
        self.pgids: set[int] = set()  # every process group ever started, for the checks
        self.timings: dict[str, float] = {}
        self._stopped = False
        self._celery: Any = None
        self._previous_handlers: dict[int, Any] = {}

    # --- start and stop -----------------------------------------------------------------

    def __enter__(self) -> Stack:
        self.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()

    def start(self) -> None:
        started = time.monotonic()
        atexit.register(self.stop)
        self._install_signal_handlers()
        try:
            self._start()
        except BaseException:
            self.stop()
            raise
        self.timings["start"] = time.monotonic() - started

    def _start(self) -> None:
        redis = self._service(
            "redis",
            [
                *(REDIS_SERVER, "--port", str(self.ports["redis"]), "--bind", "127.0.0.1"),
                *("--save", "", "--appendonly", "no", "--dir", str(self.dir)),
            ],
            {"PATH": os.environ.get("PATH", "")},
            self.ports["redis"],
        )
        redis.start()
        password = secrets.token_urlsafe(9)
        self.bugsink.prepare(self.projects, password)
        bugsink = self._service(
            "bugsink", self.bugsink.command(), self.bugsink.environ(), self.ports["bugsink"]
        )
        bugsink.cwd = self.bugsink.conf_dir
        bugsink.start()
        self.tap.start()
        web = self._service("web", self._web_command(), self.base_env(), self.ports["web"])
        worker = self._service("worker", self._worker_command(), self.base_env(), None)
        web.start()
        worker.start()
        for s in (redis, bugsink, web, worker):
            self.pgids.add(s.process.pid)  # type: ignore[union-attr]
        _wait("redis-server", self._redis_ready, redis, 10)
        _wait("Bugsink", _http_ready(self.ports["bugsink"]), bugsink, 60)
        _wait("gunicorn (demo)", _http_ready(self.ports["web"], HEALTH_PROBE), web, 60)
        _wait("Celery worker", self._worker_ready, worker, 60)

    def stop(self) -> None:
        """Stop every service (process groups), the tap, and remove the stack's directory."""
        if self._stopped:
            return
        self._stopped = True
        started = time.monotonic()
        for name in ("worker", "web", "bugsink", "redis"):
            if name in self.services:
                self.services[name].stop()
        with contextlib.suppress(Exception):
            self.tap.stop()
        shutil.rmtree(self.dir, ignore_errors=True)
        self.timings["stop"] = time.monotonic() - started
        with contextlib.suppress(Exception):
            atexit.unregister(self.stop)
        if threading.current_thread() is threading.main_thread():
            for sig, handler in self._previous_handlers.items():
                signal.signal(sig, handler)

    def stop_ingest(self) -> None:
        """Stop Bugsink alone, as when the ingest goes down: web, worker and the tap go on
        (the tap answers 502, as a proxy in front of a stopped server does)."""
        self.services["bugsink"].stop()

    def start_ingest(self) -> None:
        """Start Bugsink again on the same port and data (what it stored is still there)."""
        self.restart("bugsink")

    def ingest_up(self) -> bool:
        """True while Bugsink runs."""
        return self.services["bugsink"].alive()

    def leftovers(self) -> dict[str, list[int]]:
        """After stop: processes still in the stack's groups, and ports still answering."""
        processes = [pid for pgid in self.pgids for pid in group_members(pgid)]
        ports = [port for port in self.ports.values() if port_in_use(port)]
        return {"processes": processes, "ports": ports}

    def _install_signal_handlers(self) -> None:
        if threading.current_thread() is not threading.main_thread():
            return

        def on_signal(signum: int, frame: Any) -> None:
            self.stop()
            raise SystemExit(128 + signum)

        for sig in (signal.SIGINT, signal.SIGTERM, signal.SIGHUP):
            self._previous_handlers[sig] = signal.signal(sig, on_signal)

    # --- services -----------------------------------------------------------------------

    def _service(
        self, name: str, command: list[str], env: dict[str, str], port: int | None
    ) -> Service:
        service = Service(name, command, env, self.dir, port, self.logs / f"{name}.log")
        self.services[name] = service
        return service

    def _web_command(self) -> list[str]:
        return [
            *(str(BIN / "gunicorn"), "--bind", f"127.0.0.1:{self.ports['web']}"),
            *("--workers", "2", "--threads", "4", "--graceful-timeout", "3"),
            "--no-control-socket",  # gunicorn 26's default is one shared path under $HOME
            "drills.wsgi:application",
        ]

    def _worker_command(self) -> list[str]:
        return [
            *(str(BIN / "celery"), "-A", "drills.worker", "worker", "--concurrency", "2"),
            *("--loglevel", "INFO", "--hostname", f"drill-{self.ports['web']}@localhost"),
            *("--without-gossip", "--without-mingle"),
        ]

    def dsn(self, project: str) -> str:
        """The project's DSN, through the tap (which forwards to Bugsink unchanged)."""
        bugsink = f"127.0.0.1:{self.ports['bugsink']}"
        return self.bugsink.dsns[project].replace(bugsink, f"127.0.0.1:{self.ports['tap']}")

    def project_id(self, project: str) -> str:
        return self.bugsink.dsns[project].rstrip("/").rsplit("/", 1)[1]

    def base_env(self, project: str = DEFAULT_PROJECT) -> dict[str, str]:
        """Korrigo's production configuration, as web and worker receive it."""
        keep = ("PATH", "HOME", "LANG", "LC_ALL", "TMPDIR")
        env = {k: v for k, v in os.environ.items() if k in keep}
        env.update(
            PYTHONPATH=str(REPO),
            PYTHONDONTWRITEBYTECODE="1",
            KORRIGO_REDIS_URL=f"redis://127.0.0.1:{self.ports['redis']}/0",
            KORRIGO_DRILL_DB=str(self.dir / "korrigo.sqlite3"),
            SENTRY_DSN=self.dsn(project),
            SENTRY_ENVIRONMENT="production",
            GIT_COMMIT_SHA=RELEASE_SHA,
        )
        return env

    def restart(
        self, name: str, env: Mapping[str, str | None] | None = None, project: str = ""
    ) -> None:
        """Recreate service `name` (as `docker compose up -d` does) with `env` changes applied
        over Korrigo's configuration for `project` (None removes a variable)."""
        service = self.services[name]
        service.stop()
        fresh = (
            self.base_env(project or DEFAULT_PROJECT) if name in ("web", "worker") else service.env
        )
        for key, value in (env or {}).items():
            if value is None:
                fresh.pop(key, None)
            else:
                fresh[key] = value
        service.env = fresh
        if name == "worker":
            self._drain_queue()
        service.start()
        self.pgids.add(service.process.pid)  # type: ignore[union-attr]
        if name == "web":
            _wait("gunicorn (demo)", _http_ready(self.ports["web"], HEALTH_PROBE), service, 60)
        elif name == "worker":
            _wait("Celery worker", self._worker_ready, service, 60)
        elif name == "bugsink":
            _wait("Bugsink", _http_ready(self.ports["bugsink"]), service, 60)

    # --- talking to the services --------------------------------------------------------

    def _redis_ready(self) -> bool:
        import redis

        return bool(redis.Redis(port=self.ports["redis"], socket_timeout=1).ping())

    def celery(self) -> Any:
        """A Celery client on the stack's broker (never a worker)."""
        if self._celery is None:
            from celery import Celery

            url = f"redis://127.0.0.1:{self.ports['redis']}/0"
            self._celery = Celery("drill-client", broker=url, backend=url)
        return self._celery

    def _worker_ready(self) -> bool:
        return bool(self.celery().control.ping(timeout=0.5))

    def _drain_queue(self) -> None:
        import redis

        redis.Redis(port=self.ports["redis"]).delete("celery")

    def request(self, method: str, path: str, data: Mapping[str, str] | None = None) -> Response:
        """An HTTP request to the demo under gunicorn."""
        body = urllib.parse.urlencode(data).encode() if data is not None else None
        url = f"http://127.0.0.1:{self.ports['web']}{path}"
        request = urllib.request.Request(url, data=body, method=method)
        try:
            with urllib.request.urlopen(request, timeout=30) as answer:
                return Response(answer.status, answer.read(), dict(answer.headers))
        except urllib.error.HTTPError as error:
            return Response(error.code, error.read(), dict(error.headers))

    def get(self, path: str) -> Response:
        return self.request("GET", path)

    def post(self, path: str, data: Mapping[str, str]) -> Response:
        return self.request("POST", path, data)

    def web_checks(self, slug: str) -> dict[str, Any]:
        """Runbook `slug`'s quick checks, run inside a gunicorn worker of the demo."""
        import json

        answer = self.get(f"/drill/quick-checks/{slug}/")
        if answer.status != 200:
            raise StackError(f"quick checks in the web process answered {answer.status}")
        return json.loads(answer.body)

    def worker_checks(self, slug: str) -> dict[str, Any]:
        """Runbook `slug`'s quick checks, run inside the Celery worker."""
        result = self.celery().send_task("drills.quick_checks", args=[slug])
        return result.get(timeout=30)

    def command(self, slug: str, service: str) -> int:
        """Exit status of `python -m korrigo_sentry runbook SLUG` in `service`'s environment,
        as `docker compose exec SERVICE ...` runs it."""
        done = subprocess.run(
            [sys.executable, "-m", "korrigo_sentry", "runbook", slug],
            env=self.services[service].env,
            cwd=self.dir,
            capture_output=True,
            timeout=120,
        )
        return done.returncode

    def cli(self, service: str, *args: str) -> tuple[int, str]:
        """`python -m korrigo_sentry ARGS` in `service`'s environment: exit status, and its
        first verdict line (a line starting with a check or a cross), else its first line."""
        done = subprocess.run(
            [sys.executable, "-m", "korrigo_sentry", *args],
            env=self.services[service].env,
            cwd=self.dir,
            capture_output=True,
            text=True,
            timeout=120,
        )
        lines = [line.strip() for line in (done.stdout + done.stderr).strip().splitlines()]
        verdict = next((line for line in lines if line.startswith(("\u2717", "\u2713"))), "")
        return done.returncode, verdict or (lines[0] if lines else "")

    def wait_for(
        self, predicate: Callable[[], bool], timeout: float = 15, what: str = "events"
    ) -> None:
        """Poll until `predicate()` holds (the SDKs send in a background thread)."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if predicate():
                return
            time.sleep(0.1)
        raise AssertionError(f"timed out after {timeout:.0f} s waiting for {what}")

    def settle(self, project: str, quiet: float = 1.5, timeout: float = 30) -> int:
        """Wait until nothing is in flight through the tap and no new item came for
        `project` during `quiet` seconds; the number of items seen."""
        pid = self.project_id(project)
        deadline = time.monotonic() + timeout
        last, since = -1, time.monotonic()
        while time.monotonic() < deadline:
            count = sum(1 for i in self.tap.items if i.project_id == pid)
            if count != last or self.tap.inflight:
                last, since = count, time.monotonic()
            elif time.monotonic() - since >= quiet:
                return count
            time.sleep(0.1)
        return last

    @contextlib.contextmanager
    def timed(self, name: str) -> Iterator[None]:
        started = time.monotonic()
        try:
            yield
        finally:
            self.timings[name] = time.monotonic() - started
