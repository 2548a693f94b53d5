"""Korrigo's project-side scrubbing rules: valid for Sentry, and they do their job."""

from __future__ import annotations

import json

import pytest
from sentry_relay import pii_strip_event, validate_pii_config

from korrigo_sentry import settings
from korrigo_sentry.testing.relay import project_rules, project_rules_json, validate_project_rules


def _scrubbed(event: dict) -> dict:
    out = pii_strip_event(project_rules(), event)
    out.pop("_meta", None)
    return out


def test_sentry_accepts_the_rules() -> None:
    validate_project_rules()
    assert set(project_rules()) == {"rules", "applications"}
    assert json.loads(project_rules_json()) == project_rules()


def test_a_broken_rule_is_refused_by_the_same_check() -> None:
    broken = project_rules()
    broken["rules"]["korrigo_jwt"]["type"] = "no-such-type"
    with pytest.raises(ValueError, match=r"no-such-type|unknown variant"):
        validate_pii_config(json.dumps(broken))


#: Korrigo's key terms, written out: a term dropped from settings must fail here too.
KORRIGO_TERMS = [
    "student", "first_name", "last_name", "full_name", "email", "username", "phone",
    "home_address", "postal_address", "birth_date", "ocr_text", "transcript", "dsn", "jwt",
    "bearer", "card_number", "iban", "pwd", "signature", "xsrf", "sso", "saml",
]  # fmt: skip


def test_the_written_terms_are_korrigos() -> None:
    assert sorted(KORRIGO_TERMS) == sorted(settings.EXTRA_DENYLIST)


@pytest.mark.parametrize(
    "key",
    [*KORRIGO_TERMS, "student_name", "X-Student-Name", "student-name", "students", "E-Mail"],
)
def test_every_korrigo_key_term_is_covered(key: str) -> None:
    term = key
    out = _scrubbed({"extra": {term: "Jeanne Martin", f"copy_{term}": "x"}})
    assert out["extra"] == {term: "[Filtered]", f"copy_{term}": "[Filtered]"}


def test_the_rules_catch_what_an_unscrubbed_event_would_carry() -> None:
    message = (
        "grading failed for jeanne.martin@example.org: password=hunter2 from 203.0.113.7, "
        "token eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiI0MiJ9.c2lnbmF0dXJl, "
        "dsn https://examplePublicKey@o0.ingest.sentry.io/0"
    )
    out = _scrubbed({"logentry": {"formatted": message}, "extra": {"contact": "a@lycee.fr"}})
    formatted = out["logentry"]["formatted"]
    for secret in ("jeanne.martin", "hunter2", "203.0.113.7", "eyJhbGci", "examplePublicKey"):
        assert secret not in formatted
    assert formatted.startswith("grading failed for")  # what broke is still readable
    assert out["extra"]["contact"] == "[email]"


def test_sentences_that_mention_a_student_survive() -> None:
    out = _scrubbed({"extra": {"note": "copy of a student could not be graded"}})
    assert out["extra"]["note"] == "copy of a student could not be graded"


@pytest.mark.parametrize(
    ("sent", "stored"),
    [
        # DB-API placeholders are code: Relay must leave them whole.
        ("UPDATE auth_user SET password = %(password)s WHERE id = %(id)s",
         "UPDATE auth_user SET password = %(password)s WHERE id = %(id)s"),
        ("csrftoken=%(csrf)s&next=/exams/", "csrftoken=%(csrf)s&next=/exams/"),
        ("UPDATE auth_user SET password = %s WHERE id = %s",
         "UPDATE auth_user SET password = %s WHERE id = %s"),
        ("SELECT 1 FROM tokens WHERE token = ?", "SELECT 1 FROM tokens WHERE token = ?"),
        # A value that merely starts with % or ? is still a value.
        ("password=%41bc", "password=[Filtered]"),
        ("password=%sabc", "password=[Filtered]"),
        ("token=?abc", "token=[Filtered]"),
        ("pwd=%(pwd)s, secret=%2Fz", "pwd=%(pwd)s, secret=[Filtered]"),
        ("login failed, password=hunter2 for x", "login failed, password=[Filtered] for x"),
        ("token: 'a b c' refused", "token: [Filtered] refused"),
        ("password='unclosed", "password=[Filtered]"),
        # What the client already masked stays as it is (not `[Filtered]]`).
        ("login refused pwd=[Filtered]", "login refused pwd=[Filtered]"),
        ("GET 'session:[Filtered]'", "GET 'session:[Filtered]'"),
        ("token=[abc", "token=[Filtered]"),
    ],
)  # fmt: skip
def test_secret_pairs_mask_the_value_and_keep_placeholders(sent: str, stored: str) -> None:
    validate_pii_config(project_rules_json())
    for where in ("logentry", "span"):
        if where == "logentry":
            out = _scrubbed({"logentry": {"formatted": sent}})["logentry"]["formatted"]
        else:
            transaction = {"type": "transaction", "spans": [{"op": "db", "description": sent}]}
            out = _scrubbed(transaction)["spans"][0]["description"]
        assert out == stored, where
