"""The wheel the field tests install: built once per session from a copy of the sources.

Both field modules (the commands from the wheel, a host project's suite) install this one
wheel into virtualenvs of their own; building it twice cost a second copy of the sources
and a second rendering of the runbooks, for the same bytes.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.field.wheel import ROOT, build_wheel


@pytest.fixture(scope="session")
def wheel(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The package's wheel, built outside the checkout."""
    base = tmp_path_factory.mktemp("wheel")
    assert not base.resolve().is_relative_to(ROOT)
    return build_wheel(base)
