"""The value detectors' helpers and the random-token rule, one boundary at a time.

Expected values are what a reader of an event needs: a random-looking token goes, an
identifier, a long word or a hex-looking word without digits stays. The card samples
are the published Visa test number (Luhn-valid) and the same with its last digit off.
"""

from __future__ import annotations

import re

import pytest

from korrigo_sentry.privacy import text
from korrigo_sentry.privacy.rule import Rule
from korrigo_sentry.privacy.text import scrub_text

F = "[Filtered]"


@pytest.mark.parametrize(
    "token",
    [
        "deadbeefcafe1234",  # lower-case hex with digits: a key or a digest
        "DEADBEEFCAFE1234",  # the same in upper case
        "AxBxxxxxxxxxx123",  # two capitals, three digits: the least the rule asks
        "AXBXXXXXXXXXXab123",  # two lower-case letters
        "q7Rt2Lm9Xv4Kp8Zs3Nw6Yh1B",  # a typical 24-character random key
    ],
)
def test_random_looking_tokens_are_filtered(token: str) -> None:
    assert scrub_text(f"retry with {token} later") == f"retry with {F} later"


@pytest.mark.parametrize(
    "word",
    [
        "deadbeefdeadbeef",  # hex letters only, no digit: a word, not a digest
        "1234567890123456",  # digits only (and not a card: Luhn fails)
        "internationalisation",  # one long lower-case word
        "InternationalSchoolName",  # an identifier: capitals, no digits
        "report2024final123",  # digits and lower case, no capitals
        "AxBxxxxxxxxxxx12",  # two capitals but only two digits
        "AXBXXXXXXXXXXa123",  # only one lower-case letter
        "xBxxxxxxxxxxx1234",  # one capital
    ],
)
def test_look_alike_words_are_kept(word: str) -> None:
    assert scrub_text(f"see {word} now") == f"see {word} now"


def test_six_characters_are_enough_for_an_address() -> None:
    assert scrub_text("x@y.fr") == F
    assert scrub_text("to x@y.fr") == f"to {F}"


def test_masking_replacer_ignores_spaces_dots_and_dashes() -> None:
    mask = text._mask_if(text.luhn_valid)
    number = re.compile(r"\d[\d .-]*\d")
    assert number.sub(mask, "card 4111 1111.1111-1111 end") == f"card {F} end"
    assert number.sub(mask, "ref 4111 1111.1111-1112 end") == "ref 4111 1111.1111-1112 end"


def test_a_detector_is_a_named_value_rule() -> None:
    detector = text._d("sample", "what it matches", "why it goes", r"ab+c")
    assert detector.rule == Rule("sample", "value", "what it matches", "why it goes")
    assert detector.pattern.sub(detector.replace, "xabbcx") == f"x{F}x"

    def shout(match: re.Match[str]) -> str:
        return match.group(0).upper()

    custom = text._d("s", "m", "r", r"ab+c", shout)
    assert custom.pattern.sub(custom.replace, "xabcx") == "xABCx"


def test_luhn_counts_an_undoubled_nine_as_nine() -> None:
    # The worked example of the Luhn algorithm (ISO/IEC 7812-1, as Wikipedia gives it):
    # 7992739871 takes the check digit 3; the undoubled 9s count as 9, not 0.
    assert text.luhn_valid("79927398713")
    assert not text.luhn_valid("79927398710")


@pytest.mark.parametrize(
    ("sql", "expected"),
    [
        # DB-API placeholders are code: the statement shows which parameter, never its value
        ("UPDATE auth_user SET password = %(password)s WHERE id = %(id)s",
         "UPDATE auth_user SET password = %(password)s WHERE id = %(id)s"),
        ("UPDATE auth_user SET password = %s WHERE id = %s",
         "UPDATE auth_user SET password = %s WHERE id = %s"),
        ("UPDATE u SET password = ? WHERE token = ?", "UPDATE u SET password = ? WHERE token = ?"),
        ("UPDATE u SET password = $1, token = :tok", "UPDATE u SET password = $1, token = :tok"),
        # a literal in the same place is still a secret
        ("UPDATE u SET password = 'hunter2x'", "UPDATE u SET password = [Filtered]"),
        ("token=?abc, password=$1x", "token=[Filtered], password=[Filtered]"),
    ],
)  # fmt: skip
def test_sql_placeholders_are_kept_and_literals_masked(sql: str, expected: str) -> None:
    assert text.scrub_text(sql) == expected
