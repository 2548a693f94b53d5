"""Each drill, on the live stack: its break is detected by the runbook's quick checks, the
page's mitigation ends it, and the events Bugsink stored match what was sent."""

from __future__ import annotations

import pytest

from tests.drills.conftest import selected


@pytest.mark.parametrize("name", selected())
def test_drill(run_drill, name: str) -> None:
    result = run_drill(name)
    # Every step of the drill asserted itself; here, the figures the drill must account for.
    assert result.detected_by, "the drill did not say what detected the break"
    if result.sent != result.ingested:
        assert result.note, f"sent {result.sent}, ingested {result.ingested}, unexplained"
    # No event lost to a failing hook (so far: a process's last client report comes when
    # it stops; the stack fixture checks the whole run once the stack stopped).
    assert (result.lost_to_hooks, result.skeletons) == (0, 0)
