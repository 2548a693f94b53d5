"""The walk over every value of an event (`scrub_node`): key rules inside user data only,
the event's own structure left readable, library source left alone, odd types handled.
"""

from __future__ import annotations

from collections import OrderedDict
from typing import Any

import sentry_sdk

from korrigo_sentry.privacy import scrub_event
from korrigo_sentry.privacy.event import scrub_node
from korrigo_sentry.testing import FakeTransport

#: A library's path as pex installs it: a directory named by a 40-digit hash.
PEX_PATH = (
    "/root/.pex/installed_wheels/2f7c4e1a9b3d5f8e0c6a4b2d9e7f1a3c5b8d0e2f/"
    "requests-2.31.0-py3-none-any.whl/requests/auth.py"
)


def _frames(*frames: dict[str, Any]) -> list[dict[str, Any]]:
    event = scrub_event(
        {"exception": {"values": [{"type": "ValueError", "stacktrace": {"frames": list(frames)}}]}}
    )
    return event["exception"]["values"][0]["stacktrace"]["frames"]


def test_library_frame_source_is_kept_and_its_variables_scrubbed() -> None:
    library = {
        "filename": "requests/auth.py",
        "abs_path": PEX_PATH,
        "pre_context": ["    def __init__(self, username, password):"],
        "context_line": "        self.password = password",
        "vars": {"email": "alice.martin@lycee.example.fr", "retries": 2},
        "in_app": False,
    }
    korrigo = {
        "filename": "korrigo/grading.py",
        "context_line": "    password = 'hunter2x'",
        "in_app": True,
    }
    assert _frames(library, korrigo) == [
        {
            "filename": "requests/auth.py",
            "abs_path": PEX_PATH,
            "pre_context": ["    def __init__(self, username, password):"],
            "context_line": "        self.password = password",
            "vars": {"email": "[Filtered]", "retries": 2},
            "in_app": False,
        },
        {
            "filename": "korrigo/grading.py",
            "context_line": "    password = [Filtered]",
            "in_app": True,
        },
    ]


def test_denied_key_with_nothing_to_hide_stays_null() -> None:
    assert scrub_event({"extra": {"password": None}})["extra"] == {"password": None}


def test_denied_key_over_a_mapping_keeps_its_keys() -> None:
    extra = {"student": {"name": "Alice Martin", "class": "2nde B"}}
    assert scrub_event({"extra": extra})["extra"] == {
        "student": {"name": "[Filtered]", "class": "[Filtered]"}
    }


def test_key_holding_an_address_is_renamed_whatever_its_value() -> None:
    extra = {"grades": {"alice.martin@lycee.example.fr": 17, "median": 12.5}}
    assert scrub_event({"extra": extra})["extra"] == {"grades": {"median": 12.5, "[Filtered]": 17}}
    extra = {"copies": {"alice.martin@lycee.example.fr": ["copy 3"], "count": 1}}
    assert scrub_event({"extra": extra})["extra"] == {
        "copies": {"count": 1, "[Filtered]": ["copy 3"]}
    }


def test_address_key_never_reaches_the_wire(sentry: FakeTransport) -> None:
    # Through the SDK: a mark keyed by a student's address, as an export job might log it.
    sentry_sdk.set_extra("grades", {"alice.martin@lycee.example.fr": 17})
    sentry_sdk.capture_message("grades exported")
    assert b"alice.martin" not in sentry.wire
    assert sentry.events[0]["extra"]["grades"] == {"[Filtered]": 17}


def test_trace_ids_in_a_list_stay_linkable() -> None:
    ids = ["4bf92f3577b34da6a3ce929d0e0e4736", "00f067aa0ba902b7"]
    assert scrub_event({"extra": {"trace_id": list(ids)}})["extra"] == {"trace_id": ids}


def test_walk_defaults_to_the_event_structure() -> None:
    # Outside user data a key is the protocol's field name: `abs_path` stays as it is.
    assert scrub_node({"abs_path": PEX_PATH}) == {"abs_path": PEX_PATH}
    assert scrub_node({"abs_path": PEX_PATH}, "frame", True) == {
        "abs_path": PEX_PATH.replace("2f7c4e1a9b3d5f8e0c6a4b2d9e7f1a3c5b8d0e2f", "[Filtered]")
    }


def test_bytes_are_read_as_utf8_and_scrubbed() -> None:
    assert scrub_node(b"login failed: password=hunter2x \xff") == (
        "login failed: password=[Filtered] \ufffd"
    )


class Markup(str):
    """A str subclass, as template libraries return (markupsafe.Markup)."""


def test_subclasses_follow_their_plain_type() -> None:
    scrubbed = scrub_node(Markup("login failed: password=hunter2x"))
    assert scrubbed == "login failed: password=[Filtered]"
    assert type(scrubbed) is str
    # A release is `name@version`: structure, kept, whatever the string's class.
    assert scrub_node(Markup("korrigo@1.4.2"), "release") == "korrigo@1.4.2"
    assert scrub_node(Markup("korrigo@1.4.2"), "note") == "[Filtered]"
    assert scrub_node(OrderedDict(password="hunter2x", page=2), "extra", True) == {
        "password": "[Filtered]",
        "page": 2,
    }


def test_every_key_after_a_denied_or_a_plain_one_is_still_walked() -> None:
    extra = {
        "password": "hunter2x",
        "attempt": 3,
        "note": "mail alice.martin@lycee.example.fr",
        "ref": "9f86d081884c7d659a2feaa0c55ad015",
    }
    # A 32-digit hex value is kept only under an id key (`trace_id`...), not under `ref`.
    assert scrub_event({"extra": extra})["extra"] == {
        "password": "[Filtered]",
        "attempt": 3,
        "note": "mail [Filtered]",
        "ref": "[Filtered]",
    }


def test_key_rules_reach_mappings_inside_lists_of_user_data() -> None:
    extra = {"copies": [{"first_name": "Alice", "page": 2}, "Alice"]}
    assert scrub_event({"extra": extra})["extra"] == {
        "copies": [{"first_name": "[Filtered]", "page": 2}, "Alice"]
    }


def test_non_string_keys_are_walked_as_they_are() -> None:
    # The SDK's serializer turns keys into strings; a direct caller may not.
    assert scrub_node({3: "alice.martin@lycee.example.fr", 4: None}, "extra", True) == {
        3: "[Filtered]",
        4: None,
    }
