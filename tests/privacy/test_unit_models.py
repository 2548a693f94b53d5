"""Personal model instances and uploaded files reach Sentry as `<Student pk=12>` (issue 20.6).

Korrigo's `Student.__str__` is "last_name first_name (class_name)" (Korrigo 45872b4,
backend/students/models.py): a student held in a local, `extra`, a context, span data or
a log call's parameters would send the name. A model of that shape is declared here under
the real label `students.Student`; what reaches the wire is read from the raw envelopes.
"""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Any

import pytest
import sentry_sdk
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils.functional import SimpleLazyObject

import demo
from korrigo_sentry.privacy import models as personal
from korrigo_sentry.testing import sentry_capture

demo.setup()

from django.db import models as django_models  # noqa: E402 (needs the settings above)


class Student(django_models.Model):
    """Korrigo's Student, reduced to what its `__str__` prints."""

    last_name = django_models.CharField(max_length=100)
    first_name = django_models.CharField(max_length=100)
    class_name = django_models.CharField(max_length=20)

    class Meta:
        app_label = "students"

    def __str__(self) -> str:
        return f"{self.last_name} {self.first_name} ({self.class_name})"


NAME = "Lefevre Zoe"
log = logging.getLogger("korrigo.models_test")
log.propagate = False
log.addHandler(logging.NullHandler())


def _student() -> Student:
    return Student(pk=12, last_name="Lefevre", first_name="Zoe", class_name="1re B")


def _hold(student: Any) -> None:
    held = student  # noqa: F841 (a frame local, read by the SDK)
    raise RuntimeError("grading failed")


@pytest.mark.parametrize("place", ["local", "extra", "context", "span", "log"])
def test_a_student_is_sent_as_its_type_and_key(place: str) -> None:
    student = _student()
    with sentry_capture() as sent:
        if place == "local":
            try:
                _hold(student)
            except RuntimeError as error:
                sentry_sdk.capture_exception(error)
        elif place == "extra":
            sentry_sdk.set_extra("who", student)  # not "student": a denylisted key
            sentry_sdk.capture_message("x")
        elif place == "context":
            sentry_sdk.set_context("grading", {"who": student})
            sentry_sdk.capture_message("x")
        elif place == "span":
            with (
                sentry_sdk.start_transaction(name="grade", op="task"),
                sentry_sdk.start_span(op="grade") as span,
            ):
                span.set_data("who", student)
        else:
            log.error("grading failed for %r", student)
    wire = sent.wire.decode()
    assert "<Student pk=12>" in wire
    assert "Lefevre" not in wire
    assert "Zoe" not in wire


def test_a_model_not_listed_keeps_django_s_repr() -> None:
    from demo.models import Exam

    with sentry_capture() as sent:
        sentry_sdk.set_extra("exam", Exam(pk=3, name="Mathematics mock exam"))
        sentry_sdk.capture_message("x")
    assert sent.events[0]["extra"]["exam"] == "<Exam: Mathematics mock exam>"


def test_an_uploaded_file_keeps_its_extension_not_its_name() -> None:
    upload = SimpleUploadedFile("Copie Zoe Lefevre.pdf", b"%PDF-1.4")
    with sentry_capture() as sent:
        sentry_sdk.set_extra("upload", upload)
        sentry_sdk.capture_message("x")
    assert sent.events[0]["extra"]["upload"] == "<SimpleUploadedFile name=[Filtered].pdf>"


def test_a_lazy_user_is_shown_by_what_it_wraps() -> None:
    # `request.user` is a SimpleLazyObject; the SDK's serializer loads it itself (its
    # isinstance checks read `__class__`), so it is shown by the model it wraps.
    lazy = SimpleLazyObject(_student)
    with sentry_capture() as sent:
        sentry_sdk.set_extra("teacher", lazy)
        sentry_sdk.capture_message("x")
        assert sent.events[0]["extra"]["teacher"] == "<SimpleLazyObject: <Student pk=12>>"


def test_the_list_names_korrigo_s_people() -> None:
    # Korrigo's models holding a person (research facts models.personal, Korrigo 45872b4).
    assert {"students.Student", "auth.User", "exams.ExamPDF", "identification.OCRResult",
            "grading.UserAnnotation"} <= personal.labels()  # fmt: skip


def test_a_broken_entry_names_file_line_and_field(tmp_path: Path) -> None:
    broken = tmp_path / "personal_models.yaml"
    broken.write_text(
        "models:\n  - model: students.Student\n    why: its name in __str__\n    source: x.py\n"
        "  - model: Student\n    why: a name in __str__\n    source: y.py\n",
        encoding="utf-8",
    )
    with pytest.raises(personal.PersonalModelsError) as caught:
        personal.load(broken)
    message = str(caught.value)
    assert message.startswith(f"{broken} line 5, field models.1.model: ")
    assert "app_label.ModelName" in message
