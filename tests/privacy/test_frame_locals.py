"""Frame variables by allowlist (issue 21.3): literal outputs, and the committed figures.

The SDK hands the pipeline each frame variable as its repr: `'Dupont'` for a string,
`42` for a number, `<Student: Dupont Jeanne>` for an object.
"""

from __future__ import annotations

import json
from typing import Any

import pytest

from korrigo_sentry.privacy import frame_locals
from tests.privacy import measure_locals

F = "[Filtered]"


@pytest.mark.parametrize(
    ("serialised", "expected"),
    [
        (None, None), (True, True), (2.5, 2.5), (42, 42), ("42", "42"), ("-3", "-3"),
        ("True", "True"), ("None", "None"),
        ("'Jeanne Dupont'", "<str len=13>"),
        ("<Student: Dupont Jeanne (1re B)>", "<Student>"),
        ("<Student pk=12>", "<Student pk=12>"),
        ("<SimpleUploadedFile name=[Filtered].pdf>", "<SimpleUploadedFile name=[Filtered].pdf>"),
        # the Visa test number, as an int and as the repr of one
        (4111111111111111, F), ("4111111111111111", F), ("-4111111111111111", F),
        ({"exam_id": "7", "label": "'Dupont'", "a b": "1"},
         {"exam_id": "7", "label": "<str len=6>", "<key>": "1"}),
        (["'x@y.fr'", "3"], ["<str len=6>", "3"]),
        (F, F),
    ],
)  # fmt: skip
def test_what_a_local_keeps(serialised: Any, expected: Any) -> None:
    assert frame_locals.shape(serialised) == expected


def test_the_committed_figures_are_what_was_measured() -> None:
    committed = json.loads(measure_locals.OUT.read_text(encoding="utf-8"))
    measured = measure_locals.measure()
    # Under the denylist, how many random canaries a detector happens to catch varies by
    # one or two between runs; every other figure is exact.
    for figures in (committed, measured):
        deny = figures["policies"]["denylist"]
        deny["leaks"] = (deny.pop("fuzz_leaks"), deny.pop("frame_leaks"))
    old, new = committed["policies"]["denylist"]["leaks"], measured["policies"]["denylist"]["leaks"]
    assert all(abs(a - b) <= 2 and b >= 1 for a, b in zip(old, new, strict=True))
    committed["policies"]["denylist"]["leaks"] = new
    assert measured == committed
    allow, deny = committed["policies"]["allowlist"], committed["policies"]["denylist"]
    # The decision the page states: the allowlist leaks nothing the denylist lets through.
    assert committed["decision"] == "allowlist"
    assert allow["fuzz_leaks"] == 0
    assert allow["frame_leaks"] == 0
    assert deny["leaks"][1] >= 1
