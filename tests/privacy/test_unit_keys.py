"""Key rules: a key names a secret or a person however it is written.

The terms are written here literally (sentry-sdk's `password`, Korrigo's `student`,
`email`, `first_name`, `birth_date`), not read from the denylist under test.
"""

from __future__ import annotations

import pytest

from korrigo_sentry.privacy.keys import is_denied


@pytest.mark.parametrize(
    "key", ["X-Student-Name", "E-Mail", "e_mail", "First Name", "birth.date", "DB_PASSWORD"]
)
def test_case_and_separators_do_not_hide_a_term(key: str) -> None:
    assert is_denied(key)


@pytest.mark.parametrize("key", ["grade", "exam_id", "Content-Type", "room"])
def test_keys_naming_no_term_are_kept(key: str) -> None:
    assert not is_denied(key)
