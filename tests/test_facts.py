"""Product facts: every one sourced, excerpted and dated; pages state them only through the data.

The last part scans the raw Markdown of docs/ and runbooks/ for what a page must not type
by hand: Sentry plan names, prices and UI paths outside a macro call.
"""

from __future__ import annotations

import re
from datetime import date, timedelta
from pathlib import Path

import pytest
import sentry_sdk
import yaml

from handbook.facts_markdown import render_fact, render_plan, render_ui
from korrigo_sentry import settings
from korrigo_sentry.oncall import facts as facts_module
from korrigo_sentry.oncall.facts import (
    PLANS,
    FactError,
    load_facts,
    normalize,
    parse_fact,
    source_parts,
    stale_facts,
)
from korrigo_sentry.yaml_model import read_yaml

ROOT = Path(__file__).resolve().parent.parent
FACTS = load_facts()
SDK_ROOT = Path(sentry_sdk.__file__).resolve().parent.parent


def _raw() -> list[dict]:
    return read_yaml(facts_module.DEFAULT_PATH.read_text(encoding="utf-8"))["facts"]


# --- every fact: source, excerpt, date, plans, review period ---------------------------------


def test_there_are_facts_and_each_has_source_excerpt_date() -> None:
    assert len(FACTS) >= 40
    for fact in FACTS.values():
        parts = source_parts(fact.source)  # a GitHub file at a commit or a tag
        assert parts["repo"] in {
            "getsentry/sentry-docs",
            "getsentry/sentry",
            "getsentry/sentry-python",
            "getsentry/relay",
            "celery/celery",
            "getsentry/cli",  # Sentry's own client, for API facts the docs do not state
        }, fact.id
        assert fact.excerpts, fact.id
        assert all(len(normalize(e)) >= 8 for e in fact.excerpts), fact.id
        assert fact.checked <= date.today(), f"{fact.id} checked in the future"
        assert fact.review_days > 0
        assert set(fact.plans) <= set(PLANS)


def test_docs_sources_are_pinned_to_a_full_commit() -> None:
    for fact in FACTS.values():
        parts = source_parts(fact.source)
        if parts["repo"] in {"getsentry/sentry-docs", "getsentry/sentry"}:
            assert re.fullmatch(r"[0-9a-f]{40}", parts["ref"]), fact.id


def test_sdk_sources_are_the_pinned_version_and_their_excerpts_are_in_it() -> None:
    """The installed sentry-sdk is the pinned one: its source is the fact's source."""
    sdk_facts = [f for f in FACTS.values() if f.repo == "getsentry/sentry-python"]
    assert len(sdk_facts) >= 18
    for fact in sdk_facts:
        parts = source_parts(fact.source)
        assert parts["ref"] == settings.SDK_PIN == sentry_sdk.VERSION, fact.id
        text = (SDK_ROOT / parts["path"]).read_text(encoding="utf-8")
        for excerpt in fact.excerpts:
            assert normalize(excerpt) in normalize(text), f"{fact.id}: {excerpt!r}"
        assert parts["line"], f"{fact.id}: cite the line"
        lines = text.splitlines()
        cited = int(parts["line"])
        around = normalize("\n".join(lines[cited - 1 : cited + 3]))
        assert any(normalize(e)[:30] in around for e in fact.excerpts), (
            f"{fact.id}: line {cited} is not where its excerpt is"
        )


def test_celery_facts_are_in_the_celery_korrigo_installs() -> None:
    """A Celery fact cites a commit of Celery's repository; the installed (pinned) Celery
    must say the same, or the page describes a worker Korrigo does not run."""
    import celery

    celery_root = Path(celery.__file__).resolve().parent.parent
    celery_facts = [f for f in FACTS.values() if f.kind == "celery"]
    assert celery_facts
    for fact in celery_facts:
        text = normalize((celery_root / fact.path).read_text(encoding="utf-8"))
        for excerpt in fact.excerpts:
            assert normalize(excerpt) in text, f"{fact.id}: {excerpt!r}"


def test_an_sdk_fact_is_cited_with_its_version_file_and_line() -> None:
    """Issue 22: what the SDK does carries the SDK file and line at the pinned version."""
    fact = FACTS["sdk.attachments_in_hint"]
    text = render_fact(fact.id, today=fact.checked)
    assert "[sentry-sdk 2.76.0, `sentry_sdk/scope.py` line 1892](" in text
    assert (
        "https://github.com/getsentry/sentry-python/blob/2.76.0/sentry_sdk/scope.py#L1892" in text
    )
    relay = render_fact("relay.auth_status", today=FACTS["relay.auth_status"].checked)
    assert "Sentry's ingest (Relay), `relay-server/src/extractors/request_meta.rs` line 63" in relay
    assert "[Sentry docs](" in render_fact("uptime.checks", today=FACTS["uptime.checks"].checked)


def test_a_fact_from_another_repository_is_refused() -> None:
    raw = dict(_raw()[0], source="https://github.com/someone/fork/blob/2.76.0/sentry_sdk/x.py")
    with pytest.raises(FactError, match="field 'source'"):
        parse_fact(raw)


def test_plan_gated_facts_name_their_plans_when_rendered() -> None:
    gated = [f for f in FACTS.values() if f.plan_gated]
    assert {"quota.delete_discard", "filters.by_message", "filters.by_release"} <= {
        f.id for f in gated
    }
    assert render_fact("quota.delete_discard").count("Business or Enterprise plan only") == 1
    for fact in gated:
        rendered = render_fact(fact.id)
        assert all(plan in rendered for plan in fact.plans), fact.id


def test_a_rendered_fact_links_its_source_and_date() -> None:
    fact = FACTS["quota.archived_counts"]
    text = render_fact(fact.id, today=fact.checked)
    assert fact.statement in text
    assert f"({fact.source} " in text
    assert f"checked {fact.checked.isoformat()}" in text
    ui = render_ui("ui.explore_traces", today=fact.checked)
    assert "**Explore → Traces**" in ui
    assert FACTS["ui.explore_traces"].source in ui
    assert render_plan("business", today=fact.checked).startswith("[Business plan](")


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"source": ""}, "source"),
        ({"source": "https://docs.sentry.io/pricing/"}, "source"),
        ({"source": "https://github.com/getsentry/sentry-docs/blob/master/docs/x.mdx"}, "source"),
        ({"excerpts": []}, "excerpts"),
        ({"excerpts": ["short"]}, "excerpts"),
        ({"checked": None}, "checked"),
        ({"checked": "29/11/2026"}, "checked"),
        ({"plans": ["Pro"]}, "plans"),
        ({"plans": ["all", "Team"]}, "plans"),
        ({"review_days": 0}, "review_days"),
        ({"statement": "no full stop"}, "statement"),
        ({"colour": "red"}, "colour"),
    ],
)
def test_a_fact_without_evidence_is_refused(changes: dict, field: str) -> None:
    raw = dict(_raw()[0], **changes)
    with pytest.raises(FactError, match=f"field '{field}'"):
        parse_fact(raw)


def test_duplicate_ids_are_refused(tmp_path: Path) -> None:
    raw = _raw()
    path = tmp_path / "facts.yaml"
    path.write_text(yaml.safe_dump({"facts": [raw[0], raw[0]]}), encoding="utf-8")
    with pytest.raises(FactError, match="used by two facts"):
        load_facts(path)


def test_an_unknown_fact_fails_the_build_naming_its_neighbours() -> None:
    with pytest.raises(KeyError, match=r"quota\.resolved_counts"):
        render_fact("quota.no_such_fact")
    with pytest.raises(ValueError, match="unknown plan"):
        render_plan("pro")


# --- review period ------------------------------------------------------------------------


def test_a_stale_fact_is_flagged_on_the_page_and_in_the_build_output(
    capsys: pytest.CaptureFixture[str],
) -> None:
    fact = FACTS["spike.trials"]
    fresh = render_fact(fact.id, today=fact.due)
    assert "not re-checked" not in fresh
    assert capsys.readouterr().err == ""
    late = render_fact(fact.id, today=fact.due + timedelta(days=1))
    assert f"not re-checked since {fact.checked.isoformat()}" in late
    err = capsys.readouterr().err
    assert f"facts: STALE {fact.id}" in err
    assert fact.source in err


def test_stale_facts_lists_exactly_the_overdue_ones() -> None:
    newest = max(f.due for f in FACTS.values())
    oldest = min(f.due for f in FACTS.values())
    assert stale_facts(oldest) == []
    assert len(stale_facts(newest + timedelta(days=1))) == len(FACTS)


# --- pages use the data, never a hand-typed plan, price or UI path --------------------------

#: What a page must not type by hand: Sentry's plan names, prices, and UI locations.
FORBIDDEN = {
    "plan name": re.compile(r"\b(?:Developer|Team|Business|Enterprise)\s+plans?\b"),
    "price": re.compile(r"\$\s?\d|\d\s?(?:USD|€)|/month\b"),
    "UI path": re.compile(
        r"\b(?:Settings|Project Settings|Stats|Explore|Insights|Alerts|Issues)\s*(?:→|&gt;|>)\s*\w"
    ),
    "UI name": re.compile(
        r"\bInsights\b|\*\*Performance\*\*|\bPerformance page\b|\*\*Stats\*\*|\bStats page\b"
    ),
}
MACRO = re.compile(r"\{\{.*?\}\}|\{%.*?%\}|<!--.*?-->", re.DOTALL)


def hand_typed(markdown: str) -> list[tuple[int, str, str]]:
    """(line, kind, text) for each product fact typed outside a macro call."""
    stripped = MACRO.sub(lambda m: re.sub(r"[^\n]", " ", m.group()), markdown)
    found = []
    for number, line in enumerate(stripped.splitlines(), 1):
        for kind, pattern in FORBIDDEN.items():
            for match in pattern.finditer(line):
                found.append((number, kind, match.group()))
    return found


def _pages() -> list[Path]:
    docs = [p for p in (ROOT / "docs").rglob("*.md") if "runbooks" not in p.relative_to(ROOT).parts]
    return sorted(docs + list((ROOT / "runbooks").glob("*.md")))


def test_the_scanner_finds_what_it_looks_for() -> None:
    planted = (
        "Upgrade to the Business plan for $26/month.\n"
        "Open **Settings → Subscription**, then Explore > Traces, or Insights.\n"
        "The **Stats** page shows dropped events.\n"
        '{{ fact("quota.delete_discard") }} {{ ui("ui.subscription") }}\n'
    )
    kinds = [kind for _, kind, _ in hand_typed(planted)]
    assert kinds.count("plan name") == 1
    assert kinds.count("price") == 2  # "$26" and "/month"
    assert kinds.count("UI path") == 2
    assert kinds.count("UI name") == 2
    assert all(line < 4 for line, _, _ in hand_typed(planted))  # macro calls are not read


def test_pages_state_plans_prices_and_ui_paths_only_through_the_data() -> None:
    pages = _pages()
    assert len(pages) > 20
    problems = []
    for page in pages:
        relative = page.relative_to(ROOT).as_posix()
        for line, kind, text in hand_typed(page.read_text(encoding="utf-8")):
            problems.append(f"{relative}:{line}: {kind} typed by hand: {text!r}")
    assert problems == [], "\n".join(problems)


def test_every_fact_a_page_names_exists() -> None:
    used = set()
    for page in _pages():
        used |= set(re.findall(r"""(?:fact|cite|ui)\(\s*["']([\w.]+)["']""", page.read_text()))
    assert used, "no page uses a fact"
    assert used <= set(FACTS), sorted(used - set(FACTS))


def test_a_cited_table_cell_links_the_fact_without_its_statement() -> None:
    from handbook.facts_markdown import render_cite

    fact = FACTS["sdk.sql_breadcrumbs"]
    text = render_cite(fact.id, today=fact.checked)
    assert fact.statement not in text
    assert "sentry-sdk 2.76.0, `sentry_sdk/tracing_utils.py` line 185" in text
    assert "checked 2026-12-06" in text
