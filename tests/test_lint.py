"""`python -m korrigo_sentry lint`: personal fields formatted into log and exception messages.

Each case is a line a Korrigo developer could write (several are Korrigo's own, at 45872b4),
with the finding a reader should see.
"""

from __future__ import annotations

import datetime
from pathlib import Path

import pytest
from inline_snapshot import snapshot

from korrigo_sentry.cli import main
from korrigo_sentry.korrigo import korrigo
from korrigo_sentry.lint import measured
from korrigo_sentry.lint.fields import read
from korrigo_sentry.lint.messages import check_source, check_tree
from korrigo_sentry.yaml_model import DataFileError
from tests.wording import placeholders

RESEARCH_BACKEND = Path("/work/research/korrigo/checkout/backend")


def found(source: str) -> list[tuple[int, str, str]]:
    return [(f.line, f.style, f.expression) for f in check_source(source, Path("x.py"))]


@pytest.mark.parametrize(
    ("source", "expected"),
    [
        ('logger.warning(f"Upload rejected (user: {request.user.username})")',
         [(1, "f-string", "request.user.username")]),
        ('logger.info("student %s" % student.last_name)', [(1, "%", "student.last_name")]),
        ('logger.info("student %s %s" % (pk, student.email))', [(1, "%", "student.email")]),
        ('audit_logger.error("user {}".format(user))', [(1, ".format", "user")]),
        ('logging.error("copy of " + student.get_full_name())',
         [(1, "concatenation", "student.get_full_name()")]),
        ('logger.info("login by %s", username)', [(1, "logging arguments", "username")]),
        ('logger.log(20, f"import of {pdf_path}")', [(1, "f-string", "pdf_path")]),
        ('raise ValueError(f"no copy for {student}")', [(1, "f-string", "student")]),
        ('raise ValueError("born %s" % s.date_naissance)', [(1, "%", "s.date_naissance")]),
        ('log.info(f"Extraction of {document.original_filename}")',
         [(1, "f-string", "document.original_filename")]),
    ],
)  # fmt: skip
def test_personal_values_formatted_into_messages(
    source: str, expected: list[tuple[int, str, str]]
) -> None:
    assert found(source) == expected


@pytest.mark.parametrize(
    "source",
    [
        'logger.info(f"Metrics accessed by user {request.user.id}")',  # an id
        'logger.info(f"copy {copy.anonymous_id} of exam {exam.pk}")',
        'logger.info(f"{len(uploaded_files)} files uploaded")',  # a count, not the files
        'logger.info("login by %s", user.pk)',
        'logger.info("Student import done")',  # nothing formatted
        'raise ValueError("no student")',
        'print(f"{student.email}")',  # not a log call
        'cache.set(f"user:{user.username}", 1)',  # not a log call either
        'logger.info(f"{student.pk} {type(student)}")',
    ],
)
def test_ids_counts_and_plain_messages_are_fine(source: str) -> None:
    assert found(source) == []


def test_the_finding_says_where_and_the_fix() -> None:
    (finding,) = check_source(
        'x = 1\nlogger.error(f"failed for {request.user.username}")\n', Path("exams/views.py")
    )
    assert str(finding) == snapshot(
        "exams/views.py:2: request.user.username is formatted into a log message (f-string): Sentry receives it as written; format the user's pk (request.user.pk) instead"
    )


def test_the_command_scans_a_folder_but_not_tests(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (tmp_path / "app").mkdir()
    (tmp_path / "app" / "views.py").write_text('logger.info(f"hi {user.email}")\n')
    (tmp_path / "app" / "tests").mkdir()
    (tmp_path / "app" / "tests" / "test_views.py").write_text('logger.info(f"{user.email}")\n')
    (tmp_path / "app" / "broken.py").write_text("def (:\n")
    assert main(["lint", str(tmp_path)]) == 1
    out, err = capsys.readouterr()
    assert "test_views.py" not in out  # tests are not scanned
    assert placeholders(out, tmp=tmp_path) == snapshot("""\
<tmp>/app/views.py:1: user.email is formatted into a log message (f-string): Sentry receives it as written; format the user's or student's pk instead
lint: 1 personal value(s) formatted into messages in 1 file(s)
""")
    assert placeholders(err, tmp=tmp_path) == snapshot(
        "<tmp>/app/broken.py: not checked, not valid Python (SyntaxError)\n"
    )


def test_a_clean_folder_exits_0_and_a_missing_one_2(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (tmp_path / "ok.py").write_text('logger.info("fine")\n')
    assert main(["lint", str(tmp_path)]) == 0
    assert main(["lint", str(tmp_path / "nope")]) == 2
    assert placeholders(capsys.readouterr().err, tmp=tmp_path) == snapshot(
        "error: <tmp>/nope does not exist: name a folder or a .py file\n"
    )


def test_a_bad_personal_fields_file_names_file_line_and_field(tmp_path: Path) -> None:
    bad = tmp_path / "personal_fields.yaml"
    bad.write_text("fields:\n  - {name: 'user name', instead: pk}\nobjects: []\n"
                   "safe_attributes: []\nsafe_calls: []\n")  # fmt: skip
    with pytest.raises(DataFileError, match=r"line 2, field fields\.0\.name: String should match"):
        read(bad)


@pytest.mark.skipif(
    not RESEARCH_BACKEND.is_dir(), reason=f"no Korrigo checkout at {RESEARCH_BACKEND}"
)
def test_korrigo_at_45872b4_has_sixteen_findings(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["lint", str(RESEARCH_BACKEND)]) == 1
    out = capsys.readouterr().out
    assert out.splitlines()[-1] == (
        "lint: 16 personal value(s) formatted into messages in 6 file(s)"
    )
    assert f"{RESEARCH_BACKEND}/exams/views.py:62: request.user.username" in out


@pytest.mark.skipif(
    not RESEARCH_BACKEND.is_dir(), reason=f"no Korrigo checkout at {RESEARCH_BACKEND}"
)
def test_the_privacy_pages_count_is_what_the_linter_finds_on_korrigo() -> None:
    """data/korrigo_lint.yaml (which the privacy page prints) against a run on the checkout
    of Korrigo at korrigo.yaml's commit. A different count fails and prints the file to
    commit, dated today (a test never rewrites the checkout: `make test` only compares)."""
    findings, _problems = check_tree(RESEARCH_BACKEND)
    written = measured.read()
    found = measured.LintMeasure(
        commit=korrigo().commit,
        measured=written.measured,
        findings=len(findings),
        files=len({f.path for f in findings}),
    )
    if found != written:
        today = found.model_copy(update={"measured": datetime.date.today()})
        pytest.fail(
            f"{measured.KORRIGO_LINT_YAML} says {written}, the linter finds {today}; "
            f"write this into it and commit:\n{measured.render(today)}"
        )


def test_the_measure_file_reads_back_what_was_written(tmp_path: Path) -> None:
    measure = measured.LintMeasure(
        commit="45872b49ce95878f8150be898733afa37335c919",
        measured=datetime.date(2026, 12, 6),
        findings=16,
        files=6,
    )
    path = tmp_path / "korrigo_lint.yaml"
    path.write_text(measured.render(measure), encoding="utf-8")
    assert measured.read(path) == measure


def test_a_bad_measure_file_names_file_line_and_field(tmp_path: Path) -> None:
    path = tmp_path / "korrigo_lint.yaml"
    path.write_text(
        "commit: 45872b4\nmeasured: 2026-12-06\nfindings: 16\nfiles: 6\n", encoding="utf-8"
    )
    with pytest.raises(DataFileError, match=r"line 1, field commit: String should match"):
        measured.read(path)


# --- what the key rules deny, and the other messages people read (was privacy.message_check) --

ROOT = Path(__file__).resolve().parents[1]


def test_korrigo_sentrys_own_code_formats_no_personal_value_into_a_message() -> None:
    """The package (the demo Korrigo included) and the drills."""
    for root in (ROOT / "korrigo_sentry", ROOT / "demo", ROOT / "drills"):
        assert check_tree(root) == ([], []), root


@pytest.mark.parametrize(
    ("code", "name", "where"),
    [
        ('raise GradingError(f"cannot grade {copy.student_name}\'s copy")', "student_name",
         "an exception message"),
        ('raise ValueError("no account for %s" % user.email)', "email", "an exception message"),
        ('raise ValueError("bad: {}".format(ocr_text))', "ocr_text", "an exception message"),
        ('raise ValueError("for " + str(row["last_name"]))', "last_name", "an exception message"),
        ("raise LookupError(copy.student_name)", "student_name", "an exception message"),
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
def test_a_name_the_key_rules_deny_is_found_in_every_message(
    code: str, name: str, where: str
) -> None:
    (finding,) = check_source(code, Path("bad.py"))
    assert (finding.name, finding.where, finding.line) == (name, where, 1)


@pytest.mark.parametrize(
    "code",
    [
        'raise GradingError(f"cannot grade copy {copy.id} of exam {exam_id}")',
        'raise LoginError(f"sign-in failed for a {len(username)}-character login")',
        'log.error("grading failed", extra={"student_name": copy.student_name})',
        'log.error("copy %s failed", copy.pk)',
        'raise ValueError("student not found")',
        # capture_message(message, level): only the first argument is read by people
        'sentry_sdk.capture_message("copy graded", level_for_email)',
    ],
)
def test_ids_lengths_keyed_values_and_levels_are_fine(code: str) -> None:
    assert found(code) == []


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
    (finding,) = check_source(code, Path("bad.py"))
    assert finding.name == name


def test_a_denied_name_gets_the_key_rules_fix(tmp_path: Path) -> None:
    bad = tmp_path / "korrigo_bad.py"
    bad.write_text("def mail(error):\n    error.add_note(f'to {recipient_email}')\n")
    (finding,), problems = check_tree(tmp_path)
    assert problems == []
    assert str(finding) == (
        f"{bad}:2: recipient_email is formatted into an exception note (f-string): Sentry "
        "receives it as written; format an id (or pass the value in extra={...}, where the "
        "key rules filter it) instead"
    )


def test_several_findings_come_out_in_line_order() -> None:
    code = (
        "def f(copy):\n"
        "    log.error(f'{copy.email}')\n"
        "    raise ValueError(f'{copy.student_name} / {copy.phone}')\n"
    )
    assert [(f.line, f.name) for f in check_source(code, Path("bad.py"))] == [
        (2, "email"),
        (3, "phone"),
        (3, "student_name"),
    ]
