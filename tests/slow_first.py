"""`-p tests.slow_first`: the slow tests go first (`make unit` loads it; no other run does).

`make unit` spreads test files over two xdist workers (`--dist loadfile`), each taking the
next file when done. The slow files (a site build or a served copy each, 5 to 20 s) came
last in collection order, so one worker was still building a site while the other had
nothing left: the longest first leaves only short files for the end. The order within
the slow ones and within the rest stays pytest-randomly's.
"""

from __future__ import annotations

import pytest


@pytest.hookimpl(trylast=True)  # after pytest-randomly's shuffle
def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    items.sort(key=lambda item: item.get_closest_marker("slow") is None)  # stable sort
