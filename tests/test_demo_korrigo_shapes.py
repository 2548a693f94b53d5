"""The demo has Korrigo's shapes: model fields and `__str__`, task, logger and URL names.

Expected values are Korrigo's, typed from its files at 45872b4 (students/models.py,
exams/models.py, exams/urls.py, grading/tasks.py, exams/tasks.py, core/settings.py).
"""

from __future__ import annotations

import datetime as dt
import logging
from typing import Any

import pytest

import demo
from demo import tasks
from korrigo_sentry.testing import TEST_DSN


def test_models_have_korrigos_field_names_and_str() -> None:
    demo.setup()
    from demo.models import Copy, ExamPDF, Student

    student = Student(
        first_name="Élodie", last_name="Lefèvre", date_naissance=dt.date(2009, 3, 14),
        email="e.lefevre@lycee.example", class_name="1ère B", groupe="G2",
    )  # fmt: skip
    assert str(student) == "Lefèvre Élodie (1ère B)"
    exam = demo.make_exam(name="Bac blanc", copies=0)
    assert str(exam) == "Bac blanc"
    copy = Copy(exam=exam, anonymous_id="A7F3", status=Copy.Status.GRADED)
    assert str(copy) == "Copie A7F3 (Corrigée)"
    pdf = ExamPDF(exam=exam, student_identifier="Lefevre_Elodie")
    assert str(pdf) == "PDF Lefevre_Elodie - Bac blanc"
    fields = {f.name for f in Student._meta.get_fields()}
    assert {"first_name", "last_name", "date_naissance", "email", "class_name", "groupe"} <= fields


def test_tasks_carry_korrigos_names() -> None:
    assert tasks.celery_app.main == "viatique__PMF"
    assert demo.count_copies.name == "grading.tasks.update_copy_status_metrics"
    assert demo.ocr_copy.name == "exams.tasks.process_single_document"
    assert demo.notify_student.name == "grading.tasks.async_finalize_copy"


def test_a_task_name_korrigo_lacks_is_refused() -> None:
    with pytest.raises(ValueError, match=r"'korrigo.ocr_copy' is not a Korrigo task"):
        tasks.korrigo_task("korrigo.ocr_copy")


def test_korrigos_loggers_and_audit_is_not_propagated() -> None:
    demo.setup()
    assert logging.getLogger("audit").propagate is False
    assert logging.getLogger("grading").propagate is True
    assert logging.getLogger("metrics").propagate is True


@pytest.mark.parametrize(
    "path", ["/api/health/", "/api/health/live/", "/api/health/ready/", "/metrics", "/api/metrics/"]
)
def test_health_and_metrics_paths_answer(path: str) -> None:
    assert demo.client().get(path).status_code == 200


def _upload(exam_id: int, query: str = "") -> Any:
    """POST one PDF as a browser would. The multipart boundary is fixed: werkzeug's own
    carries a timestamp whose digits Relay's card-number rule may match at random."""
    boundary = "KorrigoFormBoundary"
    body = (
        f"--{boundary}\r\n"
        'Content-Disposition: form-data; name="pdf_files"; filename="Lefevre_Elodie.pdf"\r\n'
        "Content-Type: application/pdf\r\n\r\n%PDF-1.4\n\r\n"
        f"--{boundary}--\r\n"
    ).encode()
    url = f"/api/exams/{exam_id}/upload-individual-pdfs/{query}"
    content_type = f"multipart/form-data; boundary={boundary}"
    return demo.client().post(url, data=body, content_type=content_type)


def test_the_upload_view_stores_one_pdf_and_one_copy_per_file() -> None:
    from demo.models import ExamPDF

    exam = demo.make_exam(name="Bac blanc", copies=0)
    response = _upload(exam.pk)
    assert response.status_code == 201
    stored = ExamPDF.objects.get(exam=exam)
    assert stored.student_identifier == "Lefevre_Elodie"
    assert stored.pdf_file.name.startswith("exams/individual/Lefevre_Elodie")
    assert exam.copies.count() == 1


def test_a_failed_split_reaches_sentry_as_an_error(sentry_init: Any) -> None:
    sentry = sentry_init(environ={"SENTRY_DSN": TEST_DSN, "SENTRY_ENVIRONMENT": "test"})
    exam = demo.make_exam(name="Bac blanc", copies=0)
    assert _upload(exam.pk, "?fail=1").status_code == 500
    (event,) = [e for e in sentry.events if "exception" in e]
    assert event["exception"]["values"][-1]["type"] == "PDFSplitError"
    assert event["transaction"] == "/api/exams/{exam_id}/upload-individual-pdfs/"
