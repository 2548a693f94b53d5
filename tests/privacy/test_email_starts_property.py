"""Generated texts: the e-mail detector masks exactly what `re.sub` with its pattern masks.

The written-out cases are in test_unit_email_starts.py. This property stays out of the
mutation map (tests/mutation/run.py), as the other Hypothesis files: 400 examples a run,
paid by every surviving mutant, and a random draw would make the score vary run to run.
"""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from tests.privacy.test_unit_email_starts import DETECTOR, REFERENCE, F

#: What the generated text is made of, half and half: characters (local-part ones, ASCII
#: and not, encoded `+` and `@` and their broken halves, `@`, dots, separators that end a
#: run), and whole addresses and domains, so that a match often ends inside a run.
CHARACTERS = [
    "a", "Z", "0", "_", ".", "+", "-", "é", "%2b", "%2B", "%2", "%40", "%4", "%", "2", "b",
    "B", "4", "@", " ", "/", ",", ":", "..", "'",
]  # fmt: skip
ADDRESSES = ["x@b.c", "x%40b.c", "x%2B@b.c", "@x.fr", ".fr"]
TEXT = st.lists(
    st.one_of(st.sampled_from(CHARACTERS), st.sampled_from(ADDRESSES)), max_size=40
).map("".join)


@settings(max_examples=400, deadline=None)
@given(TEXT)
def test_any_text_matches_re_sub(value: str) -> None:
    assert DETECTOR.sub(value) == REFERENCE.sub(F, value)
