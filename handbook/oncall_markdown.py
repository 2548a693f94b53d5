"""Contacts, places and actions as the runbook pages print them (issue 23).

`macros.py` registers `contact()`, `where_to_run()` and `action()`. The values come from
`korrigo_sentry/data/contacts.yaml` and the `server`/`actions` blocks of `oncall.yaml`.

A value the team has not filled in yet ("<TO FILL: ...>") is printed on the page, marked,
and named once per build on stderr ("on-call data: UNFILLED ..."), as stale facts are: a
warning on MkDocs' logger would fail `mkdocs build --strict`, and a missing phone number
must not stop the handbook from being published (the runbooks are needed most when a
deploy of the handbook is least likely). A deploy that must not ship placeholders sets
`KORRIGO_CONTACTS_REQUIRED=1`, which turns the first unfilled value into a build error.
"""

from __future__ import annotations

import html
import os
import sys
from typing import TextIO

from korrigo_sentry.oncall.contacts import CONTACTS_YAML, contacts
from korrigo_sentry.oncall.steps import steps
from korrigo_sentry.oncall.where import ONCALL_YAML, oncall
from korrigo_sentry.oncall.yaml_models import PLACEHOLDER

#: Set to 1 to fail the build on an unfilled contact or server value.
REQUIRED_ENV = "KORRIGO_CONTACTS_REQUIRED"

_reported: set[str] = set()


class UnfilledError(ValueError):
    """An unfilled value in a build that requires them all (KORRIGO_CONTACTS_REQUIRED=1)."""


def report_unfilled(field: str, what: str, file: str, stream: TextIO | None = None) -> None:
    """Name an unfilled value on the build's stderr, once per build (or fail, if required)."""
    if os.environ.get(REQUIRED_ENV) == "1":
        raise UnfilledError(f"{file}: {field} is still unfilled ({what}); fill it in")
    if field in _reported:
        return
    _reported.add(field)
    print(f"on-call data: UNFILLED {field} in {file}: {what}", file=stream or sys.stderr)


def shown(value: str, field: str, file: str) -> str:
    """A value for prose: itself, or a visible mark when still "<TO FILL: ...>"."""
    match = PLACEHOLDER.match(value.strip())
    if not match:
        return html.escape(value)
    report_unfilled(field, match.group("what"), file)
    what = html.escape(match.group("what"))
    return f'<mark class="korrigo-unfilled">to fill in {file}: {what}</mark>'


def _values(pairs: list[tuple[str, str]], file: str) -> str:
    """(field, value) pairs for prose: the filled ones, then one mark for the unfilled ones."""
    filled, missing = [], []
    for field, value in pairs:
        match = PLACEHOLDER.match(value.strip())
        if match:
            report_unfilled(field, match.group("what"), file)
            missing.append(html.escape(match.group("what")))
        else:
            filled.append(html.escape(value))
    if missing:
        filled.append(
            f'<mark class="korrigo-unfilled">{", ".join(missing)}: to fill in {file}</mark>'
        )
    return ", ".join(filled)


def contact(contact_id: str) -> str:
    """`**Backend lead**: name, phone, chat (when)`, unfilled values marked."""
    person = contacts().get(contact_id)
    pairs = [
        (f"contacts.{contact_id}.{key}", getattr(person, key)) for key in ("name", "phone", "chat")
    ]
    shown_values = _values(pairs, CONTACTS_YAML.name)
    return f"**{html.escape(person.role)}**: {shown_values} ({html.escape(person.when)})"


def _server_line() -> str:
    server = steps().server
    place = _values(
        [("server.ssh", server.ssh), ("server.checkout", server.checkout)], ONCALL_YAML.name
    )
    return (
        f"on **{html.escape(server.label)}** ({place}), from the Korrigo checkout (`cd` there "
        "first: the compose file's path is relative to it)"
    )


def where_to_run(place_id: str) -> str:
    """One line: host, directory and container (or shell) of a place of oncall.yaml."""
    place = oncall().place(place_id)
    where = f"**Where**: {_server_line()}"
    if place.service:
        where += f", container `{place.service}` (compose service)"
    return where + "."


def _code_value(value: str, field: str) -> str:
    """A value inside a code block: itself, or `<TO FILL: ...>` (reported) when unfilled."""
    match = PLACEHOLDER.match(value.strip())
    if match:
        report_unfilled(field, match.group("what"), ONCALL_YAML.name)
    return value


def action(action_id: str, indent: int = 0) -> str:
    """The action's summary, where it runs, and its commands from the checkout.

    `indent`: spaces before every line but the first, for an action inside a list item.
    """
    plan = steps()
    checkout = _code_value(plan.server.checkout, "server.checkout")
    commands = [f"cd {checkout}", *plan.commands(action_id)]
    body = "\n".join(commands)
    text = (
        f"{html.escape(plan.actions[action_id].summary)} {where_to_run('host')}\n\n"
        f'```bash title="On the Korrigo server, from the checkout"\n{body}\n```'
    )
    pad = " " * indent
    lines = text.split("\n")
    # A blank line after the fence: the page's next list item or paragraph starts anew.
    return (
        "\n".join(line if not i or not line else pad + line for i, line in enumerate(lines)) + "\n"
    )
