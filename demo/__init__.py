"""A minimal Korrigo: the Django app the handbook's examples and tests run against.

For the tests, the pages' doc blocks and the drills; not shipped, never imported by
`korrigo_sentry`.

Django is configured in code (no settings module), the database is SQLite in memory, Redis
is fakeredis and Celery runs tasks eagerly, so everything runs in one process with no
server. Requests go through Django's real WSGI handler, the entry point Sentry's Django
integration instruments (`django.test.Client` skips it, and yields no transaction).

API (everything calls `setup()` itself; calling it again does nothing):

- `setup()`: configure Django, load the app, create the tables.
- `client() -> werkzeug.test.Client`: an HTTP client on the WSGI app, e.g.
  `client().get("/exams/1/")`.
- `make_exam(name=..., exam_type=..., copies=n) -> Exam`: an exam with `n` copies.
- `make_request(path="/", method="GET", **kwargs) -> HttpRequest`: a request carrying
  `request.user`, to call a view function directly.
- `reset()`: delete every exam and copy, empty Redis.
- `redis() -> fakeredis.FakeRedis`: a client on the shared in-process Redis.
- `celery_app`, and its tasks `count_copies` (succeeds), `ocr_copy` and `notify_student`
  (always fail).
- `user`: the signed-in teacher every request carries (`id`, `username`, `email`).
- `Exam`, `Copy`, `Student`, `ExamPDF`: the models, with Korrigo's field names and
  `__str__` (`exam.copies` is the reverse relation), and `views`
  (`views.some_view` is the seed's "custom context" view). They load on first access,
  so `from demo import Exam, views` needs no `setup()` first.
- `HEALTH_PATH`: the health check URL, one of `settings.NEVER_TRACED`.

URLs: `/exams/<id>/` (fine: database queries and a Redis cache), `/exams/<id>/report/`
(fine, about 30 spans: database, Redis and Django cache reads), `/exams/<id>/context/`
(the seed's `some_view`), `/exams/<id>/grade/` (sets that context, then raises),
`/boom/` (`ZeroDivisionError`), `/db-error/` (`OperationalError`), `/login/` (POST a
form with a password; raises), `/copies/<id>/ocr/` (queues the failing Celery task),
`/reset/<uidb64>/<token>/` and `/oauth/callback/?code=` (secrets in the URL; both raise),
`/students/search/?q=` (a name in the query string),
and every path of `settings.NEVER_TRACED` (the health check).
"""

from __future__ import annotations

import importlib
import threading
from typing import TYPE_CHECKING, Any

from demo.cache import redis
from demo.middleware import DEMO_USER as user
from demo.tasks import celery_app, count_copies, notify_student, ocr_copy
from korrigo_sentry.settings import NEVER_TRACED

if TYPE_CHECKING:
    from django.http import HttpRequest
    from werkzeug.test import Client

    from demo.models import Exam

__all__ = [
    "HEALTH_PATH",
    "Copy",
    "Exam",
    "ExamPDF",
    "Student",
    "celery_app",
    "client",
    "count_copies",
    "make_exam",
    "make_request",
    "notify_student",
    "ocr_copy",
    "redis",
    "reset",
    "setup",
    "user",
]

HEALTH_PATH: str = NEVER_TRACED[0]

_lock = threading.RLock()
_ready = False


def setup() -> None:
    """Configure Django for the demo and create its tables. Idempotent and thread-safe."""
    global _ready
    if _ready:
        return
    with _lock:
        if _ready:
            return
        import django
        from django.conf import settings

        from demo.settings import SETTINGS

        if not settings.configured:
            settings.configure(**SETTINGS)
        django.setup()
        _create_tables()
        _ready = True


def _create_tables() -> None:
    # The demo has no migrations: its schema is the models, created directly.
    from django.db import connection

    from demo.models import Copy, Exam, ExamPDF, Student

    existing = set(connection.introspection.table_names())
    with connection.schema_editor() as editor:
        for model in (Student, Exam, Copy, ExamPDF):
            if model._meta.db_table not in existing:
                editor.create_model(model)


def client() -> Client:
    """A werkzeug test client on a fresh Django WSGI handler.

    A fresh handler loads its middleware now, after `init_sentry()`, so Sentry's
    middleware spans are in place.
    """
    setup()
    from django.core.handlers.wsgi import WSGIHandler
    from werkzeug.test import Client

    return Client(WSGIHandler())


def make_exam(
    name: str = "Mathematics mock exam", exam_type: str = "written", copies: int = 3
) -> Exam:
    """Create an exam with `copies` copies (fictitious student names and OCR text)."""
    setup()
    from demo.models import Copy, Exam

    exam = Exam.objects.create(name=name, exam_type=exam_type)
    Copy.objects.bulk_create(
        Copy(
            exam=exam,
            anonymous_id=f"A{exam.pk:03d}-{n:03d}",
            student_name=f"Student {n}",
            ocr_text=f"Answer sheet {n}",
        )
        for n in range(1, copies + 1)
    )
    return exam


def make_request(path: str = "/", method: str = "GET", **kwargs: Any) -> HttpRequest:
    """A request as the demo's middleware would hand it to a view (with `request.user`)."""
    setup()
    from django.test import RequestFactory

    request = RequestFactory().generic(method.upper(), path, **kwargs)
    request.user = user
    return request


def reset() -> None:
    """Delete every exam and copy and empty Redis."""
    setup()
    from demo.models import Exam, Student

    Exam.objects.all().delete()
    Student.objects.all().delete()
    redis().flushall()


#: Names loaded on first access (they need Django set up): name -> (module, attribute).
_LAZY: dict[str, tuple[str, str | None]] = {
    "Exam": ("models", "Exam"),
    "Copy": ("models", "Copy"),
    "Student": ("models", "Student"),
    "ExamPDF": ("models", "ExamPDF"),
    "models": ("models", None),
    "views": ("views", None),
}


def __getattr__(name: str) -> Any:
    # Models and views can only be imported once Django is set up, so they load on first
    # use: `from demo import Exam, views` works before `setup()`.
    if name not in _LAZY:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    setup()
    module_name, attribute = _LAZY[name]
    module = importlib.import_module(f"{__name__}.{module_name}")
    return module if attribute is None else getattr(module, attribute)
