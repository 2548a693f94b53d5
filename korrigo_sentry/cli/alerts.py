"""`python -m korrigo_sentry alerts {validate,export,apply}`: alerts.yaml's monitors and alerts.

`validate` checks the file (every error names file, line and field); `export` prints the
HTTP calls for Sentry's organisation-scoped Monitors & Alerts API (detectors, workflows);
`apply --dry-run` prints them as they would be sent, and `apply` sends them with the
token in SENTRY_AUTH_TOKEN.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

#: Exit statuses: the file is wrong (or Sentry refused); an argument is; the output
#: cannot be written.
INVALID, USAGE, UNWRITABLE = 1, 2, 3


def _destination_arguments(parser: argparse.ArgumentParser) -> None:
    # Defaults (None) come from export_sentry.Destination, imported when the command runs.
    parser.add_argument("--org", help="organization slug (default: Korrigo's)")
    parser.add_argument("--project", help="project slug (default: Korrigo's)")
    parser.add_argument("--project-id", metavar="ID", help="the project's numeric id")
    parser.add_argument(
        "--team",
        action="append",
        default=[],
        metavar="NAME=ID",
        help="Sentry team id for an action target (repeatable), e.g. admins=12",
    )
    parser.add_argument(
        "--slack-integration", metavar="ID", help="id of Sentry's Slack integration"
    )


def register(subparsers: Any) -> None:
    """Add the `alerts` subcommand and its `validate`, `export` and `apply` actions."""
    parser = subparsers.add_parser(
        "alerts",
        help="validate the monitors and alerts, export or apply them to Sentry",
        description=__doc__.split("\n\n", 1)[1],
    )
    parser.add_argument("--file", help="an alerts YAML file (default: the package's)")
    actions = parser.add_subparsers(dest="action", metavar="ACTION", required=True)
    validate = actions.add_parser("validate", help="check the monitors and alerts")
    validate.add_argument("--json", action="store_true", help="print the result as JSON")
    export = actions.add_parser("export", help="print the Sentry API calls and payloads")
    export.add_argument("--format", choices=("yaml", "json"), default="yaml")
    export.add_argument(
        "--json", action="store_true", help="a JSON document with schema_version (for scripts)"
    )
    export.add_argument(
        "--output", type=Path, metavar="FILE", help="write the payloads to FILE, not stdout"
    )
    _destination_arguments(export)
    apply = actions.add_parser("apply", help="send the calls to Sentry (or print them)")
    apply.add_argument("--dry-run", action="store_true", help="print the HTTP calls; send nothing")
    apply.add_argument("--url", default=None, help="Sentry's address (default: https://sentry.io)")
    _destination_arguments(apply)
    parser.set_defaults(func=main)


def main(args: argparse.Namespace) -> int:
    """Entry point of the subcommand."""
    from korrigo_sentry.alerts.rules import AlertRuleError, load_file
    from korrigo_sentry.cli import output

    try:
        document = load_file(args.file)
    except (AlertRuleError, OSError) as exc:
        if getattr(args, "json", False) and args.action == "validate":
            payload = {"ok": False, "rules": [], "monitors": [], "error": str(exc)}
            print(output.dumps("alerts validate", payload))
        else:
            print(f"error: {exc}", file=sys.stderr)
        return INVALID
    if args.action == "validate":
        return _validate(document, as_json=args.json)
    if args.action == "export":
        return _export(document, args)
    return _apply(document, args)


def _validate(document: Any, *, as_json: bool) -> int:
    from korrigo_sentry.cli import output

    if as_json:
        rules = [
            {"id": r.id, "kind": r.kind, "monitors": list(r.monitors), "runbook": r.runbook}
            for r in document.alerts
        ]
        monitors = [{"id": m.id, "type": m.type} for m in document.monitors]
        body = {"ok": True, "rules": rules, "monitors": monitors, "error": None}
        print(output.dumps("alerts validate", body))
        return 0
    for monitor in document.monitors:
        print(f"ok  monitor {monitor.id}  ({monitor.type})")
    for rule in document.alerts:
        book = rule.runbook or "no runbook"
        print(f"ok  alert {rule.id}  (on {', '.join(rule.monitors)}; {book})")
    print(f"{len(document.monitors)} monitors and {len(document.alerts)} alerts valid")
    return 0


def _destination(args: argparse.Namespace) -> Any:
    """The Destination of the arguments; ValueError with the sentence to print."""
    from korrigo_sentry.alerts.export_sentry import Destination
    from korrigo_sentry.oncall import runbooks

    try:
        teams = dict(item.split("=", 1) for item in args.team)
    except ValueError:
        raise ValueError("--team takes NAME=ID") from None
    try:
        site_url = runbooks.site_url()
    except runbooks.RunbookError as exc:
        raise ValueError(str(exc)) from None
    given = {
        "org": args.org,
        "project": args.project,
        "project_id": args.project_id,
        "slack_integration_id": args.slack_integration,
    }
    return Destination(
        site_url=site_url, team_ids=teams, **{k: v for k, v in given.items() if v is not None}
    )


def _calls(document: Any, args: argparse.Namespace, build: Callable[..., Any]) -> Any:
    """`build(document, destination)` (export or plan), or the exit status after the one
    sentence saying why not."""
    from korrigo_sentry.alerts.export_sentry import ExportError

    try:
        dest = _destination(args)
    except ValueError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return USAGE if "--team" in str(exc) else INVALID
    try:
        return build(document, dest)
    except ExportError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return INVALID


def _export(document: Any, args: argparse.Namespace) -> int:
    import yaml

    from korrigo_sentry.alerts.export_sentry import export
    from korrigo_sentry.cli import output

    calls = _calls(document, args, export)
    if isinstance(calls, int):
        return calls
    counts = {
        kind: sum(1 for c in calls if c["object"] == kind and c["method"] == "POST")
        for kind in ("detector", "workflow")
    }
    if args.json:
        text = output.dumps("alerts export", {"calls": calls, "created": counts}) + "\n"
    elif args.format == "json":
        text = json.dumps(calls, indent=2) + "\n"
    else:
        text = yaml.safe_dump(calls, sort_keys=False, allow_unicode=True)
    if args.output is None:
        print(text, end="")
        return 0
    try:
        args.output.write_text(text, encoding="utf-8")
    except OSError as exc:
        reason = exc.strerror or type(exc).__name__
        print(
            f"error: cannot write {args.output}: {reason}; choose a writable path for --output",
            file=sys.stderr,
        )
        return UNWRITABLE
    print(
        f"wrote {len(calls)} calls ({counts['detector']} monitors, {counts['workflow']} "
        f"alerts to create) to {args.output}",
        file=sys.stderr,
    )
    return 0


def _apply(document: Any, args: argparse.Namespace) -> int:
    from korrigo_sentry.alerts import apply
    from korrigo_sentry.alerts.export_sentry import plan

    calls = _calls(document, args, plan)
    if isinstance(calls, int):
        return calls
    base = args.url or apply.DEFAULT_URL
    if args.dry_run:
        print(apply.dry_run(calls, base))
        print(f"\n{len(calls)} calls; nothing sent (--dry-run)", file=sys.stderr)
        return 0
    try:
        done = apply.apply(calls, base)
    except apply.ApplyError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return INVALID
    for call, status, _ in done:
        print(f"{status}  {call.method} {call.object} {call.id}")
    return 0
