"""Personal model instances and uploaded files reach Sentry as their type and key only.

A `Student`'s `__str__` is the student's name, Django's `User`'s is the username, an
uploaded file's repr is its name (often the student's): the SDK's serializer writes these
reprs into frame variables, `extra`, contexts, span data and log parameters, where no
text detector can recognise a name. sentry-sdk reads a class's `__sentry_repr__` before
any repr, in every part of the event (`sentry_sdk.serializer`; its
`add_global_repr_processor` only reaches frame variables, `extra`, breadcrumbs and span
data), so Korrigo sets it on the personal models of `data/personal_models.yaml` (as each
class is prepared, and on those already loaded), on Django's `File` (uploads, model file
fields) and on its lazy objects (`request.user`).
"""

from __future__ import annotations

import functools
import logging
import re
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, field_validator

from korrigo_sentry.privacy.rule import FILTERED, Rule
from korrigo_sentry.yaml_model import DataFileError, load_model

DEFAULT_PATH = Path(__file__).resolve().parents[1] / "data" / "personal_models.yaml"


class PersonalModelsError(DataFileError):
    """The list cannot be read; the message names the file, line and field (yaml_model)."""


class PersonalModel(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    model: str = Field(description="`app_label.ModelName`, as Django's `_meta.label`")
    why: str = Field(min_length=10)
    source: str = Field(min_length=3)

    @field_validator("model")
    @classmethod
    def _label(cls, value: str) -> str:
        if not re.fullmatch(r"[a-z_][a-z0-9_]*\.[A-Z][A-Za-z0-9_]*", value):
            raise ValueError("must be app_label.ModelName, like students.Student")
        return value


class PersonalModels(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    models: list[PersonalModel] = Field(min_length=1)


def load(path: str | Path = DEFAULT_PATH) -> PersonalModels:
    """The personal models of `path`, or `PersonalModelsError` naming file, line and field."""
    try:
        return load_model(Path(path), PersonalModels)
    except DataFileError as error:
        raise PersonalModelsError(str(error)) from None


@functools.cache
def labels() -> frozenset[str]:
    """`app_label.ModelName` of every personal model."""
    return frozenset(m.model for m in load().models)


def model_repr(obj: Any) -> str:
    """`<Student pk=12>`: the type and the key, which find the row in Korrigo's admin."""
    return f"<{type(obj).__name__} pk={obj.pk!r}>"


def file_repr(obj: Any) -> str:
    """`<InMemoryUploadedFile name=[Filtered].pdf>`: the kind of file, not its name."""
    from korrigo_sentry.privacy.envelope import mask_filename

    name = obj.name  # Django's File always sets it (None for a file without a name)
    shown = mask_filename(str(name)) if name else "None"
    return f"<{type(obj).__name__} name={shown}>"


def lazy_repr(obj: Any) -> str:
    """A lazy object (`request.user`), shown by what it wraps (the SDK's serializer has
    loaded it by then: its isinstance checks read `__class__`)."""
    from django.utils.functional import empty

    wrapped = obj._wrapped
    if wrapped is empty:
        return f"<{type(obj).__name__} (not loaded)>"
    inner = getattr(type(wrapped), "__sentry_repr__", None)
    return f"<{type(obj).__name__}: {inner(wrapped) if callable(inner) else FILTERED}>"


def _mark(model: type) -> None:
    meta = getattr(model, "_meta", None)
    if meta is None:
        return
    try:
        listed = meta.label in labels()
    except PersonalModelsError as error:  # a broken list must not stop Korrigo starting
        _report(error)
        listed = True  # and without the list, every model is treated as personal
    if listed:
        model.__sentry_repr__ = model_repr  # type: ignore[attr-defined]


_REPORTED: list[str] = []


def _report(error: PersonalModelsError) -> None:
    """Log the list's error once (every model prepared after it meets the same one)."""
    text = str(error)
    if text not in _REPORTED:
        _REPORTED.append(text)
        logging.getLogger("korrigo_sentry.privacy").error(
            "%s. Until it is fixed, every model is sent as <Model pk=...>.", text
        )


def _on_class_prepared(sender: type, **kwargs: Any) -> None:
    _mark(sender)


def install() -> None:
    """Give personal models, Django files and lazy objects their `__sentry_repr__`.

    Safe before Django's settings are configured (Korrigo calls `init_sentry` from its
    settings module): models loaded later are marked as Django prepares their class.
    Does nothing without Django; installing twice does nothing more.
    """
    try:
        from django.core.files.base import File
        from django.db.models.signals import class_prepared
        from django.utils.functional import LazyObject
    except ImportError:  # not a Django process (a Celery worker without Django, a script)
        return
    File.__sentry_repr__ = file_repr
    LazyObject.__sentry_repr__ = lazy_repr
    class_prepared.connect(
        _on_class_prepared,
        # Django already connects one function once (it keys receivers by identity):
        dispatch_uid="korrigo_sentry.personal_models",  # pragma: no mutate (a reload's guard)
    )
    from django.apps import apps

    for app_models in list(apps.all_models.values()):  # classes created before this call
        for model in list(app_models.values()):
            _mark(model)


RULES: list[Rule] = [
    Rule("personal_models", "place", "instances of the models listed in "
         "`data/personal_models.yaml` (students, users, copies, audit logs...): "
         "`<Student pk=12>`, in every part of the event",
         "their `__str__` is a name or a username, which no detector recognises"),
    Rule("uploaded_files", "place", "Django files (uploads, file fields): "
         "`<InMemoryUploadedFile name=[Filtered].pdf>`",
         "an uploaded copy is often named after the student"),
]  # fmt: skip
