"""Cache span descriptions: a list of keys is split at `, ` only."""

from __future__ import annotations

from korrigo_sentry.privacy.places import reduce_key_list

F = "[Filtered]"


def test_keys_with_only_ids_stay_whole_in_a_list() -> None:
    assert reduce_key_list("exam:7, exam:8") == "exam:7, exam:8"


def test_a_key_holding_a_space_is_one_key() -> None:
    assert reduce_key_list("student:Jeanne Martin") == f"student:{F}"
