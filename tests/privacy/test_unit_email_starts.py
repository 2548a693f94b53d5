"""The e-mail detector finds exactly what `re.sub` with its pattern finds, in linear time.

The detector tries its pattern only where the scan stands and at the start of a run of
local-part characters (korrigo_sentry.privacy.text._sub_at_starts). These tests hold it
to the plain `re.sub` of the pattern as written below (the pattern Korrigo has always
used): no address it used to mask may leak, nothing more may be masked. Speed is
measured in tests/benchmarks/bench_scrub.py, never here.
"""

from __future__ import annotations

import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from korrigo_sentry.privacy import text
from korrigo_sentry.privacy.text import scrub_text

F = "[Filtered]"
#: The e-mail pattern as Korrigo wrote it, before the linear scan (written here, not read).
EMAIL = r"(?:[\w.+-]|%2[bB])+(?:@|%40)[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)+"
REFERENCE = re.compile(EMAIL)

DETECTOR = next(d for d in text.DETECTORS if d.rule.name == "email")

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


def test_the_pattern_is_the_one_korrigo_wrote() -> None:
    assert DETECTOR.pattern.pattern == EMAIL
    assert DETECTOR.starts is not None


@pytest.mark.parametrize(
    "value",
    [
        "a@b.c_d@e.f",  # the second match starts inside the run the first one ended in
        "a@b.c+d@e.f",
        "a@b.c.d@e.f",  # `.d` is no domain label here: the first match ends at `c`
        "a@b.c%2bd@e.f",  # the next match starts with `%2b` right after the first
        "%%2b@x.com",  # `%` then an encoded `+`
        "x%2B%2Bjean@ecole.fr",
        "%2b%2b@x.fr",
        "%2%2b@x.fr",
        "jean%40ecole.fr",
        "jean%2540ecole.fr",
        "%40%40x.fr",
        "a%40b%40c.fr",
        "élève@lycée.fr",  # the domain stops at `é`: `lyc` has no dot after it
        "élève@lycee.fr and prof@lycee.fr",
        "a@b",
        "a.b.c@",
        "@x.fr",
        "..@x.fr",
        "-a@b.c-d",
        "a@b.c@d.e",
        "a" * 50 + "@b",
        "a" * 50 + " x@y.fr",
    ],
)
def test_tricky_cases_match_re_sub(value: str) -> None:
    assert DETECTOR.sub(value) == REFERENCE.sub(F, value)


def test_the_cases_mask_what_a_reader_expects() -> None:
    # Written from outside: what a reader of the value would call an address.
    assert DETECTOR.sub("a@b.c_d@e.f") == F + F
    assert DETECTOR.sub("%%2b@x.com") == f"%{F}"
    assert DETECTOR.sub("x%2B%2Bjean@ecole.fr and more") == f"{F} and more"
    assert DETECTOR.sub("user=jean%40ecole.fr&x=1") == f"user={F}&x=1"


@settings(max_examples=400, deadline=None)
@given(TEXT)
def test_any_text_matches_re_sub(value: str) -> None:
    assert DETECTOR.sub(value) == REFERENCE.sub(F, value)


def test_an_address_after_a_long_run_is_still_masked() -> None:
    run = "x.y_z-" * 2000
    assert scrub_text(f"{run} then eleve.martin@lycee.fr") == f"{run} then {F}"
    encoded = "%2B" * 3000
    assert scrub_text(f"{encoded}jean%40ecole.fr") == F


def test_a_detector_with_starts_replaces_as_re_sub_does() -> None:
    # A callable replacement and a template with a group, as `re.sub` takes them.
    upper = text._d("s", "m", "r", r"b+", lambda m: m.group(0).upper(), starts=r"(?<!b)")
    assert upper.sub("abbcb, b") == "aBBcB, B"
    template = text._d("s", "m", "r", r"(b+)c", r"<\1>", starts=r"(?<!b)")
    assert template.sub("abbcxbc") == "a<bb>x<b>"
    assert template.sub("no match") == "no match"
