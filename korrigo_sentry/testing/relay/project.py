"""The Sentry project's scrubbing as Korrigo recommends it, against Sentry's defaults.

Sentry scrubs an event on arrival twice: with the project's advanced rules
(`relayPiiConfig`, Korrigo's `data/scrubbing_rules.yaml`), then with its data scrubbing
settings, which Relay converts into rules of its own (`convert_datascrubbing_config`).
Korrigo turns the settings' "Use Default Scrubbers" off (`data/scrubbing_settings.yaml`)
because its rules reproduce those defaults but for breadcrumb messages. `compare` runs
one event through both set-ups and says where they differ, so a test can prove that the
only difference is the breadcrumb text the defaults wiped whole.
"""

from __future__ import annotations

import copy
from dataclasses import dataclass, field
from functools import cache
from importlib.resources import files
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ConfigDict, Field
from sentry_relay import convert_datascrubbing_config, pii_strip_event

from korrigo_sentry.testing.relay.floor import SERVER_DEFAULTS
from korrigo_sentry.testing.relay.rules import project_rules
from korrigo_sentry.yaml_model import load_model

SETTINGS_FILE = "data/scrubbing_settings.yaml"


class ScrubbingSettings(BaseModel):
    """The project's Data Scrubbing settings, under the project API's field names."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    data_scrubber: bool = Field(alias="dataScrubber")
    data_scrubber_defaults: bool = Field(alias="dataScrubberDefaults")
    scrub_ip_addresses: bool = Field(alias="scrubIPAddresses")
    sensitive_fields: list[str] = Field(alias="sensitiveFields")
    safe_fields: list[str] = Field(alias="safeFields")

    def relay(self) -> dict[str, Any]:
        """The same settings as Sentry hands them to Relay (`get_datascrubbing_settings`)."""
        return {
            "scrubData": self.data_scrubber,
            "scrubDefaults": self.data_scrubber_defaults,
            "scrubIpAddresses": self.scrub_ip_addresses,
            "sensitiveFields": list(self.sensitive_fields),
            "excludeFields": list(self.safe_fields),
        }

    def api_fields(self) -> dict[str, Any]:
        """The fields to send to the project API, with `relayPiiConfig` left to the caller."""
        return self.model_dump(by_alias=True)


@cache
def recommended_settings() -> ScrubbingSettings:
    path = Path(str(files("korrigo_sentry").joinpath(SETTINGS_FILE)))
    return load_model(path, ScrubbingSettings)


@cache
def _settings_rules() -> dict[str, Any] | None:
    """The recommended settings as the rules Relay derives from them (None: no rule)."""
    return convert_datascrubbing_config(recommended_settings().relay())


def recommended_scrub(event: dict[str, Any]) -> dict[str, Any]:
    """`event` as Sentry stores it with Korrigo's rules and recommended settings."""
    return _recommended(_ruled(event))


def default_scrub(event: dict[str, Any], with_rules: bool = True) -> dict[str, Any]:
    """`event` as Sentry stores it with its default settings (and Korrigo's rules)."""
    return _defaults(_ruled(event) if with_rules else _strip(dict(event)))


# Relay reads an event as JSON (`pii_strip_event` serialises it): the event passed in is
# never changed, and each step returns a new one.
def _ruled(event: dict[str, Any]) -> dict[str, Any]:
    """`event` after the project's advanced rules, the first of Sentry's two passes."""
    return _strip(pii_strip_event(project_rules(), event))


def _recommended(ruled: dict[str, Any]) -> dict[str, Any]:
    """The second pass on `ruled`: Korrigo's recommended data scrubbing settings."""
    settings = _settings_rules()
    return _strip(pii_strip_event(settings, ruled)) if settings else ruled


def _defaults(ruled: dict[str, Any]) -> dict[str, Any]:
    """The second pass on `ruled`: a new project's data scrubbing settings."""
    return _strip(pii_strip_event(SERVER_DEFAULTS, ruled))


@cache
def reproduced_defaults() -> dict[str, Any]:
    """The part of Korrigo's rules that stands for Sentry's default scrubbers: the
    applications made of Relay's built-in rules only (`@common:filter`, `@cookies:filter`...)."""
    applications = project_rules()["applications"]
    return {
        "applications": {
            selector: rules
            for selector, rules in applications.items()
            if all(str(rule).startswith("@") for rule in rules)
        }
    }


def floor_scrub(event: dict[str, Any]) -> dict[str, Any]:
    """`event` after the recommended set-up's stand-in for Sentry's defaults (the privacy
    floor: what Korrigo's client must already have removed), `_meta` kept."""
    out = pii_strip_event(reproduced_defaults(), event)
    settings = _settings_rules()
    if not settings:
        return out
    meta = out.pop("_meta", None)
    result = pii_strip_event(settings, out)
    if meta:
        result["_meta"] = _merge(meta, result.get("_meta") or {})
    return result


def _merge(first: dict[str, Any], second: dict[str, Any]) -> dict[str, Any]:
    out = dict(first)
    for key, value in second.items():
        if isinstance(value, dict) and isinstance(out.get(key), dict):
            out[key] = _merge(out[key], value)
        elif key not in out:
            out[key] = value
    return out


def _strip(event: dict[str, Any]) -> dict[str, Any]:
    event.pop("_meta", None)
    return event


@dataclass
class Comparison:
    """Where the two set-ups left different values in one event."""

    #: (index, breadcrumb message as sent, under the defaults, under Korrigo's set-up)
    kept: list[tuple[int, Any, Any, Any]] = field(default_factory=list)
    #: paths outside breadcrumb messages where the two set-ups differ (must stay empty)
    other: list[str] = field(default_factory=list)
    #: the event as `default_scrub` and `recommended_scrub` return it (computed once here:
    #: the two share the rules' pass, and Relay's scrubbing is most of a comparison's cost)
    before: dict[str, Any] = field(default_factory=dict)
    after: dict[str, Any] = field(default_factory=dict)


def compare(event: dict[str, Any]) -> Comparison:
    """Run `event` (as Relay normalised it) through both set-ups and list the differences.

    "Before" is Korrigo's rules with Sentry's default settings (defaults on), "after" the
    same rules with Korrigo's recommended settings (defaults off).
    """
    ruled = _ruled(event)
    before, after = _defaults(ruled), _recommended(ruled)
    sent, was, now = _messages(event), _messages(before), _messages(after)
    kept = [
        (index, sent[index] if index < len(sent) else None, old, new)
        for index, (old, new) in enumerate(zip(was, now, strict=False))
        if old != new
    ]
    other = _differences(_without_messages(before), _without_messages(after))
    return Comparison(kept, other, before, after)


def _messages(event: dict[str, Any]) -> list[Any]:
    crumbs = (event.get("breadcrumbs") or {}).get("values")
    return [c.get("message") if isinstance(c, dict) else None for c in crumbs or ()]


def _without_messages(event: dict[str, Any]) -> dict[str, Any]:
    out = copy.deepcopy(event)
    for crumb in (out.get("breadcrumbs") or {}).get("values") or ():
        if isinstance(crumb, dict):
            crumb.pop("message", None)
    return out


def _differences(before: Any, after: Any, path: str = "") -> list[str]:
    """The paths (`spans.0.data.x`) where `before` and `after` differ."""
    if isinstance(before, dict) and isinstance(after, dict):
        return [
            found
            for key in sorted(before.keys() | after.keys())
            for found in _differences(before.get(key), after.get(key), f"{path}.{key}".lstrip("."))
        ]
    if isinstance(before, list) and isinstance(after, list) and len(before) == len(after):
        return [
            found
            for index, (old, new) in enumerate(zip(before, after, strict=True))
            for found in _differences(old, new, f"{path}.{index}")
        ]
    return [] if before == after else [path or "(event)"]
