"""The walk at its edges: Python types the SDK's serializer never produces, the depth bound,
card numbers held as integers, tags Sentry would refuse, and log entries' parameters.

The hooks of logs, metrics and spans (`telemetry`) and a breadcrumb's raw data hand the
walk the application's own values: enums, tuples, `OrderedDict`s, subclasses of `float`,
containers that hold themselves. Card numbers are the Luhn-valid test numbers payment
providers publish; the Luhn check itself is public (ISO/IEC 7812-1).
"""

from __future__ import annotations

import enum
from collections import OrderedDict
from typing import Any

from django.utils.safestring import SafeString

from korrigo_sentry.privacy.event import scrub_event, scrub_node

SECRET = "eleve.durand@lycee.example.fr"
F = "[Filtered]"
VISA = 4111111111111111
TRACE = "771a43a4192642f0b136d5159a501700"


class Seat(enum.IntEnum):
    FRONT = 3
    CARD = VISA  # an enum whose value happens to be a card number


class Grade(float):
    """A float subclass (a Decimal-like mark)."""


class Rows(list):  # type: ignore[type-arg]
    """A list subclass (a queryset's result cache)."""


# --- types the serializer never produces -----------------------------------------------------


def test_an_int_subclass_is_its_value_and_a_card_still_a_card() -> None:
    assert scrub_node(Seat.FRONT) == 3
    assert type(scrub_node(Seat.FRONT)) is int
    assert scrub_node(Seat.CARD) == F


def test_a_float_subclass_is_a_plain_float() -> None:
    out = scrub_node(Grade(12.5))
    assert out == 12.5
    assert type(out) is float


def test_tuples_sets_and_list_subclasses_become_lists_read_like_lists() -> None:
    assert scrub_node((SECRET, 2), "extra", True) == [F, 2]
    assert scrub_node(frozenset({SECRET})) == [F]
    assert scrub_node(Rows([SECRET, VISA])) == [F, F]
    # An id key names every element: a tuple of trace ids stays linkable.
    assert scrub_node((TRACE,), "trace_id") == [TRACE]
    # In user data, a key of the event's own structure is no reason to keep text.
    assert scrub_node((f"to {SECRET}",), "status", True) == [f"to {F}"]
    assert scrub_node((f"to {SECRET}",), "status") == [f"to {SECRET}"]


def test_a_safe_string_in_user_data_is_read_whatever_its_key() -> None:
    assert scrub_node(SafeString(f"to {SECRET}"), "status", True) == f"to {F}"


def test_a_string_subclass_as_key_keeps_its_value() -> None:
    assert scrub_node({SafeString("count"): 3, SafeString("note"): SECRET}, "extra", True) == {
        "count": 3,
        "note": F,
    }


def test_a_mapping_subclass_in_user_data_keeps_the_key_rules() -> None:
    assert scrub_node(OrderedDict(password="hunter2", page=2), "extra", True) == {
        "password": F,
        "page": 2,
    }


def test_a_list_of_scalars_keeps_them_and_filters_a_card() -> None:
    assert scrub_node([None, True, 2.5, 7, VISA], "extra", True) == [None, True, 2.5, 7, F]


# --- the depth bound -------------------------------------------------------------------------


def _nested(levels: int, leaf: Any, wrap: Any) -> Any:
    node = leaf
    for _ in range(levels):
        node = wrap(node)
    return node


def _depth_of(node: Any) -> int:
    depth = 0
    while isinstance(node, dict | list):
        node = node["n"] if isinstance(node, dict) else node[0]
        depth += 1
    return depth


def test_sixty_five_levels_are_walked_the_sixty_sixth_is_filtered() -> None:
    # The SDK's serializer stops at 10 levels; only unserialised data (a breadcrumb's, a
    # hook's) goes deeper. Levels 0 to 64 are walked, a container below them is filtered.
    for wrap in (lambda n: {"n": n}, lambda n: [n]):
        kept = scrub_node(_nested(65, "x", wrap))
        assert _depth_of(kept) == 65
        cut = scrub_node(_nested(66, "x", wrap))
        assert _depth_of(cut) == 65
        leaf = cut
        for _ in range(65):
            leaf = leaf["n"] if isinstance(leaf, dict) else leaf[0]
        assert leaf == F


def test_subclassed_containers_that_hold_themselves_end_the_walk() -> None:
    looped: OrderedDict[str, Any] = OrderedDict(email=SECRET)
    looped["self"] = looped
    assert scrub_node(looped, "data", True)["email"] == F
    rows = Rows([SECRET])
    rows.append(rows)
    assert scrub_node(rows, "data", True)[0] == F


# --- card numbers held as integers -----------------------------------------------------------


def test_the_smallest_and_largest_card_lengths_are_filtered() -> None:
    # 1000000000009: the smallest 13-digit number passing the Luhn check;
    # 9999999999999999998: the largest 19-digit one (card numbers have 13 to 19 digits,
    # ISO/IEC 7812); 4111111111111111128 another 19-digit one.
    for card in (1000000000009, 4111111111111111128, 9999999999999999998):
        assert scrub_node(card) == F
        assert scrub_node({"paid_with": card}, "extra", True) == {"paid_with": F}
        assert scrub_node([card]) == [F]


def test_numbers_that_fail_the_luhn_check_are_kept() -> None:
    assert scrub_node(1000000000000) == 1000000000000
    assert scrub_node(1234567890123) == 1234567890123
    # 20 digits passing the Luhn check: longer than any card number
    assert scrub_node(99999999999999999999) == 99999999999999999999


# --- tags ------------------------------------------------------------------------------------


def test_a_tag_set_to_a_container_is_sent_as_text_sentry_accepts() -> None:
    # Relay drops a tag whose value is not a string; Sentry cuts tag values at 200
    # characters. The text keeps accents as they are.
    tags = {
        "classe": {"niveau": "1ère", "groupe": "B"},
        "seats": {3, 4},  # a set: the walk made it a list
        "long": ["x" * 300],
        "plain": "kept",
        "none": None,
    }
    out = scrub_event({"tags": tags})["tags"]
    assert out["classe"] == '{"niveau": "1ère", "groupe": "B"}'
    assert out["seats"] in ("[3, 4]", "[4, 3]")
    assert out["long"] == '["' + "x" * 198
    assert len(out["long"]) == 200
    assert out["plain"] == "kept"
    assert out["none"] is None


# --- log entries ----------------------------------------------------------------------------


def test_a_denied_named_parameter_is_masked_in_the_message_the_others_kept() -> None:
    entry = {
        "message": "%(phone)s called about %(exam)s (%(initials)s, room %(room)s)",
        "params": {"phone": 612345678, "exam": "B12", "initials": "JD", "room": "7"},
        "formatted": "612345678 called about B12 (JD, room 7)",
    }
    out = scrub_event({"logentry": entry})["logentry"]
    assert out["formatted"] == f"{F} called about B12 (JD, room 7)"


def test_a_two_letter_denied_value_is_masked_one_letter_is_not() -> None:
    # One character would blank that character everywhere in the message.
    entry = {
        "message": "%(first_name)s %(last_name)s opened copy 7",
        "params": {"first_name": "Al", "last_name": "B"},
        "formatted": "Al B opened copy 7",
    }
    assert scrub_event({"logentry": entry})["logentry"]["formatted"] == f"{F} B opened copy 7"


def test_a_message_formatted_with_a_model_s_own_str_is_formatted_again_from_its_repr() -> None:
    # logging formatted `%r` with the object; the SDK serialised the parameter as
    # `<Student pk=12>` (privacy.models): the message is written again from that.
    entry = {
        "message": "%r has no copy",
        "params": ["<Student pk=12>"],
        "formatted": "<Student: Durand Eleve> has no copy",
    }
    out = scrub_event({"logentry": entry})["logentry"]
    assert out["formatted"] == "<Student pk=12> has no copy"
    assert out["params"] == ["<Student pk=12>"]


def test_a_message_its_parameters_do_not_fit_keeps_only_its_template() -> None:
    entry = {
        "message": "%s moved %s to %s",
        "params": ["<Student pk=12>"],
        "formatted": "Durand Eleve moved copy 7 to room 2",
    }
    out = scrub_event({"logentry": entry})["logentry"]
    assert out["formatted"] == "%s moved %s to %s"
    assert out["params"] == [F]
