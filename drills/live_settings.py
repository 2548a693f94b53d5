"""The demo Korrigo app on the live stack: its settings, switched to real Redis and Celery.

The demo (demo) runs in one process: in-memory SQLite, fakeredis, eager
Celery. Here the same app runs as gunicorn workers and a Celery worker, so they share a
SQLite file, a redis-server and a broker. The stack passes the locations in the environment:

- `KORRIGO_REDIS_URL`: the redis-server (cache, Celery broker and result backend);
- `KORRIGO_DRILL_DB`: the SQLite file every process opens.
"""

from __future__ import annotations

import fcntl
import os
from typing import Any

from demo.settings import SETTINGS as DEMO_SETTINGS


def redis_url() -> str:
    """The stack's redis-server; a clear error when the process was started without one."""
    url = os.environ.get("KORRIGO_REDIS_URL", "")
    if not url:
        raise RuntimeError("KORRIGO_REDIS_URL is not set: start this process through `make drill`")
    return url


def settings() -> dict[str, Any]:
    """The demo's Django settings with the drill URLs and the shared database file."""
    database = os.environ.get("KORRIGO_DRILL_DB", "")
    if not database:
        raise RuntimeError("KORRIGO_DRILL_DB is not set: start this process through `make drill`")
    return {
        **DEMO_SETTINGS,
        "ROOT_URLCONF": "drills.urls",
        "DATABASES": {"default": {"ENGINE": "django.db.backends.sqlite3", "NAME": database}},
    }


_configured = False


def configure() -> None:
    """Point the demo at the live services (before Django loads the demo app). Idempotent."""
    global _configured
    if _configured:
        return
    import django
    import redis
    from django.conf import settings as django_settings

    from demo import cache, tasks

    django_settings.configure(**settings())
    # The demo reads its Redis through `cache.redis()`, written for fakeredis: the live stack
    # swaps in a client of the real server, the same `redis.Redis` class the SDK instruments.
    url = redis_url()

    def live_redis() -> redis.Redis:
        return redis.Redis.from_url(url, decode_responses=True)

    cache.redis = live_redis
    tasks.celery_app.conf.update(
        task_always_eager=False, broker_url=url, result_backend=url, task_ignore_result=False
    )
    django.setup()
    import demo as demo

    # gunicorn's workers and the Celery worker start together: one creates the tables.
    with open(os.environ["KORRIGO_DRILL_DB"] + ".lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        demo._create_tables()
    demo._ready = True  # the demo's setup() would configure Django a second time
    from demo import views

    views.redis = live_redis
    _configured = True
