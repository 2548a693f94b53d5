"""Korrigo's monitors and alerts: loaded from YAML, exported to Sentry, evaluated locally.

For on-call and whoever tunes the alerts: the CLI (`alerts validate`, `alerts export`), the
site's tables and the drills read the rules through this package.
"""

from korrigo_sentry.alerts.rules import (
    AlertAction,
    AlertRule,
    AlertRuleError,
    get_monitor,
    get_rule,
    load_monitors,
    load_rules,
)

__all__ = [
    "AlertAction",
    "AlertRule",
    "AlertRuleError",
    "get_monitor",
    "get_rule",
    "load_monitors",
    "load_rules",
]
