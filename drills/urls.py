"""The demo's URLs plus the drill endpoints."""

from __future__ import annotations

from django.urls import path

from demo.urls import urlpatterns as demo_urlpatterns
from drills import views

urlpatterns = [
    *demo_urlpatterns,
    path("drill/export/", views.export, name="drill-export"),
    path("drill/quick-checks/<slug:slug>/", views.checks, name="drill-quick-checks"),
]
