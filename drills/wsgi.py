"""The demo Korrigo app for gunicorn: `gunicorn drills.wsgi:application`.

Like Korrigo's own `wsgi.py`: Sentry first (as the settings module does), then Django's
WSGI handler, whose middleware Sentry's Django integration instruments.
"""

from __future__ import annotations

from django.core.handlers.wsgi import WSGIHandler

from drills import faults, live_settings

faults.start_sentry()
live_settings.configure()
application = WSGIHandler()
