"""For the tests that pin the wording a reader reads as inline snapshots (inline-snapshot).

A snapshot holds the text as it is printed, with the parts that change from run to run (a
temporary folder, a loopback port) replaced by a named placeholder, so that the literal in the
test reads like the output and stays the same on every machine. After a deliberate wording
change: `.venv/bin/pytest -p no:randomly --inline-snapshot=create,fix tests/test_x.py`, then
read the diff (README, "Wording snapshots").
"""

from __future__ import annotations

import re

#: A loopback server's port: a new one on every run.
LOOPBACK_PORT = re.compile(r"\b(127\.0\.0\.1|localhost):\d+\b")
#: An event's id (32 hex digits, as Sentry shows it): a new one for every event.
EVENT_ID = re.compile(r"\b[0-9a-f]{32}\b")


def placeholders(text: str, **values: object) -> str:
    """`text` with each of `values` written as `<name>`, longest value first (a folder inside
    the temporary folder is replaced before the temporary folder itself), any loopback port
    as `<port>` and any event id as `<event id>`."""
    for name, value in sorted(values.items(), key=lambda item: -len(str(item[1]))):
        text = text.replace(str(value), f"<{name}>")
    return EVENT_ID.sub("<event id>", LOOPBACK_PORT.sub(r"\1:<port>", text))
