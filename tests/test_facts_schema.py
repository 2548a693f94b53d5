"""`korrigo_sentry.oncall.facts`: each refusal word for word, and what a good fact becomes.

A maintainer who edits data/facts.yaml reads these sentences: each names the fact (or its
position when it has no id), the field and what to write instead. Expected values are
written here as that reader must see them; files are written by the test.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

import pytest
import yaml
from inline_snapshot import snapshot

from korrigo_sentry.oncall.facts import (
    DEFAULT_PATH,
    Fact,
    FactError,
    get_fact,
    load_facts,
    parse_fact,
    pricing_page,
    source_parts,
    stale_facts,
)
from korrigo_sentry.yaml_model import read_yaml

SOURCE = (
    "https://github.com/getsentry/sentry-docs/blob/0123456789abcdef0123456789abcdef01234567"
    "/docs/product/alerts/index.mdx#L12"
)


def good(**changes: Any) -> dict[str, Any]:
    raw: dict[str, Any] = {
        "id": "alerts.sample",
        "statement": "A  sample\nstatement (wrapped).",
        "source": SOURCE,
        "excerpts": ["Alerts notify you."],
        "checked": "2026-12-06",
        "plans": ["Team", "Business"],
        "review_days": 90,
        "value": "5 minutes",
    }
    raw.update(changes)
    return {k: v for k, v in raw.items() if v is not ...}


def refusal(raw: Any, index: int = 0) -> str:
    with pytest.raises(FactError) as raised:
        parse_fact(raw, index)
    return str(raised.value)


def test_a_good_fact_is_read_whole() -> None:
    assert parse_fact(good()) == Fact(
        id="alerts.sample",
        statement="A sample statement (wrapped).",  # whitespace collapsed
        source=SOURCE,
        excerpts=("Alerts notify you.",),
        checked=date(2026, 12, 6),
        plans=("Team", "Business"),
        review_days=90,
        value="5 minutes",
    )
    assert parse_fact(good(value=..., checked=date(2026, 1, 2))).value is None
    assert parse_fact(good(checked=date(2026, 1, 2))).checked == date(2026, 1, 2)
    assert parse_fact(good(statement="Ends with a bracket (see above)")).statement.endswith(")")
    assert parse_fact(good(review_days=1)).review_days == 1
    assert parse_fact(good(excerpts=["12345678"])).excerpts == ("12345678",)  # 8: enough


#: Each way a fact can be wrong: (the raw fact, its index in the file).
REFUSED = {
    "a list": (["not", "a", "mapping"], 0),
    "a string, fifth": ("text", 4),
    "no id, third": (good(id=...), 2),
    "unknown field": (good(colour="red"), 0),
    "empty statement": (good(statement=""), 0),
    "no excerpt": (good(excerpts=[]), 0),
    "id not a slug": (good(id="Alerts"), 0),
    "statement without full stop": (good(statement="No full stop"), 0),
    "statement a list": (good(statement=["A list."]), 0),
    "source not on GitHub": (good(source="https://docs.sentry.io/product/alerts/"), 0),
    "excerpt too short": (good(excerpts=["1234567"]), 0),
    "excerpts a string": (good(excerpts="Alerts notify you."), 0),
    "checked not ISO": (good(checked="06/12/2026"), 0),
    "unknown plan": (good(plans=["Pro"]), 0),
    "plans a string": (good(plans="Team"), 0),
    "all with another plan": (good(plans=["all", "Team"]), 0),
    "review_days 0": (good(review_days=0), 0),
    "review_days a bool": (good(review_days=True), 0),
    "review_days a string": (good(review_days="90"), 0),
    "value a number": (good(value=5), 0),
}


def test_each_refusal_names_the_fact_the_field_and_the_fix() -> None:
    said = {case: refusal(raw, index) for case, (raw, index) in REFUSED.items()}
    assert said["a string, fifth"].startswith("fact '#5', field '(fact)': ")  # by position
    assert said == snapshot(
        {
            "a list": "fact '#1', field '(fact)': must be a mapping of fields",
            "a string, fifth": "fact '#5', field '(fact)': must be a mapping of fields",
            "no id, third": "fact '#3', field 'id': is missing or empty",
            "unknown field": "fact 'alerts.sample', field 'colour': unknown field (known: id, statement, source, excerpts, checked, plans, review_days, value)",
            "empty statement": "fact 'alerts.sample', field 'statement': is missing or empty",
            "no excerpt": "fact 'alerts.sample', field 'excerpts': is missing or empty",
            "id not a slug": "fact 'Alerts', field 'id': must be a dotted slug such as `quota.archived`",
            "statement without full stop": "fact 'alerts.sample', field 'statement': must be a sentence (ending with a full stop)",
            "statement a list": "fact 'alerts.sample', field 'statement': must be a sentence (ending with a full stop)",
            "source not on GitHub": "fact 'alerts.sample', field 'source': must be a github.com file at a 40-hex commit or an x.y.z tag",
            "excerpt too short": "fact 'alerts.sample', field 'excerpts': must be a list of verbatim strings (8+ chars)",
            "excerpts a string": "fact 'alerts.sample', field 'excerpts': must be a list of verbatim strings (8+ chars)",
            "checked not ISO": "fact 'alerts.sample', field 'checked': '06/12/2026' is not a YYYY-MM-DD date",
            "unknown plan": "fact 'alerts.sample', field 'plans': must list some of all, Developer, Team, Business, Enterprise",
            "plans a string": "fact 'alerts.sample', field 'plans': must list some of all, Developer, Team, Business, Enterprise",
            "all with another plan": "fact 'alerts.sample', field 'plans': `all` stands alone",
            "review_days 0": "fact 'alerts.sample', field 'review_days': must be a whole number of days > 0",
            "review_days a bool": "fact 'alerts.sample', field 'review_days': must be a whole number of days > 0",
            "review_days a string": "fact 'alerts.sample', field 'review_days': must be a whole number of days > 0",
            "value a number": "fact 'alerts.sample', field 'value': must be a string",
        }
    )


def test_a_fact_refused_on_its_own_is_named_first_by_default() -> None:
    with pytest.raises(FactError) as raised:
        parse_fact(good(id=...))
    assert str(raised.value) == snapshot("fact '#1', field 'id': is missing or empty")


@pytest.mark.parametrize("plans", [5, {"Team": "yes"}])
def test_plans_that_are_no_list_are_refused_not_iterated(plans: Any) -> None:
    assert refusal(good(plans=plans)) == snapshot(
        "fact 'alerts.sample', field 'plans': must list some of all, Developer, Team, Business, Enterprise"
    )


def test_a_bad_source_is_refused_in_one_sentence() -> None:
    with pytest.raises(
        ValueError, match=r"^not a GitHub file at a commit or tag: https://docs\.sentry\.io/$"
    ):
        source_parts("https://docs.sentry.io/")
    assert source_parts(SOURCE) == {
        "repo": "getsentry/sentry-docs",
        "ref": "0123456789abcdef0123456789abcdef01234567",
        "path": "docs/product/alerts/index.mdx",
        "line": "12",
    }


# --- files ----------------------------------------------------------------------------------


def write(tmp_path: Path, data: Any) -> Path:
    path = tmp_path / "facts.yaml"
    path.write_text(yaml.safe_dump(data), encoding="utf-8")
    return path


def test_a_file_is_read_fact_by_fact_in_its_order(tmp_path: Path) -> None:
    second = good(id="alerts.second", checked="2025-01-01", review_days=30)
    path = write(tmp_path, {"pricing_page": "https://pricing.example/", "facts": [good(), second]})

    facts = load_facts(path)

    assert list(facts) == ["alerts.sample", "alerts.second"]
    assert facts["alerts.sample"] == parse_fact(good())
    assert facts["alerts.second"].checked == date(2025, 1, 1)
    assert pricing_page(path) == "https://pricing.example/"
    assert [f.id for f in stale_facts(date(2025, 2, 1), path)] == ["alerts.second"]
    assert stale_facts(date(2025, 1, 31), path) == []  # on its due day: not yet stale


@pytest.mark.parametrize("data", [{"rules": []}, {"facts": "none"}, ["facts"]])
def test_a_file_without_a_facts_list_is_refused(tmp_path: Path, data: Any) -> None:
    path = write(tmp_path, data)
    with pytest.raises(FactError) as raised:
        load_facts(path)
    assert str(raised.value) == (
        f"fact '(file)', field 'facts': {path} needs a top-level `facts:` list"
    )


def test_two_facts_with_one_id_are_refused(tmp_path: Path) -> None:
    path = write(tmp_path, {"facts": [good(), good(statement="Another one.")]})
    with pytest.raises(FactError) as raised:
        load_facts(path)
    assert str(raised.value) == snapshot("fact 'alerts.sample', field 'id': is used by two facts")


def test_a_fact_without_id_in_a_file_is_named_by_its_position(tmp_path: Path) -> None:
    path = write(tmp_path, {"facts": [good(), good(id=...)]})
    with pytest.raises(FactError) as raised:
        load_facts(path)
    assert str(raised.value) == snapshot("fact '#2', field 'id': is missing or empty")


# --- the package's own file -------------------------------------------------------------------


def _package_file() -> dict[str, Any]:
    return read_yaml(DEFAULT_PATH.read_text(encoding="utf-8"))


def test_the_package_file_is_read_by_default() -> None:
    ids = [raw["id"] for raw in _package_file()["facts"]]
    assert list(load_facts()) == ids
    assert pricing_page() == "https://sentry.io/pricing/"
    assert get_fact(ids[0]).id == ids[0]


def test_an_unknown_id_names_the_ids_of_its_family() -> None:
    quota = [raw["id"] for raw in _package_file()["facts"] if raw["id"].startswith("quota")]
    assert len(quota) >= 2
    with pytest.raises(KeyError) as raised:
        get_fact("quota.no_such.fact")
    assert raised.value.args[0] == f"no fact 'quota.no_such.fact'; known: {', '.join(quota)}"


def test_an_unknown_family_names_every_id() -> None:
    every = [raw["id"] for raw in _package_file()["facts"]]
    with pytest.raises(KeyError) as raised:
        get_fact("zzz.none")
    assert raised.value.args[0] == f"no fact 'zzz.none'; known: {', '.join(every)}"
