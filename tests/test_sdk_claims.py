"""What the SDK does is stated through facts, not typed by hand (issue 22, deliver 3).

handbook/sdk_claims.py finds every prose sentence naming a sentry-sdk option, hook or
integration (names read from the installed SDK) that carries no `fact()` call. Each one
must be reviewed in tests/data/sdk_mentions.yaml with why it is not an SDK claim; a new one
fails here, naming the page and the sentence.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from handbook.sdk_claims import (
    LedgerError,
    ReviewedMention,
    load_ledger,
    mentions,
    sdk_names,
    sentences,
)
from korrigo_sentry.oncall.facts import load_facts

ROOT = Path(__file__).resolve().parent.parent
LEDGER = ROOT / "tests" / "data" / "sdk_mentions.yaml"
FACTS = load_facts()
WHY = {"korrigo", "instruction", "history", "fact"}


def _pages() -> list[Path]:
    docs = [p for p in (ROOT / "docs").rglob("*.md") if "runbooks" not in p.relative_to(ROOT).parts]
    return sorted(docs + list((ROOT / "runbooks").glob("*.md")))


def _ledger() -> list[ReviewedMention]:
    entries = load_ledger(LEDGER)
    for entry in entries:
        if entry.fact is not None:
            page = (ROOT / entry.page).read_text(encoding="utf-8")
            assert entry.fact in FACTS, f"{LEDGER.name}: {entry.sentence!r}: no fact {entry.fact}"
            assert f'fact("{entry.fact}")' in page, f"{entry.page} never cites {entry.fact}"
    return entries


def _found() -> list[tuple[str, str, tuple[str, ...]]]:
    return [
        (m.page, m.key, m.names)
        for page in _pages()
        for m in mentions(str(page.relative_to(ROOT)), page.read_text(encoding="utf-8"))
    ]


def test_the_names_come_from_the_installed_sdk() -> None:
    options, integrations = sdk_names()
    # Spot checks written from sentry-sdk's documentation, not from the code under test.
    assert {"before_send", "traces_sampler", "data_collection", "send_default_pii"} <= options
    assert {"middleware_spans", "monitor_beat_tasks", "max_data_size", "event_level"} <= options
    assert {"django", "celery", "redis", "logging", "excepthook"} <= integrations


def test_the_scanner_finds_a_hand_typed_claim_and_spares_a_fact() -> None:
    page = (
        "The Celery integration reports every retry.\n\n"
        'Retries never reach `before_send` {{ fact("sdk.celery_retry") }}\n\n'
        '{{ fact("sdk.celery_retry") }} So `before_send` never sees one.\n\n'
        "```python\nsentry_sdk.init(before_send=drop)\n```\n\n"
        "A plain sentence about Korrigo.\n"
    )
    found = mentions("planted.md", page)
    # The sentence holding the fact is spared; the one after it stands alone and is not.
    assert [m.names for m in found] == [("celery integration",), ("before_send",)]
    assert found[0].sentence == "The Celery integration reports every retry."
    assert found[1].sentence == "So `before_send` never sees one."
    assert "sentry_sdk.init(before_send=drop)" not in " ".join(sentences(page))


def test_every_sentence_naming_the_sdk_is_a_fact_or_reviewed() -> None:
    reviewed = {(e.page, e.sentence) for e in _ledger()}
    new = [
        f"{page}: {key!r} names {', '.join(names)}"
        for page, key, names in _found()
        if (page, key) not in reviewed
    ]
    assert not new, (
        "Sentences naming what sentry-sdk does, outside a fact() call. State the behaviour "
        'through {{ fact("sdk....") }} (data/facts.yaml, source at the pinned SDK with its '
        "line), or, if the sentence says what Korrigo sets or what to do, list it in "
        "tests/data/sdk_mentions.yaml with its reason:\n" + "\n".join(new)
    )


def test_the_ledger_lists_only_sentences_still_on_the_pages() -> None:
    found = {(page, key) for page, key, _ in _found()}
    gone = [f"{e.page}: {e.sentence!r}" for e in _ledger() if (e.page, e.sentence) not in found]
    assert not gone, "no longer on the pages; remove from sdk_mentions.yaml:\n" + "\n".join(gone)


@pytest.mark.parametrize("why", sorted(WHY))
def test_each_reason_is_used(why: str) -> None:
    assert any(e.why == why for e in _ledger())


@pytest.mark.parametrize(
    ("entry", "problem"),
    [
        ("  why: guess", "mentions.1.why: Input should be 'korrigo', 'instruction'"),
        ("  why: fact", "mentions.1: `fact` names the cited fact when, and only when"),
        ("  why: korrigo\n  colour: red", "mentions.1.colour: Extra inputs are not permitted"),
    ],
)
def test_a_broken_ledger_entry_is_named_by_file_line_and_field(
    tmp_path: Path, entry: str, problem: str
) -> None:
    ledger = tmp_path / "sdk_mentions.yaml"
    ledger.write_text(
        "mentions:\n- page: docs/a.md\n  sentence: first\n  why: korrigo\n"
        f"- page: docs/b.md\n  sentence: second\n{entry}\n",
        encoding="utf-8",
    )
    with pytest.raises(LedgerError) as raised:
        load_ledger(ledger)
    message = str(raised.value)
    assert message.startswith(f"{ledger}:")
    assert problem in message
    line = int(message.split(":")[1])
    assert line >= 5  # the second entry, not the top of the file
