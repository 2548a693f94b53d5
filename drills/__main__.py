"""`python -m drills`: start the live stack and wait; `python -m drills run [NAME...]`: drill.

`make drill` runs the first: it prints where to look (Bugsink's URL and login, the demo's
URL) and stops everything it started on Ctrl-C. The second runs drills (all of them, or
the named ones) on a fresh stack, prints each one's steps and figures, then the stack's
start and stop times and what was left after stop.
"""

from __future__ import annotations

import argparse
import sys
import time
import traceback
from pathlib import Path

from drills import scenarios
from drills.bugsink import LOGIN, BugsinkError
from drills.stack import Stack, StackError


def serve() -> int:
    """Start the stack, print where to look, wait for Ctrl-C (the stack stops on exit)."""
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

Web and worker report to the Bugsink project "korrigo". Logs: {stack.dir}
Ctrl-C stops everything this command started.""",
        flush=True,
    )
    try:
        while all(s.alive() for s in stack.services.values()):
            time.sleep(0.5)
        dead = [name for name, s in stack.services.items() if not s.alive()]
        print(f"stopping: {', '.join(dead)} exited", file=sys.stderr)
        return 1
    except (KeyboardInterrupt, SystemExit):  # Ctrl-C, or SIGTERM through the stack's handler
        return 0
    finally:
        stack.stop()
        left = stack.leftovers()
        print(f"stopped in {stack.timings['stop']:.1f} s; left behind: {left}")


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
