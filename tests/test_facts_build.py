"""A fact past its review period: flagged on the page and in the build output, and the strict
build still passes (an old fact is a reminder to re-read its source, not a broken page)."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import pytest

from handbook.facts_markdown import TODAY_ENV
from korrigo_sentry.oncall.facts import load_facts
from tests.test_site_support import build, copy_repo, page_text

pytestmark = pytest.mark.slow


def test_stale_facts_are_flagged_without_failing_the_strict_build(tmp_path: Path) -> None:
    facts = load_facts()
    late = max(f.due for f in facts.values()) + timedelta(days=1)
    result = build(copy_repo(tmp_path / "handbook"), {TODAY_ENV: late.isoformat()})
    assert result.ok, result.output[-2000:]
    assert "facts: STALE quota.archived_counts" in result.output
    text = page_text(result.pages()["reference/sampling-and-cost/index.html"])
    assert "not re-checked since" in text


def test_a_malformed_build_day_is_named(tmp_path: Path) -> None:
    result = build(copy_repo(tmp_path / "handbook"), {TODAY_ENV: "next monday"})
    assert not result.ok
    assert f"{TODAY_ENV} must be a date" in result.output
