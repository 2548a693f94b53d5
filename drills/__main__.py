"""`python -m drills`: start the live stack and wait; `python -m drills run [NAME...]`: drill.

`make drill` runs the first: it prints where to look (Bugsink's URL and login, the demo's
URL, the logs' folder), takes commands on its terminal (`ingest stop`, `ingest start`:
the drill of a stopped ingest, without ending the stack) and stops everything it started
on Ctrl-C, keeping the logs. The second runs drills (all of them, or
the named ones) on a fresh stack, prints each one's steps and figures, then the stack's
start and stop times and what was left after stop.
"""

from __future__ import annotations

import argparse
import queue
import sys
import threading
import time
import traceback
from pathlib import Path
from typing import TextIO

from drills import scenarios
from drills.bugsink import LOGIN, BugsinkError
from drills.stack import Stack, StackError

#: What `make drill` reads on its standard input while the stack runs.
COMMANDS = {
    "ingest stop": "stop Bugsink alone (the ingest goes down; web and worker go on)",
    "ingest start": "start Bugsink again (same port, same data)",
    "status": "which services run",
    "help": "this list",
}


def _help() -> str:
    return "\n".join(f"  {name:<14} {what}" for name, what in COMMANDS.items())


def _status(stack: Stack) -> str:
    return ", ".join(
        f"{name} {'up' if service.alive() else 'DOWN'}" for name, service in stack.services.items()
    )


def command(stack: Stack, line: str) -> str:
    """Carry out one line typed on the stack's terminal; what to print back."""
    line = " ".join(line.split()).lower()
    if not line:
        return ""
    if line == "ingest stop":
        if not stack.ingest_up():
            return "Bugsink is already stopped; `ingest start` starts it."
        stack.stop_ingest()
        return (
            "Bugsink stopped: the ingest is down, the rest of the stack goes on. Korrigo's "
            "SDK now meets a 502 from the ingest's address; `ingest start` brings it back."
        )
    if line == "ingest start":
        if stack.ingest_up():
            return "Bugsink is already running."
        stack.start_ingest()
        return f"Bugsink started again: {stack.bugsink.url}/ (what it stored is still there)."
    if line == "status":
        return _status(stack)
    if line == "help":
        return _help()
    return f"unknown command {line!r}; type one of:\n{_help()}"


def _lines(stream: TextIO) -> queue.Queue[str | None]:
    """The lines of `stream`, read by a daemon thread (None at end of input)."""
    lines: queue.Queue[str | None] = queue.Queue()

    def read() -> None:
        for line in stream:
            lines.put(line)
        lines.put(None)

    threading.Thread(target=read, daemon=True).start()
    return lines


def serve(stdin: TextIO = sys.stdin) -> int:
    """Start the stack, print where to look, wait for Ctrl-C (the stack stops on exit).

    While it runs, lines typed on the terminal are commands (`ingest stop`, `ingest start`,
    `status`, `help`). The ingest may stop, by command or by itself, without ending the
    stack; any other service that exits ends it.
    """
    stack = Stack(list(scenarios.DRILLS))
    stack.start()
    web = f"http://127.0.0.1:{stack.ports['web']}"
    print(
        f"""
Korrigo drill stack up in {stack.timings["start"]:.1f} s (loopback only, nothing in Docker).

  Bugsink (the ingest)   {stack.bugsink.url}/    login {LOGIN} / {stack.bugsink.password}
  Korrigo demo           {web}/boom/  (an error)  {web}/drill/export/
  Redis                  redis://127.0.0.1:{stack.ports["redis"]}/0
  Korrigo's DSN          {stack.dsn("korrigo")}

Web and worker report to the Bugsink project "korrigo".
Logs: {stack.logs} (kept after stop)
Type a command and Enter:
{_help()}
Ctrl-C stops everything this command started.""",
        flush=True,
    )
    typed = _lines(stdin)
    reading, ingest_was_up = True, True
    try:
        while True:
            dead = [n for n, s in stack.services.items() if n != "bugsink" and not s.alive()]
            if dead:
                print(f"stopping: {', '.join(dead)} exited (see {stack.logs})", file=sys.stderr)
                return 1
            if ingest_was_up and not stack.ingest_up():
                print("Bugsink (the ingest) is down; the stack goes on.", flush=True)
            ingest_was_up = stack.ingest_up()
            try:
                line = typed.get(timeout=0.5) if reading else None
            except queue.Empty:
                continue
            if line is None:
                reading = False  # end of input (no terminal): Ctrl-C or SIGTERM still stop
                time.sleep(0.5)
                continue
            answer = command(stack, line)
            ingest_was_up = stack.ingest_up()
            if answer:
                print(answer, flush=True)
    except (KeyboardInterrupt, SystemExit):  # Ctrl-C, or SIGTERM through the stack's handler
        return 0
    finally:
        stack.stop()
        left = stack.leftovers()
        print(f"stopped in {stack.timings['stop']:.1f} s; left behind: {left}")
        print(f"logs kept in {stack.logs}", flush=True)


def run(names: list[str], report: Path | None) -> int:
    unknown = [n for n in names if n not in scenarios.DRILLS]
    if unknown:
        print(f"error: no drill {unknown}; known: {', '.join(scenarios.DRILLS)}", file=sys.stderr)
        return 2
    names = names or list(scenarios.DRILLS)
    results, failed = [], []
    with Stack(names) as stack:
        print(f"stack started in {stack.timings['start']:.1f} s", flush=True)
        for name in names:
            try:
                result = scenarios.run(stack, name)
            except AssertionError as exc:
                failed.append(name)
                where = traceback.extract_tb(exc.__traceback__)[-1]
                print(f"FAILED {name}: {exc} ({where.filename}:{where.lineno})", flush=True)
                continue
            results.append(result)
            print(result.row(), *(f"    {step}" for step in result.steps), sep="\n", flush=True)
    print(f"stack stopped in {stack.timings['stop']:.1f} s; left behind: {stack.leftovers()}")
    print(f"logs kept in {stack.logs}")
    if report:
        report.parent.mkdir(parents=True, exist_ok=True)
        report.write_text(scenarios.as_json(results), encoding="utf-8")
    return 1 if failed else 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m drills", description=__doc__)
    sub = parser.add_subparsers(dest="command")
    runner = sub.add_parser("run", help="run drills on a fresh stack")
    runner.add_argument("names", nargs="*", help=f"drills to run: {', '.join(scenarios.DRILLS)}")
    runner.add_argument("--report", type=Path, help="write the figures as JSON here")
    args = parser.parse_args(argv)
    try:
        if args.command == "run":
            return run(args.names, args.report)
        return serve()
    except (StackError, BugsinkError) as exc:
        print(f"error: the drill stack could not start: {exc}", file=sys.stderr)
        return 1


if __name__ == "__main__":
    sys.exit(main())
