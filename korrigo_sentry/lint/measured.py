"""What the linter found on the real Korrigo: `data/korrigo_lint.yaml`, parsed.

The privacy page states how many personal values Korrigo's code formats into messages. The
count comes from running the linter on a Korrigo checkout, which a site build does not
have: tests/test_lint.py runs it where the checkout is, and rewrites the file (and fails)
when the count differs from the one written there.
"""

from __future__ import annotations

import datetime
from pathlib import Path

from pydantic import BaseModel, ConfigDict, Field

from korrigo_sentry.yaml_model import load_model

KORRIGO_LINT_YAML = Path(__file__).resolve().parent.parent / "data" / "korrigo_lint.yaml"


class LintMeasure(BaseModel):
    """One run of `python -m korrigo_sentry lint` on Korrigo's backend at a commit."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    commit: str = Field(pattern=r"^[0-9a-f]{40}$")
    measured: datetime.date
    findings: int = Field(ge=0)
    files: int = Field(ge=0)


def read(path: Path = KORRIGO_LINT_YAML) -> LintMeasure:
    """Parse korrigo_lint.yaml (DataFileError naming file, line and field)."""
    return load_model(path, LintMeasure)


def render(measure: LintMeasure) -> str:
    """The file's text for `measure`: a header saying where it comes from, then the values."""
    return (
        "# What `python -m korrigo_sentry lint` finds in Korrigo's backend at `commit`\n"
        "# (findings, and the files they are in). Written by tests/test_lint.py, which runs\n"
        "# the linter on a Korrigo checkout; parsed by korrigo_sentry/lint/measured.py.\n"
        f"commit: {measure.commit}\n"
        f"measured: {measure.measured.isoformat()}\n"
        f"findings: {measure.findings}\n"
        f"files: {measure.files}\n"
    )
