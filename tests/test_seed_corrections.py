"""Every product statement of the seed guide that the handbook changed is marked as a correction.

Each phrase below is quoted from the seed guide (checked against its copy in tests/data) and
must appear inside an admonition titled "Correction..." on the page that changed it, so a
reader who knows the old guide sees what changed and why.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
SEED = (ROOT / "tests" / "data" / "seed_sentry_guide.md").read_text(encoding="utf-8")

CORRECTED = [
    ("docs/getting-started/verify.md", "trigger_error()"),
    ("docs/getting-started/account.md", "free account"),
    ("docs/reference/features.md", "request failures"),
    ("docs/reference/features.md", "retries, timeouts"),
    ("docs/reference/alerts.md", "Frequency: immediately"),
    ("docs/reference/alerts.md", "once per hour"),
    ("docs/reference/alerts.md", "once per day"),
    ("docs/reference/alerts.md", "any new issue"),
    ("docs/reference/dashboard.md", "which commits introduced errors"),
    ("docs/reference/sampling-and-cost.md", "Filter noise"),
]


def correction_blocks(markdown: str) -> list[str]:
    """The text of every admonition whose title starts with "Correction"."""
    blocks, current = [], None
    for line in markdown.splitlines():
        if re.match(r'^(!!!|\?\?\?\+?) \w+ "Correction', line):
            current = [line]
            blocks.append(current)
        elif current is not None and (line.startswith("    ") or not line.strip()):
            current.append(line)
        else:
            current = None
    return [" ".join(" ".join(block).split()) for block in blocks]


@pytest.mark.parametrize(("page", "phrase"), CORRECTED)
def test_a_changed_seed_statement_is_marked_as_a_correction(page: str, phrase: str) -> None:
    assert phrase.lower() in " ".join(SEED.split()).lower(), "not a phrase of the seed guide"
    blocks = correction_blocks((ROOT / page).read_text(encoding="utf-8"))
    assert any(phrase.lower() in block.lower() for block in blocks), (
        f"{page}: no Correction note quotes {phrase!r}"
    )


def test_the_parser_only_reads_correction_notes() -> None:
    text = '!!! note "Correction: x"\n\n    quoted here\n\nnot quoted\n!!! tip "Other"\n    no\n'
    assert correction_blocks(text) == ['!!! note "Correction: x" quoted here']
