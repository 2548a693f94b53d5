"""What no scrubber can catch, checked at the source: personal fields in messages."""

from __future__ import annotations

from pathlib import Path

import pytest

from korrigo_sentry.privacy.message_check import check_tree, findings

ROOT = Path(__file__).resolve().parents[2]

#: Korrigo's code: the package (demo app included) and, when present, the drills.
KORRIGO_CODE = [ROOT / "korrigo_sentry", ROOT / "drills"]


def test_korrigos_code_formats_no_personal_field_into_a_message() -> None:
    roots = [root for root in KORRIGO_CODE if root.exists()]
    assert ROOT / "korrigo_sentry" in roots
    assert [str(f) for root in roots for f in check_tree(root)] == []


@pytest.mark.parametrize(
    ("code", "name", "context"),
    [
        ('raise GradingError(f"cannot grade {copy.student_name}\'s copy")', "student_name",
         "an exception message"),
        ('raise ValueError("no account for %s" % user.email)', "email", "an exception message"),
        ('raise ValueError("bad: {}".format(ocr_text))', "ocr_text", "an exception message"),
        ('raise ValueError("for " + str(row["last_name"]))', "last_name", "an exception message"),
        ('log.error(f"mail to {student.email} bounced")', "email", "a log message"),
        ('logger.warning("copy of %s", copy.student_name)', "student_name", "a log message"),
        ('sentry_sdk.capture_message(f"reset for {username}")', "username",
         "a Sentry message (capture_message)"),
        ('add_breadcrumb(message=f"sms to {phone}")', "phone",
         "a Sentry message (add_breadcrumb)"),
        ('error.add_note(f"while mailing {recipient_email}")', "recipient_email",
         "an exception note"),
    ],
)  # fmt: skip
def test_a_planted_bad_example_is_found(code: str, name: str, context: str) -> None:
    (finding,) = findings(code, "bad.py")
    assert (finding.name, finding.context, finding.line) == (name, context, 1)


@pytest.mark.parametrize(
    "code",
    [
        'raise GradingError(f"cannot grade copy {copy.id} of exam {exam_id}")',
        'raise LoginError(f"sign-in failed for a {len(username)}-character login")',
        'log.error("grading failed", extra={"student_name": copy.student_name})',
        'log.error("copy %s failed", copy.pk)',
        'raise ValueError("student not found")',
    ],
)
def test_ids_lengths_and_keyed_values_are_fine(code: str) -> None:
    assert findings(code) == []


def test_the_check_reads_a_real_file(tmp_path: Path) -> None:
    bad = tmp_path / "korrigo_bad.py"
    bad.write_text(
        "def grade(copy):\n    raise RuntimeError(f'cannot grade {copy.student_name}')\n",
        encoding="utf-8",
    )
    (finding,) = check_tree(tmp_path)
    assert str(finding) == (f"{bad}:2: `student_name` formatted into an exception message")


@pytest.mark.parametrize(
    ("code", "name"),
    [
        ('raise ValueError("first letter: %s" % email[0])', "email"),  # a slice of it still is it
        ('raise ValueError("copy %s of %s" % (copy.pk, student.email))', "email"),
        ('log.error("mail " + f"to {student.email}")', "email"),
        ('log.error("mail " + ("to " + student.email))', "email"),
    ],
)
def test_fields_inside_slices_tuples_and_nested_concatenation_are_found(
    code: str, name: str
) -> None:
    (finding,) = findings(code)
    assert finding.name == name


def test_a_sentry_calls_level_argument_is_not_a_message() -> None:
    # capture_message(message, level): only the first argument is read by people
    assert findings('sentry_sdk.capture_message("copy graded", level_for_email)') == []


def test_several_findings_come_out_in_line_order() -> None:
    code = (
        "def f(copy):\n"
        "    log.error(f'{copy.email}')\n"
        "    raise ValueError(f'{copy.student_name} / {copy.phone}')\n"
    )
    assert [(f.line, f.name) for f in findings(code, "bad.py")] == [
        (2, "email"),
        (3, "phone"),
        (3, "student_name"),
    ]
