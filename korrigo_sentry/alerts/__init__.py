"""Korrigo's alert rules: loaded from YAML, exported to Sentry, evaluated locally."""

from korrigo_sentry.alerts.rules import AlertAction, AlertRule, AlertRuleError, get_rule, load_rules

__all__ = ["AlertAction", "AlertRule", "AlertRuleError", "get_rule", "load_rules"]
