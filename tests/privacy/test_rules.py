"""The pipeline's rules one by one: each secret shape goes, each look-alike stays.

Expected values are written from the outside: the card and IBAN samples come from
their published test numbers and checksum definitions, the URLs from what a reader of
the event needs to see.
"""

from __future__ import annotations

import json

import pytest
import sentry_sdk
from sentry_sdk.envelope import Envelope, Item, PayloadRef

from korrigo_sentry import privacy
from korrigo_sentry.privacy.places import description_rule, parametrize_sql, reduce_key
from korrigo_sentry.privacy.text import iban_valid, luhn_valid
from korrigo_sentry.privacy.urls import scrub_query, scrub_url
from korrigo_sentry.testing import FakeTransport

F = "[Filtered]"


@pytest.mark.parametrize(
    ("text", "secret"),
    [
        ("paid with 4111 1111 1111 1111", "4111 1111 1111 1111"),  # Visa test number
        ("card 5555-5555-5555-4444 refused", "5555-5555-5555-4444"),  # Mastercard test number
        ("refund to FR14 2004 1010 0505 0001 3M02 606", "2004 1010 0505 0001"),  # published FR
        ("refund to GB82WEST12345698765432 failed", "GB82WEST12345698765432"),  # published GB
        ("parent at 06 12 34 56 78", "12 34 56 78"),
        ("parent at 06.12.34.56.78", "12.34.56.78"),
        ("call +33 6 12 34 56 78 now", "12 34 56 78"),
        ("call +4915123456789", "15123456789"),
        ("key AKIAIOSFODNN7EXAMPLE used", "AKIAIOSFODNN7EXAMPLE"),  # AWS documentation's example
        ("token ghp_" + "a1B2" * 9, "a1B2a1B2"),
        ("hook xoxb-123456789012-123456789012-abcdefABCDEF", "abcdefABCDEF"),
        ("stripe sk_live_" + "4eC39HqLyjWDarjtT1zdp7dc", "4eC39HqLyjWDarjtT1zdp7dc"),
        ("maps AIza" + "SyD-9tSrke72PouQMnMX-a7eZSW0jkFMBWY", "SyD-9tSrke72"),
        ("Authorization: Bearer ab12", "ab12"),  # short bearer tokens are tokens too
        ("login refused pwd=hunter2x", "hunter2x"),
        ("broker amqp://korrigo:s3cr%2Fet@mq:5672//", "s3cr%2Fet"),  # percent-encoded password
        ("cache redis://:p4ss/word@cache:6379/0 down", "p4ss"),
        ("db postgres://korrigo:pw@db/korrigo", "korrigo:pw"),
        ("GET https://s3/a.pdf?X-Amz-Signature=abc123&X-Amz-Algorithm=AWS4-HMAC-SHA256",
         "abc123"),
        ("callback /oauth/?code=splxlOBeZQQYbYS6WxSbIA&page=2", "splxlOBeZQQYbYS6WxSbIA"),
        ("reset link /reset/MTI/bx3k-8f2a9c1d4e5b6f70/", "bx3k-8f2a9c1d4e5b6f70"),
        ("{'db': {'password': 'p4ss-w0rd', 'port': 5432}}", "p4ss-w0rd"),  # a repr past depth
        ("Student(student_name='Jeanne Martin', grade=12)", "Jeanne Martin"),
        ("run --password hunter2x --verbose", "hunter2x"),
        ("-----BEGIN RSA PRIVATE KEY-----\nMIIEowIBAAKCAQEA", "MIIEowIBAAKCAQEA"),  # cut short
        ("mail to eleve.martin%40lycee.fr bounced", "eleve.martin"),
    ],
)  # fmt: skip
def test_value_detectors_remove_the_secret(text: str, secret: str) -> None:
    scrubbed = privacy.scrub_text(text)
    assert secret not in scrubbed
    assert F in scrubbed


@pytest.mark.parametrize(
    "text",
    [
        "copy 4111111111111112 of exam 7",  # 16 digits failing Luhn: an id, kept
        "batch FR15 2004 1010 0505 0001 3M02 606",  # IBAN shape with wrong check digits
        "finished at 1764440000.123456",
        "GET /exams/12/report/?page=2&sort=grade",
        "SELECT COUNT(*) FROM korrigo_copy WHERE exam_id = %s",
        "took 1234567 ms on 3 pages",
        "version 2.75.0 of sentry-sdk",
        "https://korrigo.example/exams/12/",
        "sign-in service unavailable for a 12-character login",
    ],
)
def test_look_alikes_survive(text: str) -> None:
    assert privacy.scrub_text(text) == text


def test_checksums_match_their_definitions() -> None:
    assert luhn_valid("4111111111111111")
    assert not luhn_valid("4111111111111112")
    assert iban_valid("GB82WEST12345698765432")
    assert not iban_valid("GB83WEST12345698765432")
    # a character outside ISO 13616's alphabet (0-9, A-Z) is no IBAN, whatever the digits
    assert not iban_valid("GB82WEST1234569876543!")
    assert not iban_valid("GB82 WEST 1234 5698 7654 32")  # spaces are removed before the check


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("redis://:pw@cache:6379/0", f"redis://{F}@cache:6379/0"),
        ("https://h/x?page=2&token=abc", f"https://h/x?page=2&token={F}"),
        ("https://h/x?q=Jeanne+Martin", f"https://h/x?q={F}"),
        ("https://h/cb#access_token=abc", f"https://h/cb#{F}"),
        ("https://h/api/reset/8f2a9c1d4e5b6f70a1b2/", f"https://h/api/reset/{F}/"),
        # Korrigo's own route: both parameters of reset/<uidb64>/<token>/ go, the route stays
        ("http://korrigo/reset/MTI/set-password/", f"http://korrigo/reset/{F}/{F}/"),
    ],
)
def test_urls_keep_their_shape(url: str, expected: str) -> None:
    import demo

    demo.setup()  # Korrigo's URL patterns
    assert scrub_url(url) == expected


def test_query_strings_keep_names_and_allowlisted_values() -> None:
    assert scrub_query("page=3&code=xyz&sort=name&state=") == f"page=3&code={F}&sort=name&state="


def test_sql_keeps_the_statement_without_literals() -> None:
    sql = "SELECT id FROM korrigo_copy WHERE student_name = 'Jeanne O''Neil' AND id > 42"
    assert parametrize_sql(sql) == "SELECT id FROM korrigo_copy WHERE student_name = %s AND id > %s"


@pytest.mark.parametrize(
    ("key", "expected"),
    [
        ("student:eleve@lycee.fr:grades", f"student:{F}:{F}"),
        ("exam:7:copies", f"exam:7:{F}"),
        ("reset:8f2a9c1d4e5b6f70", f"reset:{F}"),
        ("42", "42"),
    ],
)
def test_cache_keys_are_reduced_to_their_prefix(key: str, expected: str) -> None:
    assert reduce_key(key) == expected


def test_a_cache_span_with_several_keys_reduces_each() -> None:
    # Django's cache spans (`cache.get_many`) list their keys, comma-separated
    rule = description_rule("cache.get_many")
    assert rule is not None
    keys = "student:eleve@lycee.fr, exam:7:copies, 42"
    assert rule(keys) == f"student:{F}, exam:7:{F}, 42"


def test_extra_lists_and_hyphenated_keys_are_filtered(sentry: FakeTransport) -> None:
    sentry_sdk.set_extra("student-name", "Jeanne Martin")
    sentry_sdk.set_extra("recipients", ["a.martin@lycee.fr", "b.durand@lycee.fr"])
    sentry_sdk.set_extra("X-Student-Name", "Paul Durand")
    sentry_sdk.capture_message("report not delivered")
    extra = sentry.events[0]["extra"]
    assert extra["student-name"] == F
    assert extra["X-Student-Name"] == F
    assert extra["recipients"] == [F, F]
    for value in (b"Jeanne", b"a.martin", b"b.durand", b"Paul Durand"):
        assert value not in sentry.wire


def test_the_envelope_header_keeps_only_sentrys_trace_fields() -> None:
    import demo

    demo.setup()  # Korrigo's URL patterns: reset/<uidb64>/<token>/
    envelope = Envelope(
        headers={"trace": {"trace_id": "ab" * 16, "release": "korrigo@1", "user_segment":
                           "eleve@lycee.fr", "transaction": "/reset/MTI/8f2a9c1d4e5b6f70a1/"}}
    )  # fmt: skip
    privacy.scrub_envelope(envelope)
    assert envelope.headers["trace"] == {
        "trace_id": "ab" * 16,
        "release": "korrigo@1",
        "transaction": f"/reset/{F}/{F}/",
    }


def test_attachments_are_scrubbed_and_binary_ones_dropped() -> None:
    envelope = Envelope()
    envelope.add_item(Item(payload=PayloadRef(bytes=b"sent to eleve@lycee.fr\nok\n"),
                           type="attachment", filename="a.log"))  # fmt: skip
    envelope.add_item(Item(payload=PayloadRef(bytes=b"\xff\xfe\x00binary"), type="attachment",
                           filename="scan.png"))  # fmt: skip
    privacy.scrub_envelope(envelope)
    (item,) = envelope.items
    assert item.get_bytes() == f"sent to {F}\nok\n".encode()


def test_the_envelope_pass_is_installed_once_and_keeps_the_transport(
    sentry: FakeTransport,
) -> None:
    client = sentry_sdk.get_client()
    assert client.transport is sentry
    privacy.install(sentry)  # a second time: no double wrapping
    sentry_sdk.get_isolation_scope().add_attachment(bytes=b"to eleve@lycee.fr", filename="x.txt")
    sentry_sdk.capture_message("with attachment")
    (attachment,) = [i for i in sentry.envelopes[0].items if i.type == "attachment"]
    assert attachment.get_bytes() == f"to {F}".encode()
    assert json.loads(sentry.envelopes[0].items[0].get_bytes())["message"] == "with attachment"


def test_the_privacy_page_lists_each_rule_with_its_kind_and_reason() -> None:
    # The privacy page's table, in its order: the kind column tells a reader where the rule
    # looks (a key, a value's shape, a URL part, an allowlist, a place in the event).
    value = "value"
    expected = [
        ("secret_or_personal_key", "key"), ("key_in_text", "key"),
        ("pem_private_key", value), ("urls", value), ("authorization_header", value),
        ("bearer_credentials", value), ("jwt", value), ("provider_tokens", value),
        ("key_value_in_text", value), ("command_line_flag", value), ("email", value),
        ("iban", value), ("payment_card", value), ("phone_number", value),
        ("ip_address", value), ("query_parameter", value), ("token_path_segment", value),
        ("username_in_text", value), ("document_file_name", value),
        ("high_entropy_token", value),
        ("url_userinfo", "url"), ("query_allowlist", "allowlist"),
        ("korrigo_route_secrets", "url"), ("url_fragment", "url"),
        ("sql_literals", "place"), ("cache_key_prefix", "place"),
        ("celery_task_arguments", "place"), ("user_id_only", "place"),
        ("request_headers_allowlist", "allowlist"), ("envelope_trace_header", "place"),
        ("attachments", "place"), ("source_context", "place"),
        ("personal_models", "place"), ("uploaded_files", "place"),
        ("frame_locals_allowlist", "allowlist"),
        ("log_records", "place"), ("metrics", "place"), ("streamed_spans", "place"),
        # one decision per envelope item type the SDK 2.75 sends (test_unit_item_types)
        ("envelope_item_event", "envelope"), ("envelope_item_transaction", "envelope"),
        ("envelope_item_attachment", "envelope"), ("envelope_item_session", "envelope"),
        ("envelope_item_sessions", "envelope"), ("envelope_item_client-report", "envelope"),
        ("envelope_item_log", "envelope"), ("envelope_item_trace-metric", "envelope"),
        ("envelope_item_span", "envelope"), ("envelope_item_check-in", "envelope"),
        ("envelope_item_profile", "envelope"), ("envelope_item_profile-chunk", "envelope"),
    ]  # fmt: skip
    assert [(r.name, r.kind) for r in privacy.RULES] == expected
    for rule in privacy.RULES:  # each row says what it matches and why, in a sentence
        assert isinstance(rule.matches, str), rule.name
        assert len(rule.matches) > 10, rule.name
        assert isinstance(rule.reason, str), rule.name
        assert len(rule.reason) > 10, rule.name


def test_query_strings_with_bare_names_and_padded_values() -> None:
    # a value holding `=` (base64 padding) is one value; a bare name may itself be a token
    assert scrub_query("page=2&code=abc=def&a1b2c3d4&") == f"page=2&code={F}&{F}&"


@pytest.mark.parametrize(
    ("key", "expected"),
    [("abc", "abc"), ("abcd", F), ("ab", "ab"), ("1234", "1234"), ("eleve@lycee.fr", F)],
)
def test_cache_keys_without_prefix_keep_only_ids_and_short_names(key: str, expected: str) -> None:
    # three characters name a cache (`ocr`), not a person; longer plain keys may be anything
    assert reduce_key(key) == expected


def test_redis_command_lines_keep_each_quoted_keys_prefix() -> None:
    rule = description_rule("db.redis")
    assert rule is not None
    assert rule("GET 'student:eleve@lycee.fr'") == f"GET 'student:{F}'"
    assert rule('SET "exam:7:copies" 1') == f"SET 'exam:7:{F}' 1"  # either quote
    assert rule("MGET '' 'ocr'") == "MGET '' 'ocr'"
