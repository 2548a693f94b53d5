"""Loaded into Korrigo's own pytest run by korrigo-check (`-p korrigo_check_plugin`).

Not Korrigo code and not shipped: korrigo-check copies this file next to the run. After
pytest-django has loaded Korrigo's settings (whose `init_sentry()` call the adoption added,
with the test settings' empty DSN), Sentry is started again as Korrigo starts it, with a
loopback DSN and a transport that appends every envelope's bytes to a file. Every personal
value Korrigo's tests save (students, users, passwords, comments, OCR text, upload names)
is recorded with its class.
"""

from __future__ import annotations

import datetime as dt
import json
import os
from pathlib import Path
from typing import Any

import sentry_sdk
from sentry_sdk.transport import Transport

OUT = Path(os.environ["KORRIGO_CHECK_OUT"])
#: Loopback, a placeholder key: never contacted (the transport below sends nothing).
DSN = "http://korrigocheck@127.0.0.1:9/1"

#: Korrigo's models and fields holding personal values (its models at 45872b4), by class.
WATCHED: dict[str, dict[str, str]] = {
    "students.Student": {
        "first_name": "name", "last_name": "name", "email": "email",
        "date_naissance": "date_of_birth",
    },
    "auth.User": {"username": "username", "first_name": "name", "last_name": "name",
                  "email": "email"},
    "grading.Annotation": {"content": "comment"},
    "grading.QuestionRemark": {"remark": "comment"},
    "grading.Score": {"final_comment": "comment"},
    "grading.UserAnnotation": {"text": "comment"},
    "identification.OCRResult": {"detected_text": "ocr_text"},
    "exams.ExamPDF": {"student_identifier": "upload_name"},
}  # fmt: skip

_values: dict[str, set[str]] = {}


def _record(kind: str, value: Any) -> None:
    if value in (None, ""):
        return
    text = value.isoformat() if isinstance(value, dt.date) else str(value)
    _values.setdefault(kind, set()).add(text)


def _saved(instance: Any) -> None:
    fields = WATCHED.get(instance._meta.label, {})
    for field, kind in fields.items():
        _record(kind, getattr(instance, field, None))


class CaptureTransport(Transport):
    """Appends each envelope's serialized bytes to envelopes.bin (8-byte length first)."""

    def __init__(self, options: dict[str, Any] | None = None) -> None:
        super().__init__(options)
        self._file = open(OUT / "envelopes.bin", "ab")  # noqa: SIM115 (open for the run)

    def capture_envelope(self, envelope: Any) -> None:
        raw = envelope.serialize()
        self._file.write(len(raw).to_bytes(8, "big") + raw)
        self._file.flush()

    def flush(self, timeout: float, callback: Any = None) -> None:
        self._file.flush()


def pytest_sessionstart(session: Any) -> None:
    from django.contrib.auth.base_user import AbstractBaseUser
    from django.db.models import QuerySet
    from django.db.models.signals import post_save

    from korrigo_sentry import init_sentry

    post_save.connect(lambda sender, instance, **_: _saved(instance), weak=False)
    bulk_create = QuerySet.bulk_create

    def recording_bulk_create(self: Any, objs: Any, *args: Any, **kwargs: Any) -> Any:
        objs = list(objs)
        for obj in objs:
            _saved(obj)
        return bulk_create(self, objs, *args, **kwargs)

    QuerySet.bulk_create = recording_bulk_create  # type: ignore[method-assign]
    set_password = AbstractBaseUser.set_password

    def recording_set_password(self: Any, raw_password: Any) -> None:
        _record("password", raw_password)
        set_password(self, raw_password)

    AbstractBaseUser.set_password = recording_set_password  # type: ignore[method-assign]
    environ = {"SENTRY_DSN": DSN, "SENTRY_ENVIRONMENT": "test"}
    init_sentry(environ=environ, transport=CaptureTransport())


def pytest_sessionfinish(session: Any) -> None:
    sentry_sdk.flush()
    values = {kind: sorted(found) for kind, found in sorted(_values.items())}
    (OUT / "values.json").write_text(json.dumps(values, ensure_ascii=False, indent=1), "utf-8")
