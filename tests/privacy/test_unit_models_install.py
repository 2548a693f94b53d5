"""How `privacy.models` marks personal models: as Django prepares each class, the ones
loaded before `install()`, and every model when the list cannot be read.

The hooks are Django's own: `class_prepared` is sent for every model class Django
creates (`django.db.models.signals`), `apps.all_models` holds the classes created so far.
"""

from __future__ import annotations

import io
import logging
from types import SimpleNamespace
from typing import Any

import pytest
from django.core.files.base import File
from django.db.models.signals import class_prepared
from django.utils.functional import SimpleLazyObject

import demo
from korrigo_sentry.privacy import models as personal

demo.setup()


def _model(label: str) -> type:
    """A class shaped like a Django model as `_mark` reads it (its `_meta.label`)."""
    return type("Student", (), {"_meta": SimpleNamespace(label=label), "pk": 12})


def _broken() -> frozenset[str]:
    raise personal.PersonalModelsError("personal_models.yaml, line 3: models.0.why: missing")


def test_a_listed_model_prepared_after_install_is_marked() -> None:
    personal.install()
    listed, other = _model("students.Student"), _model("exams.Exam")
    class_prepared.send(sender=listed)
    class_prepared.send(sender=other)
    assert listed.__sentry_repr__ is personal.model_repr  # type: ignore[attr-defined]
    assert not hasattr(other, "__sentry_repr__")
    assert personal.model_repr(listed()) == "<Student pk=12>"


def test_a_class_that_is_no_model_is_left_alone() -> None:
    personal.install()
    plain = type("Plain", (), {})
    class_prepared.send(sender=plain)
    assert not hasattr(plain, "__sentry_repr__")


def test_models_loaded_before_install_are_marked(monkeypatch: pytest.MonkeyPatch) -> None:
    from django.apps import apps

    early = _model("exams.Copy")
    monkeypatch.setattr(apps, "all_models", {"exams": {"copy": early}})
    personal.install()
    assert early.__sentry_repr__ is personal.model_repr  # type: ignore[attr-defined]


def test_without_the_list_every_model_is_personal_and_that_is_said_once(
    monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    monkeypatch.setattr(personal, "labels", _broken)
    monkeypatch.setattr(personal, "_REPORTED", [])
    from django.apps import apps

    monkeypatch.setattr(apps, "all_models", {})  # the demo's models stay as they are
    personal.install()
    first, second = _model("exams.Exam"), _model("demo.Room")
    with caplog.at_level(logging.ERROR, logger="korrigo_sentry.privacy"):
        class_prepared.send(sender=first)
        class_prepared.send(sender=second)
    assert first.__sentry_repr__ is personal.model_repr  # type: ignore[attr-defined]
    assert second.__sentry_repr__ is personal.model_repr  # type: ignore[attr-defined]
    assert [(r.name, r.getMessage()) for r in caplog.records] == [(
        "korrigo_sentry.privacy",
        "personal_models.yaml, line 3: models.0.why: missing. Until it is fixed, every "
        "model is sent as <Model pk=...>.",
    )]  # fmt: skip


def test_a_file_without_a_name_says_so() -> None:
    assert personal.file_repr(File(io.BytesIO(b"%PDF"))) == "<File name=None>"
    assert personal.file_repr(File(io.BytesIO(b"%PDF"), name="Zoe.pdf")) == (
        "<File name=[Filtered].pdf>"
    )


def test_a_lazy_object_not_loaded_or_wrapping_no_model() -> None:
    def load() -> Any:
        return {"username": "zoe.lefevre"}

    lazy = SimpleLazyObject(load)
    assert personal.lazy_repr(lazy) == "<SimpleLazyObject (not loaded)>"
    lazy._setup()
    assert personal.lazy_repr(lazy) == "<SimpleLazyObject: [Filtered]>"
