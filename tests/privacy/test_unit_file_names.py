"""Korrigo's own log lines: the upload file names they quote, the username audit logs carry.

`make korrigo-check` on Korrigo 45872b4 found its four upload names in breadcrumb messages
("... for martin_jean.pdf"); the expectations below are what a reader of the event should
see, written out.
"""

from __future__ import annotations

import logging

import pytest
import sentry_sdk

from korrigo_sentry.privacy.text import scrub_text


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Copy 8476acaf for martin_jean.pdf", "Copy 8476acaf for [Filtered].pdf"),
        ("upload Élodie_Müller.JPG ok", "upload [Filtered].JPG ok"),
        ("/media/copies/jean.dupont.pdf done", "/media/copies/[Filtered].pdf done"),
        ("scan: dupont-2.tiff, page 3", "scan: [Filtered].tiff, page 3"),
        ("already [Filtered].pdf", "already [Filtered].pdf"),
    ],
)
def test_a_document_name_keeps_only_its_extension(text: str, expected: str) -> None:
    assert scrub_text(text) == expected


@pytest.mark.parametrize(
    "text",
    ["error in exams/views.py line 245", "settings.py imported", "see the .pdf export button"],
)
def test_code_files_and_bare_extensions_stay(text: str) -> None:
    assert scrub_text(text) == text


def test_a_logged_upload_name_reaches_sentry_masked(sentry) -> None:
    logger = logging.getLogger("exams.views")
    logger.warning("Exam upload failed for file: martin_jean.pdf")
    sentry_sdk.capture_message("after the upload")

    (event,) = sentry.events
    (crumb,) = [c for c in event["breadcrumbs"]["values"] if c.get("category") == "exams.views"]
    assert crumb["message"] == "Exam upload failed for file: [Filtered].pdf"


def test_a_username_logged_under_the_key_user_is_filtered(sentry) -> None:
    # Korrigo's audit logger: logger.info("...", extra={"user": request.user.username, ...})
    logging.getLogger("audit").warning("exam deleted", extra={"user": "admin_audit"})
    sentry_sdk.capture_message("after the audit line")

    (event,) = sentry.events
    (crumb,) = [c for c in event["breadcrumbs"]["values"] if c.get("category") == "audit"]
    assert crumb["data"]["user"] == "[Filtered]"
    assert "admin_audit" not in str(event)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "Exam upload failed for user teacher_test, file: x",
            "Exam upload failed for user [Filtered], file: x",
        ),
        ("exported by user admin_audit: 1 grades", "exported by user [Filtered]: 1 grades"),
        ("user: jean.dupont@school.example", "user: [Filtered]"),
        ("user 12 logged in", "user [Filtered] logged in"),
    ],
)
def test_a_login_after_the_word_user_is_masked(text: str, expected: str) -> None:
    assert scrub_text(text) == expected


@pytest.mark.parametrize(
    "text", ["the user agent is old", "user account locked", "the user-agent header"]
)
def test_a_plain_word_after_user_stays(text: str) -> None:
    assert scrub_text(text) == text
