"""Korrigo's Celery app, run eagerly (in the caller's thread, no broker).

`task_eager_propagates` is off, as with a real worker: the caller gets a FAILURE result,
not the exception, and Sentry's Celery integration reports the failure (mechanism `celery`).
"""

from __future__ import annotations

from celery import Celery

celery_app = Celery("korrigo")
celery_app.conf.update(
    task_always_eager=True,
    task_eager_propagates=False,
    broker_url="memory://",
    result_backend=None,
)


class OCREngineError(RuntimeError):
    """The OCR engine could not read a copy."""


@celery_app.task(name="korrigo.count_copies")
def count_copies(exam_id: int) -> int:
    """A task that succeeds: count an exam's copies (one database query)."""
    from demo.models import Copy

    return Copy.objects.filter(exam_id=exam_id).count()


@celery_app.task(name="korrigo.ocr_copy")
def ocr_copy(copy_id: int) -> str:
    """A task that always fails, as the OCR engine does when it is down."""
    raise OCREngineError(f"OCR engine unavailable for copy {copy_id}")


@celery_app.task(name="korrigo.notify_student")
def notify_student(email: str, student_name: str, grade: float) -> None:
    """A task that fails with personal data in its arguments (the mail server is down)."""
    raise ConnectionError("mail relay refused the connection")
