"""`python -m korrigo_sentry lint PATH`: personal fields formatted into messages.

Exit status: 0 nothing found, 1 findings (one line each, with the fix), 2 PATH is missing.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any


def register(subparsers: Any) -> None:
    parser = subparsers.add_parser(
        "lint",
        help="find personal fields formatted into log, exception and Sentry messages",
        description=(
            "Read the Python files under PATH (tests, migrations and virtualenvs left out) and "
            "list every personal value (a field of data/personal_fields.yaml, or a name the key "
            "rules deny) formatted into a log call, an exception message or note, or a Sentry "
            "message or breadcrumb, with file, line and the fix."
        ),
    )
    parser.add_argument("path", type=Path, metavar="PATH", help="a folder or a .py file")
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    from korrigo_sentry.lint.messages import check_tree

    if not args.path.exists():
        print(f"error: {args.path} does not exist: name a folder or a .py file", file=sys.stderr)
        return 2
    findings, problems = check_tree(args.path)
    for finding in findings:
        print(finding)
    for problem in problems:
        print(problem, file=sys.stderr)
    files = len({f.path for f in findings})
    print(f"lint: {len(findings)} personal value(s) formatted into messages in {files} file(s)")
    return 1 if findings else 0
