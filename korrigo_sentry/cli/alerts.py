"""`python -m korrigo_sentry alerts {validate,export}`: the alert rules of alerts.yaml.

`validate` checks every rule against Sentry's constraints; `export` prints the payloads
for Sentry's alert-rule endpoints (deprecated by Sentry in favour of Monitors & Alerts).
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

#: Exit statuses: a rule or the file is wrong; an argument is; the output cannot be written.
INVALID, USAGE, UNWRITABLE = 1, 2, 3


def register(subparsers: Any) -> None:
    """Add the `alerts` subcommand and its `validate` and `export` actions."""
    parser = subparsers.add_parser(
        "alerts",
        help="validate the alert rules, or export them as Sentry API payloads",
        description=__doc__.split("\n\n", 1)[1],
    )
    parser.add_argument("--file", help="an alerts YAML file (default: the package's)")
    actions = parser.add_subparsers(dest="action", metavar="ACTION", required=True)
    validate = actions.add_parser("validate", help="check the rules against Sentry's constraints")
    validate.add_argument("--json", action="store_true", help="print the result as JSON")
    export = actions.add_parser("export", help="print the Sentry API payloads")
    export.add_argument("--format", choices=("yaml", "json"), default="yaml")
    export.add_argument(
        "--json", action="store_true", help="a JSON document with schema_version (for scripts)"
    )
    export.add_argument(
        "--output", type=Path, metavar="FILE", help="write the payloads to FILE, not stdout"
    )
    # Defaults (None) come from export_sentry.Destination, imported when the command runs.
    export.add_argument("--org", help="organization slug (default: Korrigo's)")
    export.add_argument("--project", help="project slug (default: Korrigo's)")
    export.add_argument(
        "--team",
        action="append",
        default=[],
        metavar="NAME=ID",
        help="Sentry team id for an action target (repeatable), e.g. admins=12",
    )
    export.add_argument(
        "--slack-integration", metavar="ID", help="id of Sentry's Slack integration"
    )
    parser.set_defaults(func=main)


def main(args: argparse.Namespace) -> int:
    """Entry point of the subcommand."""
    from korrigo_sentry.alerts.rules import AlertRuleError, load_rules
    from korrigo_sentry.cli import output

    try:
        rules = load_rules(args.file)
    except (AlertRuleError, OSError) as exc:
        if getattr(args, "json", False) and args.action == "validate":
            payload = {"ok": False, "rules": [], "error": str(exc)}
            print(output.dumps("alerts validate", payload))
        else:
            print(f"error: {exc}", file=sys.stderr)
        return INVALID
    if args.action == "validate":
        return _validate(rules, as_json=args.json)
    return _export(rules, args)


def _validate(rules: list[Any], *, as_json: bool) -> int:
    from korrigo_sentry.cli import output

    if as_json:
        items = [
            {"id": r.id, "kind": r.kind, "condition": r.condition, "runbook": r.runbook}
            for r in rules
        ]
        print(output.dumps("alerts validate", {"ok": True, "rules": items, "error": None}))
        return 0
    for rule in rules:
        print(f"ok  {rule.id}  ({rule.kind}, {rule.condition}, runbook {rule.runbook})")
    print(f"{len(rules)} alert rules valid")
    return 0


def _export(rules: list[Any], args: argparse.Namespace) -> int:
    import yaml

    from korrigo_sentry.alerts.export_sentry import DEPRECATION_NOTE, Destination, export_rules
    from korrigo_sentry.cli import output
    from korrigo_sentry.oncall import runbooks

    try:
        teams = dict(item.split("=", 1) for item in args.team)
    except ValueError:
        print("error: --team takes NAME=ID", file=sys.stderr)
        return USAGE
    try:
        site_url = runbooks.site_url()
    except runbooks.RunbookError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return INVALID
    given = {
        "org": args.org,
        "project": args.project,
        "slack_integration_id": args.slack_integration,
    }
    dest = Destination(
        site_url=site_url, team_ids=teams, **{k: v for k, v in given.items() if v is not None}
    )
    exported = export_rules(rules, dest)
    if args.json:
        text = output.dumps("alerts export", {"rules": exported, "note": DEPRECATION_NOTE}) + "\n"
    elif args.format == "json":
        text = json.dumps(exported, indent=2) + "\n"
    else:
        text = yaml.safe_dump(exported, sort_keys=False, allow_unicode=True)
    if not args.json:
        print(f"note: {DEPRECATION_NOTE}", file=sys.stderr)
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
    print(f"wrote {len(exported)} alert rules to {args.output}", file=sys.stderr)
    return 0
