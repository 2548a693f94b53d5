"""For the tests that pin the wording a reader reads as inline snapshots (inline-snapshot).

A snapshot holds the text as it is printed, with the parts that change from run to run (a
temporary folder, a loopback port) replaced by a named placeholder, so that the literal in the
test reads like the output and stays the same on every machine. After a deliberate wording
change: `.venv/bin/pytest -p no:randomly --inline-snapshot=create,fix tests/test_x.py`, then
read the diff (README, "Wording snapshots").
"""

from __future__ import annotations


def placeholders(text: str, **values: object) -> str:
    """`text` with each of `values` written as `<name>`, longest value first (a folder inside
    the temporary folder is replaced before the temporary folder itself)."""
    for name, value in sorted(values.items(), key=lambda item: -len(str(item[1]))):
        text = text.replace(str(value), f"<{name}>")
    return text
