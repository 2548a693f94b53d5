"""Korrigo's recommended Sentry project set-up against Sentry's default scrubbers, by Relay.

The set-up (`data/scrubbing_settings.yaml` + `data/scrubbing_rules.yaml`) turns "Use
Default Scrubbers" off and reproduces them in the advanced rules but for one application:
a breadcrumb message is no longer replaced whole when it contains "password", "auth" or
"token:". Relay (`sentry-relay`, the code Sentry runs on arrival) runs every event the
fuzz and the demo send through both set-ups: they must differ in breadcrumb messages only,
and no planted secret may survive there that the defaults removed. The figures go to
`korrigo_sentry/data/project_scrubbing.json`, which the privacy page renders; this test
rewrites the file and fails when what it measured differs from it.
"""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any

import pytest
from sentry_relay import convert_datascrubbing_config, validate_pii_config

from korrigo_sentry.testing.relay import project_rules, project_rules_json
from korrigo_sentry.testing.relay.ingest import normalize
from korrigo_sentry.testing.relay.project import (
    compare,
    default_scrub,
    recommended_scrub,
    recommended_settings,
)
from tests.privacy import canaries, harness
from tests.privacy.measure_locals import demo_events

TABLE = Path(__file__).resolve().parents[2] / "korrigo_sentry" / "data" / "project_scrubbing.json"

#: A new Sentry project's Data Scrubbing settings (Sentry's `get_datascrubbing_settings`
#: defaults; IP addresses on, as Korrigo's decisions page asks).
SENTRY_DEFAULTS = {"scrubData": True, "scrubDefaults": True, "scrubIpAddresses": True,
                   "sensitiveFields": [], "excludeFields": []}  # fmt: skip

#: `@common:filter`'s members (relay-pii/src/builtin.rs) but `@password:filter`, which
#: wipes a whole value matching "password", "auth", "token:"..., and `@bearer:filter`,
#: which does what `@password:filter` did to a Bearer token.
BREADCRUMB_RULES = ["@creditcard:filter", "@iban:filter", "@pemkey:filter", "@urlauth:legacy",
                    "@userpath:filter", "@usssn:filter", "@bearer:filter"]  # fmt: skip


def _normalized(event: dict[str, Any]) -> dict[str, Any]:
    out, _problems = normalize(event)
    assert out is not None
    out.pop("_meta", None)
    return out


def test_the_settings_are_the_project_apis_and_turn_the_defaults_off() -> None:
    settings = recommended_settings()
    assert settings.api_fields() == {
        "dataScrubber": True, "dataScrubberDefaults": False, "scrubIPAddresses": True,
        "sensitiveFields": [], "safeFields": [],
    }  # fmt: skip
    validate_pii_config(project_rules_json())


def test_the_rules_hold_every_default_application_but_on_breadcrumb_messages() -> None:
    defaults = convert_datascrubbing_config(SENTRY_DEFAULTS)["applications"]
    kept_by_settings = convert_datascrubbing_config(recommended_settings().relay())["applications"]
    rules = project_rules()["applications"]
    generic = next(s for s in defaults if s.startswith("($string"))
    for selector, applied in defaults.items():
        if selector == generic:
            # @ip:replace stays with the settings; @common:filter moves to the rules, with
            # breadcrumb messages left out of its selector.
            assert kept_by_settings[generic] == ["@ip:replace"]
            assert applied == ["@common:filter", "@ip:replace"]
            narrowed = generic.replace(
                "$http.headers.user-agent)", "$http.headers.user-agent || $breadcrumb.message)"
            )
            assert rules[narrowed] == ["@common:filter"]
        elif selector in kept_by_settings:
            assert kept_by_settings[selector] == applied
        else:
            assert rules[selector] == applied, selector
    assert rules["$breadcrumb.message"] == BREADCRUMB_RULES


@pytest.mark.parametrize(
    ("message", "by_default", "by_korrigo"),
    [
        ("password reset email sent", "[Filtered]", "password reset email sent"),
        ("login failed, password=hunter2 for x", "[Filtered]",
         "login failed, password=[Filtered] for x"),
        ("auth/views.py:88: RemovedInDjango60Warning: login() is deprecated", "[Filtered]",
         "auth/views.py:88: RemovedInDjango60Warning: login() is deprecated"),
        ("token: 9f8e7d6c expired", "[Filtered]", "token: [Filtered] expired"),
        ("Authorization: Bearer 9f8e7d6c5b4a", "[Filtered]", "Authorization: [Filtered]"),
        ("retry with Bearer 9f8e7d6c5b4a", "retry with [Filtered]", "retry with [Filtered]"),
        ("card 4111 1111 1111 1111 refused", "card [Filtered] refused",
         "card [Filtered] refused"),
        ("from 203.0.113.7", "from [ip]", "from [ip]"),
        ("copies graded", "copies graded", "copies graded"),
    ],
)  # fmt: skip
def test_a_breadcrumb_message_loses_the_secret_not_its_text(
    message: str, by_default: str, by_korrigo: str
) -> None:
    event = _normalized({"breadcrumbs": {"values": [{"category": "log", "message": message}]}})
    crumb = lambda e: e["breadcrumbs"]["values"][0]["message"]  # noqa: E731
    assert crumb(default_scrub(event, with_rules=False)) == by_default
    assert crumb(recommended_scrub(event)) == by_korrigo


def test_a_comparison_holds_each_set_ups_event_and_leaves_the_event_as_it_was() -> None:
    """`_check` reads the scrubbed events from the comparison instead of scrubbing again."""
    raw = {"breadcrumbs": {"values": [{"category": "log", "message": "token: 9f8e7d6c expired"}]},
           "extra": {"password": "hunter2", "note": "from 203.0.113.7"}}  # fmt: skip
    event = _normalized(raw)
    sent = copy.deepcopy(event)
    found = compare(event)
    assert found.before == default_scrub(event)
    assert found.after == recommended_scrub(event)
    assert found.before != found.after  # the breadcrumb: wiped by the defaults only
    assert event == sent


def _check(events: list[tuple[dict[str, Any], list[str]]]) -> dict[str, Any]:
    """Both set-ups on each (event, planted secrets): figures and the breadcrumbs kept."""
    kept, other, survived = [], [], []
    for raw, needles in events:
        event = _normalized(raw)
        found = compare(event)
        other += found.other
        kept += [{"sent": sent, "defaults": was, "korrigo": now}
                 for _i, sent, was, now in found.kept]  # fmt: skip
        before, after = json.dumps(found.before).encode(), json.dumps(found.after).encode()
        survived += sorted(set(canaries.found_in(after, needles)) - set(
            canaries.found_in(before, needles)))  # fmt: skip
    return {"events": len(events), "differ_elsewhere": len(other), "leaks": len(survived),
            "kept": kept}  # fmt: skip


@pytest.fixture(scope="module")
def measured(fuzz_korrigo: list[harness.Result], fuzz_bare: list[harness.Result]) -> dict[str, Any]:
    return {
        "fuzz": _check([(e, r.needles) for r in fuzz_korrigo for e in r.sent]),
        "fuzz_bare_sdk": _check([(e, r.needles) for r in fuzz_bare for e in r.sent]),
        "demo": _check([(e, []) for e in demo_events("korrigo")]),
        "demo_bare_sdk": _check([(e, []) for e in demo_events("bare")]),
    }


def test_the_two_set_ups_differ_only_in_breadcrumb_text(measured: dict[str, Any]) -> None:
    assert {k: v["differ_elsewhere"] for k, v in measured.items()} == dict.fromkeys(measured, 0)


def test_no_planted_secret_survives_that_the_defaults_removed(measured: dict[str, Any]) -> None:
    assert {k: v["leaks"] for k, v in measured.items()} == dict.fromkeys(measured, 0)


def test_what_korrigo_sends_keeps_breadcrumb_text_the_defaults_would_wipe(
    measured: dict[str, Any],
) -> None:
    kept = measured["fuzz"]["kept"]
    assert kept, "no breadcrumb of the fuzz mentions a password word: the decision is unproved"
    assert all(k["defaults"] == "[Filtered]" and k["korrigo"] != "[Filtered]" for k in kept)


def test_the_committed_figures_are_what_was_measured(measured: dict[str, Any]) -> None:
    committed = json.loads(TABLE.read_text(encoding="utf-8")) if TABLE.exists() else {}
    stable = {
        k: {**v, "kept": sorted({x["korrigo"] for x in v["kept"]})} if k == "fuzz" else
        {**v, "kept": len(v["kept"])}
        for k, v in measured.items()
    }  # fmt: skip
    if committed != stable:
        TABLE.write_text(json.dumps(stable, indent=1) + "\n", encoding="utf-8")
        pytest.fail(f"{TABLE.name} did not match this run; it was rewritten: review and commit it")
