"""The pages follow what they are built from: change it in a copy, rebuild, and look.

The production traces rate is changed in the copy's `korrigo_sentry/settings.py` and one
alert threshold in its `korrigo_sentry/data/alerts.yaml`; the copy is built with its own
package first on PYTHONPATH. Every page that stated an old value must state the new one,
and no page may still state an old one.

The same build runs with a canary `SENTRY_DSN` in the environment (no built file may hold
its key) and a build day past every fact's review date (stale facts are flagged, and the
strict build still passes). One build for all: a build is 3 CPU s, and no change touches
what another test reads (a rate, a threshold, the DSN's key, a fact's review note).
"""

from __future__ import annotations

import functools
import re
from datetime import timedelta

import pytest
import yaml

import macros
from handbook.facts_markdown import TODAY_ENV
from korrigo_sentry import settings
from korrigo_sentry.alerts import load_rules
from korrigo_sentry.dsn import mask_dsn
from korrigo_sentry.oncall.facts import load_facts
from tests.alerts_support import variant
from tests.test_site_support import Build, build, copy_repo, page_text, unchanged_site

pytestmark = pytest.mark.slow

OLD_RATE = settings.TRACES_SAMPLE_RATES["production"]
NEW_RATE = 0.37
assert NEW_RATE not in settings.TRACES_SAMPLE_RATES.values()

RULE = next(rule for rule in load_rules() if rule.threshold is not None)
NEW_THRESHOLD = int(RULE.threshold or 0) * 3 + 7

CANARY_KEY = "canary5f0e1d2c3b4a59687766554433221100"
CANARY_DSN = f"https://{CANARY_KEY}@o4242.ingest.sentry.io/4242"
#: The day after the last fact's review is due: every fact is stale.
LATE = max(fact.due for fact in load_facts().values()) + timedelta(days=1)


def _rate_patterns(rate: float) -> list[re.Pattern[str]]:
    """How a page states a rate: as a percentage and as the Python value."""
    literal = re.escape(repr(rate))
    return [
        re.compile(rf"(?<![\d.]){re.escape(macros.percent(rate))}"),
        re.compile(rf"(?<![\d.]){literal}(?![\d])"),
    ]


def _condition(threshold: float) -> re.Pattern[str]:
    line = {
        "above": threshold,
        "resolve_at_or_below": min(threshold, RULE.monitor.resolve_at_or_below),
    }
    phrase = macros.alert_condition(variant(RULE.id, line)).replace("`", "")
    return re.compile(re.escape(phrase))


@functools.cache
def _texts(site: Build) -> dict[str, str]:
    """Each page's visible text, read once per build (every test searches them)."""
    return {page: page_text(html) for page, html in site.pages().items()}


def _stating(site: Build, pattern: re.Pattern[str]) -> set[str]:
    return {page for page, text in _texts(site).items() if pattern.search(text)}


@pytest.fixture(scope="module")
def builds(tmp_path_factory: pytest.TempPathFactory) -> tuple[Build, Build]:
    original = unchanged_site(tmp_path_factory.mktemp("original"))
    assert original.ok, original.output

    changed = copy_repo(tmp_path_factory.mktemp("changed"))
    settings_py = changed / "korrigo_sentry" / "settings.py"
    source = settings_py.read_text(encoding="utf-8")
    literal = f'"production": {OLD_RATE!r}'
    assert source.count(literal) == 1, "the production rate must be written exactly once"
    settings_py.write_text(source.replace(literal, f'"production": {NEW_RATE!r}'), "utf-8")

    alerts_yaml = changed / "korrigo_sentry" / "data" / "alerts.yaml"
    data = yaml.safe_load(alerts_yaml.read_text(encoding="utf-8"))
    for raw in data["monitors"]:  # the line is the monitor's (Monitors & Alerts)
        if raw["id"] == RULE.monitor.id:
            raw["above"] = NEW_THRESHOLD
    alerts_yaml.write_text(yaml.safe_dump(data, sort_keys=False), encoding="utf-8")

    result = build(changed, {"SENTRY_DSN": CANARY_DSN, TODAY_ENV: LATE.isoformat()})
    assert result.ok, result.output
    return original, result


@pytest.mark.parametrize("form", [0, 1], ids=["percent", "python"])
def test_the_production_rate_follows_settings(builds: tuple[Build, Build], form: int) -> None:
    original, changed = builds
    old, new = _rate_patterns(OLD_RATE)[form], _rate_patterns(NEW_RATE)[form]
    stated = _stating(original, old)
    assert stated, f"no page states the production rate as {old.pattern}"
    assert _stating(changed, old) == set()
    assert stated <= _stating(changed, new)


def test_an_alert_threshold_follows_the_yaml(builds: tuple[Build, Build]) -> None:
    original, changed = builds
    old, new = _condition(RULE.threshold or 0), _condition(NEW_THRESHOLD)
    stated = _stating(original, old)
    assert stated, f"no page states {old.pattern!r}"
    assert _stating(changed, old) == set()
    assert stated <= _stating(changed, new)


def test_the_copy_is_what_was_built(builds: tuple[Build, Build]) -> None:
    """The changed build must read the copy, not the installed package (PYTHONPATH)."""
    original, changed = builds
    project = changed.site.parent  # the changed copy: build() writes its site inside it
    assert (project / "korrigo_sentry" / "settings.py").is_file()
    assert (project / "docs" / "runbooks").is_symlink()
    # Only the copy's settings.py holds NEW_RATE: a page stating it was built from the copy.
    for new in _rate_patterns(NEW_RATE):
        assert _stating(original, new) == set()
        assert _stating(changed, new), f"the changed build states no {new.pattern}"


def test_the_dsn_key_is_in_no_built_file(builds: tuple[Build, Build]) -> None:
    _, site = builds
    files = [path for path in site.site.rglob("*") if path.is_file()]
    assert files
    leaking = [str(p) for p in files if CANARY_KEY.encode() in p.read_bytes()]
    assert leaking == []
    # ...while the masked form (host and project id) is what the configuration page shows
    configuration = site.pages()["getting-started/configuration/index.html"]
    assert mask_dsn(CANARY_DSN) in configuration


def test_stale_facts_are_flagged_without_failing_the_strict_build(
    builds: tuple[Build, Build],
) -> None:
    _, result = builds
    assert result.ok, result.output[-2000:]
    assert "facts: STALE quota.archived_counts" in result.output
    text = page_text(result.pages()["reference/sampling-and-cost/index.html"])
    assert "not re-checked since" in text
