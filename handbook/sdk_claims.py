"""Find the sentences of a page that name what sentry-sdk does, outside a `fact()` call.

What the SDK does (an option's effect, a default, an integration's behaviour, a hook) is a
fact with its source file and line (data/facts.yaml, `kind: sdk`). This module finds the
prose sentences that could state such a thing by hand: those naming an SDK option or hook
(in backticks, as `name` or `name=...`) or an integration ("the Celery integration").
The names are read from the installed SDK, never from a hand list: `ClientConstructor`'s
parameters and `DEFAULT_OPTIONS`, the constructor parameters of the integrations Korrigo
enables, and the module names under `sentry_sdk.integrations`. tests/test_sdk_claims.py
fails on such a sentence unless it carries a `fact()` (or, in a table cell,
`cite()`) call or a reviewed entry of
tests/data/sdk_mentions.yaml saying why it is not an SDK claim.
"""

from __future__ import annotations

import importlib
import inspect
import pkgutil
import re
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Literal

import sentry_sdk.integrations
import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator
from sentry_sdk.consts import DEFAULT_OPTIONS, ClientConstructor

from korrigo_sentry import settings
from korrigo_sentry.yaml_model import compose_yaml, line_of, read_yaml

_FENCE = re.compile(
    r"^(?P<indent>[ \t]*)(?P<fence>```|~~~).*?^(?P=indent)(?P=fence)[^\n]*$",
    re.DOTALL | re.MULTILINE,
)
_COMMENT = re.compile(r"<!--.*?-->", re.DOTALL)
_CODE_NAME = re.compile(r"`([A-Za-z_][A-Za-z0-9_]*)(?:=[^`]*)?`")
_INTEGRATION = re.compile(r"\b([A-Za-z]+) integration", re.IGNORECASE)
#: A sentence ends at a full stop (or ! ? :) or after a macro call (a fact is a sentence
#: of its own), before what can start one.
_SENTENCE_END = re.compile(r"(?:(?<=[.!?:])|(?<=\}\}))\s+(?=[A-Z`*{(\[])")
#: A list item or a table row starts a new unit even without a blank line before it.
_ITEM_START = re.compile(r"\n(?=[ \t]*(?:[-*+] |\d+\. |\|))")
_FACT_CALL = re.compile(r"\{\{\s*(?:fact|cite)\(")


@dataclass(frozen=True)
class Mention:
    """One sentence naming SDK options, hooks or integrations, and the names it uses."""

    page: str
    sentence: str
    names: tuple[str, ...]

    @property
    def key(self) -> str:
        """How the ledger names the sentence: its first 70 characters."""
        return self.sentence[:70]


@cache
def sdk_names() -> tuple[frozenset[str], frozenset[str]]:
    """(option and hook names, integration names), read from the installed sentry-sdk."""
    options = set(inspect.signature(ClientConstructor.__init__).parameters)
    options |= set(DEFAULT_OPTIONS)
    for name in settings.INTEGRATIONS:
        module = importlib.import_module(f"sentry_sdk.integrations.{name}")
        for attr in vars(module).values():
            if (
                issubclass(type(attr), type)  # not isinstance: Django's lazy settings object
                and issubclass(attr, sentry_sdk.integrations.Integration)
                and attr.__module__.startswith(module.__name__)
                and getattr(attr, "identifier", None) == name
            ):
                options |= set(inspect.signature(attr.__init__).parameters)
    options -= {"self", "args", "kwargs", "_experiments"}
    integrations = {
        info.name.strip("_").lower()
        for info in pkgutil.iter_modules(sentry_sdk.integrations.__path__)
    }
    return frozenset(options), frozenset(integrations)


def sentences(markdown: str) -> list[str]:
    """The prose of a page, one whitespace-collapsed sentence at a time (code fences and
    comments left out; a table row or list item is split like prose)."""
    text = _COMMENT.sub(" ", _FENCE.sub("\n\n", markdown))
    found = []
    for block in re.split(r"\n\s*\n", text):
        for item in _ITEM_START.split(block):
            flat = " ".join(item.split())
            found.extend(s for s in _SENTENCE_END.split(flat) if s)
    return found


def mentions(page: str, markdown: str) -> list[Mention]:
    """Each sentence of `markdown` that names an SDK option, hook or integration and
    carries no `fact()` call."""
    options, integrations = sdk_names()
    found = []
    for sentence in sentences(markdown):
        if _FACT_CALL.search(sentence):
            continue
        names = [n for n in _CODE_NAME.findall(sentence) if n in options]
        names += [
            f"{n.lower()} integration"
            for n in _INTEGRATION.findall(sentence)
            if n.lower() in integrations
        ]
        if names:
            found.append(Mention(page, sentence, tuple(dict.fromkeys(names))))
    return found


# --- the reviewed sentences (tests/data/sdk_mentions.yaml) ----------------------------------

#: Why a sentence naming the SDK is not a hand-typed claim about what the SDK does.
Why = Literal["korrigo", "instruction", "history", "fact"]


class ReviewedMention(BaseModel):
    """One reviewed sentence: its page, its first 70 characters and why it may stay."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    page: str
    sentence: str = Field(min_length=1)
    why: Why
    fact: str | None = None  # with why: fact, the fact the same page cites

    @model_validator(mode="after")
    def _fact_named_when_needed(self) -> ReviewedMention:
        if (self.why == "fact") != (self.fact is not None):
            raise ValueError("`fact` names the cited fact when, and only when, why is `fact`")
        return self


class Ledger(BaseModel):
    model_config = ConfigDict(extra="forbid")

    mentions: list[ReviewedMention]


class LedgerError(ValueError):
    """The ledger breaks its schema: the message names the file, line, entry and field."""


def load_ledger(path: Path) -> list[ReviewedMention]:
    """The reviewed sentences of `path`, validated; LedgerError names file:line and field."""
    text = path.read_text(encoding="utf-8")
    try:
        data = read_yaml(text)
    except yaml.YAMLError as exc:
        raise LedgerError(f"{path}: not valid YAML ({exc})") from None
    try:
        return Ledger.model_validate(data).mentions
    except ValidationError as exc:
        first = exc.errors()[0]
        line = line_of(compose_yaml(text), first["loc"])
        where = ".".join(str(p) for p in first["loc"]) or "(file)"
        message = first["msg"].removeprefix("Value error, ")
        raise LedgerError(f"{path}:{line}: {where}: {message}") from None
