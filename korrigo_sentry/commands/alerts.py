"""`python -m korrigo_sentry alerts {validate,export}`: the alert rules of alerts.yaml.

`validate` checks every rule against Sentry's constraints; `export` prints the payloads
for Sentry's alert-rule endpoints (deprecated by Sentry in favour of Monitors & Alerts).
"""

from __future__ import annotations

import argparse
import json
import sys
from typing import Any

import yaml

from korrigo_sentry import runbooks
from korrigo_sentry.alerts.export_sentry import DEPRECATION_NOTE, Destination, export_rules
from korrigo_sentry.alerts.rules import AlertRuleError, load_rules


def register(subparsers: Any) -> None:
    """Add the `alerts` subcommand and its `validate` and `export` actions."""
    parser = subparsers.add_parser(
        "alerts",
        help="validate the alert rules, or export them as Sentry API payloads",
        description=__doc__.split("\n\n", 1)[1],
    )
    parser.add_argument("--file", help="an alerts YAML file (default: the package's)")
    actions = parser.add_subparsers(dest="action", metavar="ACTION", required=True)
    actions.add_parser("validate", help="check the rules against Sentry's constraints")
    export = actions.add_parser("export", help="print the Sentry API payloads")
    export.add_argument("--format", choices=("yaml", "json"), default="yaml")
    export.add_argument("--org", default=Destination.org, help="organization slug")
    export.add_argument("--project", default=Destination.project, help="project slug")
    export.add_argument(
        "--team",
        action="append",
        default=[],
        metavar="NAME=ID",
        help="Sentry team id for an action target (repeatable), e.g. admins=12",
    )
    export.add_argument(
        "--slack-integration",
        default=Destination.slack_integration_id,
        metavar="ID",
        help="id of Sentry's Slack integration",
    )
    parser.set_defaults(func=main)


def main(args: argparse.Namespace) -> int:
    """Entry point of the subcommand."""
    try:
        rules = load_rules(args.file)
    except (AlertRuleError, OSError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    if args.action == "validate":
        for rule in rules:
            print(f"ok  {rule.id}  ({rule.kind}, {rule.condition}, runbook {rule.runbook})")
        print(f"{len(rules)} alert rules valid")
        return 0
    try:
        teams = dict(item.split("=", 1) for item in args.team)
    except ValueError:
        print("error: --team takes NAME=ID", file=sys.stderr)
        return 2
    dest = Destination(
        org=args.org,
        project=args.project,
        site_url=runbooks.site_url(),
        team_ids=teams,
        slack_integration_id=args.slack_integration,
    )
    exported = export_rules(rules, dest)
    print(f"note: {DEPRECATION_NOTE}", file=sys.stderr)
    if args.format == "json":
        print(json.dumps(exported, indent=2))
    else:
        print(yaml.safe_dump(exported, sort_keys=False, allow_unicode=True), end="")
    return 0
