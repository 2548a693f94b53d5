"""`make drill` (`python -m drills`): one command starts the stack on loopback, prints where
to look, and Ctrl-C stops everything it started, leaving no process and no port behind."""

from __future__ import annotations

import os
import re
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]


def descendants(root: int) -> set[int]:
    """Every process below `root` (by parent pid, through /proc), whatever its session."""
    children: dict[int, list[int]] = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                ppid = int((entry / "stat").read_text().rsplit(")", 1)[1].split()[1])
            except (OSError, IndexError):
                continue
            children.setdefault(ppid, []).append(int(entry.name))
    found, todo = set(), [root]
    while todo:
        for child in children.get(todo.pop(), []):
            found.add(child)
            todo.append(child)
    return found


def listening(port: int) -> bool:
    with socket.socket() as sock:
        sock.settimeout(0.5)
        return sock.connect_ex(("127.0.0.1", port)) == 0


def alive(pid: int) -> bool:
    try:
        state = (Path("/proc") / str(pid) / "stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return False
    return state != "Z"


def test_a_stack_that_cannot_start_says_why_and_leaves_nothing(monkeypatch) -> None:
    from drills import stack as stack_module

    monkeypatch.setattr(stack_module, "REDIS_SERVER", "/nonexistent/redis-server")
    broken = stack_module.Stack()
    with pytest.raises(stack_module.StackError, match="apt-get install redis-server") as error:
        broken.start()
    assert "cannot run /nonexistent/redis-server" in str(error.value)
    assert broken.leftovers() == {"processes": [], "ports": []}
    assert not broken.dir.exists()


def _read_until(drill: subprocess.Popen[str], pattern: str, lines: list[str]) -> str:
    """Lines of `drill`'s output up to the first that contains `pattern` (120 s at most)."""
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        line = drill.stdout.readline()  # type: ignore[union-attr]
        if not line:
            break
        lines.append(line)
        if pattern in line:
            return line
    raise AssertionError(f"no {pattern!r} in the output:\n{''.join(lines)}")


def test_the_stack_lives_through_its_ingest_going_down_and_ctrl_c_stops_everything() -> None:
    """One `python -m drills` (a stack takes 5 CPU s to start; these checks were two runs):
    it prints where to look; issue 23's `ingest stop` / `ingest start` typed on its
    terminal, and Bugsink dying by itself, leave the rest running; then Ctrl-C stops every
    process it ever started, frees its ports and keeps the logs."""
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    drill = subprocess.Popen(
        [sys.executable, "-m", "drills"],
        cwd=REPO,
        env=env,
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    lines: list[str] = []
    try:
        _read_until(drill, "Ctrl-C stops everything", lines)
        shown = "".join(lines)
        # Where to look: the ingest's URL and its login.
        login = re.search(
            r"Bugsink \(the ingest\)\s+(http://127\.0\.0\.1:(\d+)/)\s+login (\S+) / (\S+)", shown
        )
        assert login, shown
        ports = {int(p) for p in re.findall(r"127\.0\.0\.1:(\d+)", shown)}
        assert len(ports) == 4  # Bugsink, the demo, Redis, and the DSN's port
        started = descendants(drill.pid)
        assert len(started) >= 6, started  # redis, bugsink, gunicorn + 2 workers, celery + pool
        assert all(listening(port) for port in ports)
        bugsink = int(re.search(r"Bugsink \(the ingest\)\s+http://127\.0\.0\.1:(\d+)/", shown)[1])
        web = int(re.search(r"Korrigo demo\s+http://127\.0\.0\.1:(\d+)/", shown)[1])
        logs = Path(re.search(r"Logs: (\S+) \(kept after stop\)", shown)[1])
        drill.stdin.write("ingest stop\n")  # type: ignore[union-attr]
        drill.stdin.flush()  # type: ignore[union-attr]
        _read_until(drill, "Bugsink stopped", lines)
        assert not listening(bugsink)
        assert listening(web)
        assert drill.poll() is None, "the stack ended with the ingest"
        drill.stdin.write("status\ningest start\n")  # type: ignore[union-attr]
        drill.stdin.flush()  # type: ignore[union-attr]
        status = _read_until(drill, "bugsink DOWN", lines)
        assert "web up" in status
        assert "worker up" in status
        _read_until(drill, "Bugsink started again", lines)
        assert listening(bugsink)
        # Bugsink dies by itself (killed, as a crash would): the stack says so and goes on.
        os.killpg(bugsink_master(bugsink), signal.SIGKILL)
        _read_until(drill, "Bugsink (the ingest) is down; the stack goes on.", lines)
        assert drill.poll() is None, "the stack ended with the ingest"
        assert listening(web)
        drill.stdin.write("ingest start\n")  # type: ignore[union-attr]
        drill.stdin.flush()  # type: ignore[union-attr]
        _read_until(drill, "Bugsink started again", lines)
        assert all(listening(port) for port in ports)
        started |= descendants(drill.pid)  # the Bugsinks started since
        drill.send_signal(signal.SIGINT)  # Ctrl-C
        rest, _ = drill.communicate(timeout=60)
    finally:
        if drill.poll() is None:
            drill.kill()
    output = "".join(lines) + rest
    assert drill.returncode == 0, output
    assert "Traceback" not in output
    assert "left behind: {'processes': [], 'ports': []}" in rest
    assert [pid for pid in started if alive(pid)] == []
    assert [port for port in ports if listening(port)] == []
    assert f"logs kept in {logs}" in rest
    kept = {path.name for path in logs.iterdir()}
    assert {"bugsink.log", "web.log", "worker.log", "redis.log"} <= kept
    assert (logs / "bugsink.log").read_text(errors="replace").count("Listening at") == 3


def bugsink_master(port: int) -> int:
    """The pid of the gunicorn master serving Bugsink on `port` (a process group leader)."""
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            argv = (entry / "cmdline").read_bytes().split(b"\0")
            stat = (entry / "stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        serves = f"127.0.0.1:{port}".encode() in argv and b"bugsink.wsgi" in argv
        if serves and int(stat[2]) == int(entry.name):  # its own group's leader: the master
            return int(entry.name)
    raise AssertionError(f"no Bugsink on port {port}")
