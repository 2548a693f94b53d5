"""tools/korrigo_check: the leak search on envelopes made here, and the unset-KORRIGO line.

The real run (Korrigo's suite, minutes) is `make korrigo-check KORRIGO=...`, not a test.
"""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

from inline_snapshot import snapshot
from sentry_sdk.envelope import Envelope, Item, PayloadRef

from tools.korrigo_check.leaks import envelopes, forms, search

ROOT = Path(__file__).resolve().parent.parent


def envelope(event: dict) -> bytes:  # type: ignore[type-arg]
    item = Item(payload=PayloadRef(json=event), type="event")
    return Envelope(headers={}, items=[item]).serialize()


def leaked(values: dict[str, list[str]], raw: list[bytes]) -> set[tuple[str, str, str, bool]]:
    return {(lk.kind, lk.value, lk.form, lk.in_code_only) for lk in search(values, raw)}


def test_verbatim_and_encoded_forms_are_found() -> None:
    attachment = Item(payload=PayloadRef(bytes="copie de Élodie".encode()), type="attachment")
    raw = [
        envelope({"message": "grading failed for Élodie"}),  # the SDK escapes it: \u00c9
        Envelope(headers={}, items=[attachment]).serialize(),  # bytes as they are
        envelope({"extra": {"url": "/search?q=Le%20F%C3%A8vre"}}),
        envelope({"extra": {"born": "14/03/2009"}}),
    ]
    found = leaked({"name": ["Élodie", "Le Fèvre"], "date_of_birth": ["2009-03-14"]}, raw)
    assert found == {
        ("name", "Élodie", "json", False),
        ("name", "Élodie", "verbatim", False),
        ("name", "Le Fèvre", "url", False),
        ("date_of_birth", "2009-03-14", "date", False),
    }


def test_a_value_inside_a_longer_word_or_in_code_only_is_not_a_leak() -> None:
    raw = [
        envelope({"exception": {"values": [{"stacktrace": {"frames": [{
            "function": "TestStudentImport",
            "context_line": '    Student.objects.create(first_name="Marie")',
        }]}}]}}),
        envelope({"breadcrumbs": {"values": [
            {"category": "query", "message": 'INSERT INTO "students_student" ("first_name")'}
        ]}}),
    ]  # fmt: skip
    found = leaked({"name": ["Test", "Marie", "students_student"]}, raw)
    assert found == {
        ("name", "Marie", "verbatim", True),
        ("name", "students_student", "verbatim", True),
    }


def test_a_username_in_a_frame_variable_is_a_leak() -> None:
    raw = [envelope({"exception": {"values": [{"stacktrace": {"frames": [{
        "function": "finalize", "vars": {"user": "<User: teacher_flow>"}}]}}]}})]  # fmt: skip
    assert leaked({"username": ["teacher_flow"]}, raw) == {
        ("username", "teacher_flow", "verbatim", False)
    }


def test_short_values_are_not_searched() -> None:
    assert leaked({"name": ["Li"]}, [envelope({"message": "Li"})]) == set()


def test_envelopes_are_read_back_as_the_plugin_writes_them(tmp_path: Path) -> None:
    raw = [envelope({"message": "one"}), envelope({"message": "two"})]
    path = tmp_path / "envelopes.bin"
    path.write_bytes(b"".join(len(r).to_bytes(8, "big") + r for r in raw))
    assert envelopes(path) == raw
    assert envelopes(tmp_path / "none.bin") == []


def test_forms_of_a_value() -> None:
    assert forms("Zoë Durand") == {
        "verbatim": "Zoë Durand".encode(), "json": b"Zo\\u00eb Durand",
        "url": b"Zo%C3%AB%20Durand", "url+": b"Zo%C3%AB+Durand", "html": "Zoë Durand".encode(),
    }  # fmt: skip
    assert json.loads(b'"' + forms("Zoë")["json"] + b'"') == "Zoë"


def test_make_korrigo_check_without_korrigo_is_one_line() -> None:
    done = subprocess.run(
        ["make", "--no-print-directory", "-o", ".venv/.installed", "korrigo-check", "KORRIGO="],
        cwd=ROOT, capture_output=True, text=True, check=False,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    assert done.stdout.splitlines() == snapshot(
        [
            "korrigo-check: skipped, KORRIGO is unset (make korrigo-check KORRIGO=path/to/Korrigo; not part of make test)"
        ]
    )


def test_a_value_that_is_a_word_of_the_code_is_ambiguous_not_leaked() -> None:
    raw = [envelope({"message": "Test exception for user teacher_flow"})]
    code = b'class User(models.Model):\n    name = "Test"\n'
    found = {
        (lk.value, lk.ambiguous) for lk in search({"name": ["Test", "teacher_flow"]}, raw, code)
    }
    assert found == {("Test", True), ("teacher_flow", False)}


def test_a_prefix_joined_by_an_underscore_is_another_name() -> None:
    assert leaked({"username": ["admin"]}, [envelope({"extra": {"user": "admin_audit"}})]) == set()
