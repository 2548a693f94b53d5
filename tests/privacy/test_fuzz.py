"""The adversarial privacy fuzz: every place planted, the raw bytes searched, nothing found.

Each place (`places.py`) plants a fresh random secret through a real integration and
names its carrier. The bytes of every envelope the fake transport received are searched
for the secret verbatim and encoded (`canaries.encodings`). A place whose carrier was not
sent fails: a secret is only safe if the thing that would carry it was sent without it.

The measured table (place -> masked or dropped) is what the privacy page renders; it is
committed in `korrigo_sentry/data/privacy_fuzz.json`, and this test rewrites the file and
fails when what it measured differs from it.
"""

from __future__ import annotations

import base64
import json
from pathlib import Path
from typing import Any
from urllib.parse import quote

import pytest

from tests.privacy import canaries, harness
from tests.privacy.places import PLACES

TABLE = Path(__file__).resolve().parents[2] / "korrigo_sentry" / "data" / "privacy_fuzz.json"


@pytest.fixture
def korrigo(fuzz_korrigo: list[harness.Result]) -> list[harness.Result]:
    return fuzz_korrigo


@pytest.fixture
def bare(fuzz_bare: list[harness.Result]) -> list[harness.Result]:
    return fuzz_bare


def test_at_least_eighty_distinct_places() -> None:
    assert len(PLACES) >= 80
    assert len({(p.area, p.secret) for p in PLACES}) == len(PLACES)


def test_every_carrier_was_sent(korrigo: list[harness.Result]) -> None:
    silent = [r.place.name for r in korrigo if not r.carrier]
    assert silent == [], "no event, span, breadcrumb or header carried these places"


def test_no_planted_secret_reaches_the_wire(korrigo: list[harness.Result]) -> None:
    leaks = {r.place.name: r.leaked for r in korrigo if r.leaked}
    assert leaks == {}


def test_what_helps_debugging_is_kept(korrigo: list[harness.Result]) -> None:
    lost = [(r.place.name, r.place.keep) for r in korrigo if r.place.keep and not r.kept]
    assert lost == []


def test_bare_sentry_sdk_leaks_most_places(bare: list[harness.Result]) -> None:
    # The same plants without Korrigo's pipeline: proves each search can find its secret.
    leaked = [r for r in bare if r.leaked]
    assert len(leaked) >= 0.8 * len(bare), f"only {len(leaked)} of {len(bare)} leaked"


def test_the_committed_table_is_what_was_measured(
    korrigo: list[harness.Result], bare: list[harness.Result]
) -> None:
    measured = harness.summary(korrigo, bare)
    committed = json.loads(TABLE.read_text(encoding="utf-8")) if TABLE.exists() else {}
    if not harness.same_summary(committed, measured):
        measured["before_pipeline"] = committed.get("before_pipeline")
        TABLE.write_text(json.dumps(measured, indent=1) + "\n", encoding="utf-8")
        pytest.fail(f"{TABLE.name} did not match this run; it was rewritten: review and commit it")


@pytest.mark.parametrize(
    "encode",
    [
        lambda s: s,
        lambda s: json.dumps(s + '"')[1:-1],
        lambda s: quote(s, safe=""),
        lambda s: quote(quote(s, safe=""), safe=""),
        lambda s: s.encode().hex(),
        lambda s: base64.b64encode(s.encode()).decode(),
        lambda s: base64.b64encode(b"x" + s.encode()).decode(),
        lambda s: base64.b64encode(b"xy" + s.encode()).decode(),
        lambda s: base64.urlsafe_b64encode(b"x" + s.encode()).decode(),
    ],
    ids=["verbatim", "json", "url", "url-twice", "hex", "b64-0", "b64-1", "b64-2", "b64url-1"],
)
def test_the_search_finds_every_encoding(encode: Any) -> None:
    secret = "eleve.0f3a9c@lycee.example.fr/é"
    wire = f'{{"value": "{encode(secret)}"}}'.encode()
    assert canaries.found_in(wire, [secret]) == [secret]
    assert canaries.found_in(b'{"value": "[Filtered]"}', [secret]) == []


@pytest.mark.parametrize(
    ("make", "check"),
    [
        (canaries.card, "luhn"),
        (canaries.iban, "mod97"),
    ],
)
def test_planted_numbers_pass_their_checksums(make: Any, check: str) -> None:
    value, _ = make()
    digits = value.replace(" ", "")
    if check == "luhn":  # written from the ISO/IEC 7812 definition, not from the code
        total = sum(
            d if i % 2 == 0 else (d * 2 - 9 if d * 2 > 9 else d * 2)
            for i, d in enumerate(int(x) for x in reversed(digits))
        )
        assert total % 10 == 0
    else:  # ISO 13616: move the first four characters to the end, letters as 10..35
        moved = digits[4:] + digits[:4]
        assert int("".join(str(int(ch, 36)) for ch in moved)) % 97 == 1


def test_the_size_counted_does_not_depend_on_the_installed_packages(tmp_path: Path) -> None:
    """Two virtualenvs that differ only in what else is installed send the same figure."""
    ctx = harness.Ctx("http://127.0.0.1:1", tmp_path)
    few = b'{"level":"error","modules":{"django":"4.2.16"},"platform":"python"}'
    many = b'{"level":"error","modules":{"django":"4.2.16","pypdf":"7.1.1"},"platform":"python"}'
    assert harness.stable_size(few, ctx) == harness.stable_size(many, ctx)
    # what the event says about itself still counts, byte for byte
    assert harness.stable_size(few.replace(b"error", b"warning"), ctx) == (
        harness.stable_size(few, ctx) + len("warning") - len("error")
    )
