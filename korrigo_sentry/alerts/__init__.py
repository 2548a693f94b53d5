"""Korrigo's monitors and alerts: loaded from YAML, exported to Sentry, evaluated locally."""

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
