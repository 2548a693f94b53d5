"""Korrigo's Redis, replaced by fakeredis.

`fakeredis.FakeRedis` subclasses `redis.Redis` and keeps its `execute_command`, which is
the method sentry-sdk's RedisIntegration patches: every command still makes a span.
"""

from __future__ import annotations

import fakeredis

#: One in-process server, so every client sees the same keys.
SERVER = fakeredis.FakeServer()


def redis() -> fakeredis.FakeRedis:
    """A Redis client on the demo's in-process server (str values)."""
    return fakeredis.FakeRedis(server=SERVER, decode_responses=True)
