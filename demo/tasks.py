"""Korrigo's Celery app, run eagerly (in the caller's thread, no broker).

`task_eager_propagates` is off, as with a real worker: the caller gets a FAILURE result,
not the exception, and Sentry's Celery integration reports the failure (mechanism `celery`).

The app and the tasks carry Korrigo's names (data/korrigo.yaml): an issue, an alert or a
runbook that names a task names one Korrigo really runs. Each demo task plays the Korrigo
task whose situation it stands for.
"""

from __future__ import annotations

from celery import Celery

from korrigo_sentry.korrigo import korrigo

#: Korrigo's task names, checked against korrigo.yaml when this module loads.
_TASKS = {t.name for t in korrigo().celery.tasks}


def korrigo_task(name: str) -> str:
    """`name` if Korrigo has a task by that name; ValueError (at import) otherwise."""
    if name not in _TASKS:
        raise ValueError(f"{name!r} is not a Korrigo task in korrigo.yaml: {sorted(_TASKS)}")
    return name


celery_app = Celery(korrigo().celery.app)
celery_app.conf.update(
    task_always_eager=True,
    task_eager_propagates=False,
    broker_url="memory://",
    result_backend=None,
)


class OCREngineError(RuntimeError):
    """The OCR engine could not read a copy."""


@celery_app.task(name=korrigo_task("grading.tasks.update_copy_status_metrics"))
def count_copies(exam_id: int) -> int:
    """A task that succeeds: count an exam's copies (one database query), as Korrigo's
    periodic copies-by-status gauge does."""
    from demo.models import Copy

    return Copy.objects.filter(exam_id=exam_id).count()


@celery_app.task(name=korrigo_task("exams.tasks.process_single_document"))
def ocr_copy(copy_id: int) -> str:
    """A task that always fails, as Korrigo's document OCR does when the engine is down."""
    raise OCREngineError(f"OCR engine unavailable for copy {copy_id}")


@celery_app.task(name=korrigo_task("grading.tasks.async_finalize_copy"))
def notify_student(email: str, student_name: str, grade: float) -> None:
    """A task that fails with personal data in its arguments (the mail server is down), at
    the step Korrigo's finalize task stands at: the grade is ready for the student."""
    raise ConnectionError("mail relay refused the connection")
