"""Django settings of the demo Korrigo app, as a dict for `settings.configure()`.

No settings module on disk: the demo is configured programmatically so that importing
`korrigo_sentry` never needs `DJANGO_SETTINGS_MODULE`.
"""

from __future__ import annotations

from typing import Any

from korrigo_sentry.korrigo import korrigo

#: A named, shared in-memory SQLite database: every thread reaches the same tables, and
#: Django never closes an in-memory connection (closing it would drop the data).
DATABASE_NAME = "file:korrigo-demo?mode=memory&cache=shared"

SETTINGS: dict[str, Any] = {
    "DEBUG": False,
    # Not a secret: the demo signs nothing that leaves the process.
    "SECRET_KEY": "korrigo-demo-not-a-secret",
    "ALLOWED_HOSTS": ["*"],
    "ROOT_URLCONF": "demo.urls",
    "INSTALLED_APPS": ["demo.apps.DemoConfig"],
    "MIDDLEWARE": [
        "django.contrib.sessions.middleware.SessionMiddleware",
        "demo.middleware.demo_user_middleware",
    ],
    # Sessions in a signed cookie: no table, and the cookie is a credential Sentry must not get.
    "SESSION_ENGINE": "django.contrib.sessions.backends.signed_cookies",
    "DATABASES": {"default": {"ENGINE": "django.db.backends.sqlite3", "NAME": DATABASE_NAME}},
    "DEFAULT_AUTO_FIELD": "django.db.models.AutoField",
    "USE_TZ": True,
    # Uploads (ExamPDF files) are kept in memory: nothing is written to disk.
    "STORAGES": {
        "default": {"BACKEND": "django.core.files.storage.InMemoryStorage"},
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    },
    # Django's default logging stays (with DEBUG off it prints no traceback for a 500: Sentry
    # reports it, so tests and benchmarks keep a quiet output); Korrigo's own loggers are
    # added with Korrigo's propagation (`audit` is not propagated), from korrigo.yaml.
    "LOGGING": {
        "version": 1,
        "disable_existing_loggers": False,
        "loggers": {lg.name: {"propagate": lg.propagate} for lg in korrigo().loggers},
    },
}
