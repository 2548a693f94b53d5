"""The build day the facts are reviewed against (`KORRIGO_FACTS_TODAY`) must be a date.

A fact past its review period is flagged on the page and in the build output, and the
strict build still passes (an old fact is a reminder to re-read its source, not a broken
page): tests/test_site_live_values.py checks it on its build of a changed copy, which runs
with a build day past every fact's review date.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from handbook.facts_markdown import TODAY_ENV
from tests.test_site_support import build, copy_repo

pytestmark = pytest.mark.slow


def test_a_malformed_build_day_is_named(tmp_path: Path) -> None:
    result = build(copy_repo(tmp_path / "handbook"), {TODAY_ENV: "next monday"})
    assert not result.ok
    assert f"{TODAY_ENV} must be a date" in result.output
