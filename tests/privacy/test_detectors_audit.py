"""What an independent audit found the detectors let through (issue 25), pinned one by one.

Expected values are written from outside: the IBAN is the French sample published by the
Banque de France and the European Payments Council (`FR76 3000 6000 0112 3456 7890 189`),
the cards are the Visa and American Express test numbers every payment provider publishes;
what is masked is what a reader of the event must not see, what is kept is what they need.
"""

from __future__ import annotations

import pytest
import sentry_sdk

from korrigo_sentry.privacy.text import scrub_text
from korrigo_sentry.privacy.urls import scrub_param, scrub_url
from korrigo_sentry.testing import FakeTransport

F = "[Filtered]"


# --- IBANs as people type them: lower case, with or without spaces --------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("refund to fr76 3000 6000 0112 3456 7890 189 failed", f"refund to {F} failed"),
        ("refund to fr7630006000011234567890189 failed", f"refund to {F} failed"),
        ("refund to Fr76 3000 6000 0112 3456 7890 189 failed", f"refund to {F} failed"),
        ("refund to gb82west12345698765432 failed", f"refund to {F} failed"),  # published GB
        # upper case, as before
        ("refund to FR76 3000 6000 0112 3456 7890 189 failed", f"refund to {F} failed"),
    ],
)
def test_an_iban_in_lower_case_is_masked(text: str, expected: str) -> None:
    assert scrub_text(text) == expected


@pytest.mark.parametrize(
    "text",
    [
        # the IBAN's shape in words, passing mod 97 (1 chance in 97), but no account digits
        # (the extension's digits make the text worth a look by the digit detectors)
        "id10 with this list, extension 1234567",
        "ID10 WITH THIS LIST, EXTENSION 1234567",
        # one check digit off: not an IBAN
        "refund to fr77 3000 6000 0112 3456 7890 189 failed",
    ],
)
def test_words_and_wrong_check_digits_are_kept(text: str) -> None:
    assert scrub_text(text) == text


# --- card numbers written with dots, or ending a sentence -----------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("paid with 4111.1111.1111.1111 today", f"paid with {F} today"),  # Visa test number
        ("paid with 3782.822463.10005 today", f"paid with {F} today"),  # Amex test number
        ("paid with 4111 1111 1111 1111.", f"paid with {F}."),  # the sentence's full stop
        ("paid with 4111.1111.1111.1111.", f"paid with {F}."),
    ],
)
def test_a_card_number_with_dots_is_masked(text: str, expected: str) -> None:
    assert scrub_text(text) == expected


@pytest.mark.parametrize(
    "text",
    [
        "ref 4111.1111.1111.1112 today",  # the last digit off: Luhn fails, an id
        "at 1701234567.123456 the job ended",  # a Unix timestamp with microseconds
        "build 2024.1201.0001.1234 deployed",  # a dotted version (Luhn fails)
        "version 4111.1111.1111.1111.5 again",  # five dotted groups: no card is written so
        "trace 2026.1201.0930.4512.7780 kept",  # 20 digits: passes Luhn, but too long for a card
    ],
)
def test_dotted_numbers_that_are_no_card_are_kept(text: str) -> None:
    assert scrub_text(text) == text


# --- e-mail addresses with a `+` part (issue 25, item 3) ------------------------------------


@pytest.mark.parametrize(
    "text",
    [
        "mail to first.last+tag@school.example bounced",
        "mail to first.last+2026-exams@school.example bounced",
        "mail to first.last%2Btag%40school.example bounced",  # percent-encoded in a URL
    ],
)
def test_an_address_with_a_plus_part_is_masked_whole(text: str) -> None:
    assert scrub_text(text) == f"mail to {F} bounced"


# --- digit runs under allowlisted query parameters (issue 25, item 4) -----------------------
# `exam_id` and `page` are on the allowlist: a short id keeps its value, but a phone or card
# number under that harmless name is still a phone or card number.


@pytest.mark.parametrize(
    ("name", "value"),
    [
        ("exam_id", "0612345678"),  # a French mobile number
        ("exam_id", "4111111111111111"),  # the Visa test number
        ("exam_id", "33612345678"),  # the mobile number, international, without its +
        ("page", "1234567"),  # seven digits: no phone or card shape, still a digit run
    ],
)
def test_a_digit_run_under_an_allowlisted_name_is_masked(name: str, value: str) -> None:
    assert scrub_param(name, value) == f"{name}={F}"
    assert scrub_url(f"https://korrigo.example/grades/?{name}={value}&sort=name") == (
        f"https://korrigo.example/grades/?{name}={F}&sort=name"
    )


@pytest.mark.parametrize(("name", "value"), [("exam_id", "123456"), ("page", "12"),
                                             ("sort", "-created_at")])  # fmt: skip
def test_a_short_id_under_an_allowlisted_name_is_kept(name: str, value: str) -> None:
    assert scrub_param(name, value) == f"{name}={value}"


def test_a_phone_number_in_an_allowlisted_query_does_not_reach_sentry(
    sentry: FakeTransport,
) -> None:
    # Django's integration sends the query string as it came; the pipeline reads it there.
    with sentry_sdk.new_scope() as scope:
        scope.add_event_processor(
            lambda event, hint: {
                **event,
                "request": {
                    "url": "https://korrigo.example/grades/",
                    "query_string": "exam_id=0612345678&page=2",
                },
            }
        )
        sentry_sdk.capture_message("grades export failed")
    (event,) = sentry.events
    assert event["request"]["query_string"] == f"exam_id={F}&page=2"


def test_lower_case_iban_and_dotted_card_do_not_reach_sentry(sentry: FakeTransport) -> None:
    sentry_sdk.capture_message(
        "refund to fr76 3000 6000 0112 3456 7890 189 with 4111.1111.1111.1111"
    )
    (event,) = sentry.events
    assert event["message"] == f"refund to {F} with {F}"
