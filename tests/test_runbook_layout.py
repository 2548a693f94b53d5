"""Runbooks laid out for a paged engineer (issue 13): the header, where each block runs,
assertions kept out of what a reader copies, one spelling of compose commands."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

import pytest

from handbook import runbook_layout
from korrigo_sentry.oncall import runbooks, where
from korrigo_sentry.oncall.front_matter import FrontMatter
from korrigo_sentry.oncall.markdown import page_parser
from korrigo_sentry.oncall.where import oncall
from tests.doc_sources import markdown_files

BOOKS = runbooks.load_runbooks()
IDS = [book.slug for book in BOOKS]
# What the original guide calls the compose file, and Compose v2's command (Docker's docs).
SEED_COMPOSE_FILE = "infra/docker/docker-compose.local-prod.yml"
ONE_SPELLING = f"docker compose -f {SEED_COMPOSE_FILE}"
# `docker compose`/`docker-compose` as a command; not the file names that contain it.
_COMPOSE = re.compile(r"docker[- ]compose(?![\w.-]*\.ya?ml)")


def compose_commands(text: str) -> list[str]:
    """Every compose command of `text` (fences, inline code and prose), to its line's end.

    A bare mention of the name (`docker-compose`, with no argument) is not a command."""
    found = []
    for match in _COMPOSE.finditer(text):
        line = text[match.start() :].split("\n", 1)[0].split("`", 1)[0]
        if line[match.end() - match.start() :].startswith(" "):
            found.append(line.rstrip())
    return found


def test_the_data_holds_the_seed_file_and_compose_v2() -> None:
    assert oncall().compose == ONE_SPELLING
    services = {place.service for place in oncall().places.values() if place.service}
    assert services == {"backend", "celery", "nginx"}  # Korrigo's service names


def test_the_scanner_finds_both_spellings_and_skips_file_names() -> None:
    text = (
        "run `docker compose exec backend x` or\n    docker-compose -f a.yml up -d\n"
        "the `.env` next to `docker-compose.yml` and docker-compose.local-prod.yml;"
        " `docker-compose` is Compose v1"
    )
    assert compose_commands(text) == [
        "docker compose exec backend x",
        "docker-compose -f a.yml up -d",
    ]


@pytest.mark.parametrize("path", markdown_files(), ids=lambda p: p.name)
def test_every_compose_command_has_the_one_spelling(path: Path) -> None:
    found = compose_commands(path.read_text(encoding="utf-8"))
    wrong = [line for line in found if not line.startswith(ONE_SPELLING + " ")]
    assert wrong == []
    services = {p.service for p in oncall().places.values() if p.service}
    for line in found:
        words = line.removeprefix(ONE_SPELLING + " ").split()
        if words[0] == "exec":
            assert words[1] in services, line


def test_pages_do_use_compose_commands() -> None:
    assert sum(len(compose_commands(p.read_text(encoding="utf-8"))) for p in markdown_files()) > 10


@pytest.mark.parametrize("book", BOOKS, ids=IDS)
def test_front_matter_says_where_and_what_people_search(book: runbooks.Runbook) -> None:
    place = oncall().place(book.front.runs_in)
    assert place.service, "quick checks run in a container"
    phrases = book.front.tags
    assert len(phrases) >= 3
    assert all(isinstance(p, str) and p.strip() for p in phrases)


def test_no_quick_check_is_code_to_paste_or_an_assertion_to_read() -> None:
    """Issue 23: the pasted checks printed values and kept the verdict in a collapsed block
    of assertions. Now a page shows the command; the verdicts are the command's."""
    for book in BOOKS:
        text = book.path.read_text(encoding="utf-8")
        assert "How CI checks this step" not in text, book.slug


def test_every_fence_title_is_a_place_of_the_data() -> None:
    labels = {place.label for place in oncall().places.values()}
    titles = re.compile(r'^\s*```.*title="([^"]*)"', re.MULTILINE)
    used = {t for p in markdown_files() for t in titles.findall(p.read_text(encoding="utf-8"))}
    assert used, "no fence says where it runs"
    assert used <= labels


@pytest.mark.parametrize("book", BOOKS, ids=IDS)
def test_every_runbook_block_says_where_it_runs(book: runbooks.Runbook) -> None:
    """Every python fence but the CI checks' continuations carries a place as its title."""
    untitled = []
    for token in page_parser().parse(book.path.read_text(encoding="utf-8")):
        python = token.type == "fence" and token.info.strip("{} .").startswith("python")
        if python and "continuation" not in token.info and "title=" not in token.info:
            untitled.append(token.map[0] + 1 if token.map else 0)
    assert untitled == []


@pytest.mark.parametrize("book", BOOKS, ids=IDS)
def test_the_printed_runbook_names_its_page_in_its_macros(book: runbooks.Runbook) -> None:
    printed = runbooks.printable_page(book)
    assert f'runbook_header("{book.slug}")' in printed


META = FrontMatter(
    symptom="Celery tasks fail",
    severity="high",
    owner="backend on-call",
    last_reviewed=dt.date(2026, 1, 10),
    runs_in="worker",
    tags=("celery", "tasks stuck"),
)


def test_the_header_holds_what_a_paged_engineer_needs_first() -> None:
    text = runbook_layout.header("celery-failures-not-reported", META, dt.date(2026, 1, 11))
    assert "**Severity** high" in text
    assert "**Owner** backend on-call" in text
    assert "**Last reviewed** 2026-01-10" in text
    assert "review overdue" not in text
    command = (
        "docker compose -f infra/docker/docker-compose.local-prod.yml exec celery "
        "python -m korrigo_sentry check celery-failures-not-reported"
    )
    assert f"```bash\n{command}\n```" in text
    assert "run in the `celery` container" in text
    assert "*Also known as:* celery, tasks stuck" in text


def test_the_review_is_flagged_once_older_than_the_period() -> None:
    period = oncall().review_period_days
    assert 30 <= period <= 366
    reviewed = META.last_reviewed
    due = runbook_layout.header("x", META, reviewed + dt.timedelta(days=period))
    late = runbook_layout.header("x", META, reviewed + dt.timedelta(days=period + 1))
    assert "review overdue" not in due
    assert f"review overdue (older than {period} days)" in late


def test_an_unknown_place_names_the_known_ones() -> None:
    with pytest.raises(ValueError, match=r"unknown place 'db'.*backend, worker"):
        FrontMatter(**{**META.model_dump(), "runs_in": "db"})


RUNBOOK = """---
symptom: A test page.
severity: low
owner: nobody
last_reviewed: 2026-01-01
runs_in: backend
tags: [a, b, c]
---

# A test page

## Quick checks (first five minutes)

{{ quick_checks() }}

## Diagnosis
"""


def test_a_wrong_front_matter_names_the_page_line_and_field(tmp_path: Path) -> None:
    page = tmp_path / "test-page.md"
    page.write_text(RUNBOOK.replace("last_reviewed: 2026-01-01", "last_reviewed: last week"))
    with pytest.raises(runbooks.RunbookError, match=r"test-page.md line 5, field last_reviewed: "):
        runbooks.parse(page)


def test_a_wrong_oncall_yaml_names_the_line_and_field(tmp_path: Path) -> None:
    text = where.ONCALL_YAML.read_text(encoding="utf-8")
    broken = tmp_path / "oncall.yaml"
    broken.write_text(text.replace("    role: worker\n", "    role: [worker]\n"))
    line = broken.read_text().splitlines().index("    role: [worker]") + 1
    with pytest.raises(ValueError, match=rf"oncall.yaml line {line}, field places.worker.role"):
        where.read(broken)
