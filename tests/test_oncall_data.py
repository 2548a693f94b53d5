"""contacts.yaml and oncall.yaml's server/actions: validated, rendered, warned about (issue 23)."""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest

from handbook import oncall_markdown
from korrigo_sentry.oncall import contacts, steps, where
from korrigo_sentry.oncall.yaml_models import DataFileError

ONCALL = """\
review_period_days: 30
compose:
  command: docker compose
  file: infra/docker/docker-compose.local-prod.yml
places:
  backend: {label: Django shell, role: web, open: python manage.py shell}
  worker: {label: worker shell, role: worker}
  host: {label: a terminal}
server:
  label: the box
  ssh: ssh ops@box
  checkout: /srv/korrigo
actions:
  stop_worker:
    summary: Stop it.
    commands: ["{compose} stop {service:worker}"]
  again:
    summary: Queue it.
    commands: ["{compose} exec {service:backend} python manage.py shell -c 'x'"]
"""


def _write(tmp_path: Path, name: str, text: str) -> Path:
    path = tmp_path / name
    path.write_text(textwrap.dedent(text), encoding="utf-8")
    return path


def test_actions_are_typed_with_the_compose_file_and_the_services_of_the_file(
    tmp_path: Path,
) -> None:
    path = _write(tmp_path, "oncall.yaml", ONCALL)
    plan, places = steps.read(path), where.read(path)
    # The roles name Korrigo's services in that file (korrigo.yaml): celery and backend.
    compose = "docker compose -f infra/docker/docker-compose.local-prod.yml"
    assert plan.commands("stop_worker", places) == [f"{compose} stop celery"]
    assert plan.commands("again", places) == [
        f"{compose} exec backend python manage.py shell -c 'x'"
    ]
    assert plan.on_server(["ls"]) == ["cd /srv/korrigo", "ls"]
    with pytest.raises(ValueError, match=r"no action 'nope'.*known: stop_worker, again"):
        plan.commands("nope", places)


def test_an_action_naming_a_place_without_a_container_is_refused(tmp_path: Path) -> None:
    path = _write(tmp_path, "oncall.yaml", ONCALL.replace("{service:worker}", "{service:host}"))
    with pytest.raises(ValueError, match="place has no service"):
        steps.read(path).commands("stop_worker", where.read(path))


def test_a_bad_value_names_the_file_the_line_and_the_field(tmp_path: Path) -> None:
    broken = ONCALL.replace('    commands: ["{compose} stop {service:worker}"]', "    commands: []")
    path = _write(tmp_path, "oncall.yaml", broken)
    with pytest.raises(DataFileError) as error:
        steps.read(path)
    message = str(error.value)
    assert str(path) in message
    assert "line 16" in message  # the `commands: []` line of stop_worker
    assert "field actions.stop_worker.commands" in message
    assert "Traceback" not in message


def test_contacts_refuse_an_unknown_key_and_an_empty_value_with_their_line(
    tmp_path: Path,
) -> None:
    good = """\
        contacts:
          lead:
            role: Lead
            name: Ada
            phone: "+33 1 00 00 00 00"
            chat: "#oncall"
            when: any time
        """
    assert contacts.read(_write(tmp_path, "c.yaml", good)).get("lead").name == "Ada"
    typo = good.replace("when: any time", "when: any time\n            phnoe: 06")
    with pytest.raises(DataFileError, match=r"line 8, field contacts\.lead\.phnoe: Extra inputs"):
        contacts.read(_write(tmp_path, "c.yaml", typo))
    missing = good.replace('            chat: "#oncall"\n', "")
    with pytest.raises(DataFileError, match=r"line 3, field contacts\.lead\.chat: Field required"):
        contacts.read(_write(tmp_path, "c.yaml", missing))
    empty = good.replace("name: Ada", 'name: ""')
    with pytest.raises(DataFileError, match=r"line 4, field contacts\.lead\.name"):
        contacts.read(_write(tmp_path, "c.yaml", empty))
    with pytest.raises(DataFileError, match="not valid YAML"):
        contacts.read(_write(tmp_path, "c.yaml", "contacts: [\n"))


def test_unfilled_values_are_listed_and_filled_ones_are_not(tmp_path: Path) -> None:
    text = """\
        contacts:
          dpo:
            role: DPO
            name: "<TO FILL: name>"
            phone: "+33 1 00 00 00 00"
            chat: "<TO FILL: e-mail>"
            when: at once
        """
    book = contacts.read(_write(tmp_path, "c.yaml", text))
    assert book.unfilled() == [("contacts.dpo.name", "name"), ("contacts.dpo.chat", "e-mail")]


def test_an_unfilled_value_is_marked_on_the_page_and_named_once_on_stderr(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.delenv(oncall_markdown.REQUIRED_ENV, raising=False)
    monkeypatch.setattr(oncall_markdown, "_reported", set())
    first = oncall_markdown.shown("<TO FILL: phone number>", "contacts.x.phone", "contacts.yaml")
    again = oncall_markdown.shown("<TO FILL: phone number>", "contacts.x.phone", "contacts.yaml")
    assert first == again
    assert 'class="korrigo-unfilled"' in first
    assert "phone number" in first
    err = capsys.readouterr().err
    assert err.count("UNFILLED contacts.x.phone in contacts.yaml: phone number") == 1
    assert oncall_markdown.shown("+33 1 23", "contacts.x.phone", "contacts.yaml") == "+33 1 23"


def test_a_build_that_requires_contacts_fails_on_the_first_unfilled_one(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv(oncall_markdown.REQUIRED_ENV, "1")
    unfilled = r"contacts\.x\.phone is still unfilled"
    with pytest.raises(oncall_markdown.UnfilledError, match=unfilled):
        oncall_markdown.shown("<TO FILL: phone number>", "contacts.x.phone", "contacts.yaml")


def test_the_shipped_files_parse_and_every_contact_has_a_role() -> None:
    book = contacts.read()
    assert {"backend_lead", "data_protection_officer"} <= set(book.contacts)
    plan = steps.read()
    assert {"stop_worker", "redeploy_previous", "rerun_task"} <= set(plan.actions)
    for action_id in plan.actions:
        for command in plan.commands(action_id):
            assert "{" not in command.replace("{}", ""), f"{action_id}: {command}"


def test_an_action_block_starts_in_the_checkout_and_says_where(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    path = _write(tmp_path, "oncall.yaml", ONCALL)
    monkeypatch.setattr(oncall_markdown, "steps", lambda: steps.read(path))
    monkeypatch.setattr(oncall_markdown, "oncall", lambda: where.read(path))
    monkeypatch.setattr(steps, "oncall", lambda: where.read(path))
    text = oncall_markdown.action("stop_worker", indent=4)
    assert (
        "**Where**: on **the box** (ssh ops@box, "
        "/srv/korrigo), from the Korrigo checkout (`cd` there first" in text
    )
    fence = text.split("```bash", 1)[1]
    assert fence.splitlines()[1:3] == [
        "    cd /srv/korrigo",
        "    docker compose -f infra/docker/docker-compose.local-prod.yml stop celery",
    ]
    assert text.endswith("```\n")  # a blank line follows: the next list item starts anew
