"""Incident drills on a real local stack (no Docker, loopback only).

For on-call engineers rehearsing a runbook, and for CI (`make drills` in `make test`);
not shipped in the wheel.

`make drill` starts redis-server, Bugsink (a Sentry-compatible ingest, in its own
virtualenv), the demo Korrigo app under gunicorn and a Celery worker on the Redis broker,
with Korrigo's DSN pointing at Bugsink. `python -m drills run` breaks that stack one runbook
at a time, runs the runbook's quick checks inside the broken process, applies the page's
mitigation and checks the events Bugsink stored. See drills/README.md.
"""
