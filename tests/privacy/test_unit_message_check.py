"""The message check's report names the place; source given as text is `<source>`."""

from __future__ import annotations

from korrigo_sentry.privacy.message_check import findings


def test_a_finding_in_source_given_as_text_is_reported_at_source() -> None:
    (finding,) = findings('logger.error(f"cannot grade {student_name}")\n')
    assert str(finding) == "<source>:1: `student_name` formatted into a log message"
