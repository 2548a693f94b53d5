"""The demo's Django app (models `Exam` and `Copy`)."""

from __future__ import annotations

from django.apps import AppConfig


class DemoConfig(AppConfig):
    name = "demo"
    label = "korrigo"
    verbose_name = "Korrigo (demo)"
