"""Facts about Sentry the product and what its SDK does, as data: `data/facts.yaml`.

The handbook states plans, quotas, alert behaviour and UI names only through these
facts, each with its source, a verbatim excerpt of it and the date it was checked.
Loading refuses a fact that lacks any of them, so a page can never cite nothing. The
checks are written by hand: they are this file's own schema, small enough to read.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, timedelta
from functools import cache
from pathlib import Path
from typing import Any

from korrigo_sentry.yaml_model import read_yaml

DEFAULT_PATH = Path(__file__).resolve().parent.parent / "data" / "facts.yaml"

#: The plan names a fact may apply to ("all": every plan).
PLANS = ("all", "Developer", "Team", "Business", "Enterprise")

#: `https://github.com/<owner>/<repo>/blob/<ref>/<path>[#L<line>]`: a file at a commit or tag.
SOURCE_RE = re.compile(
    r"^https://github\.com/(?P<repo>[\w.-]+/[\w.-]+)/blob/(?P<ref>[0-9a-f]{40}|\d+\.\d+\.\d+)"
    r"/(?P<path>[^#\s]+)(?:#L(?P<line>\d+))?$"
)
#: The repositories a fact may cite, and the kind of statement each one supports.
KINDS = {
    "getsentry/sentry-docs": "product",
    "getsentry/sentry": "app",  # Sentry's own source, where the docs say nothing
    "getsentry/sentry-python": "sdk",
    "getsentry/relay": "relay",
    "celery/celery": "celery",
    "getsentry/cli": "cli",
}
_ID_RE = re.compile(r"^[a-z][a-z0-9_]*(\.[a-z0-9_]+)+$")
_FIELDS = ("id", "statement", "source", "excerpts", "checked", "plans", "review_days", "value")
_OPTIONAL = {"value"}


class FactError(ValueError):
    """A fact breaks the schema. The message names the fact and the field."""

    def __init__(self, fact_id: str, field_name: str, problem: str) -> None:
        super().__init__(f"fact {fact_id!r}, field {field_name!r}: {problem}")


@dataclass(frozen=True)
class Fact:
    """One statement about Sentry, with the evidence for it."""

    id: str
    statement: str
    source: str
    excerpts: tuple[str, ...]
    checked: date
    plans: tuple[str, ...]
    review_days: int
    value: str | None = None

    @property
    def due(self) -> date:
        """The day after which the fact must be checked again."""
        return self.checked + timedelta(days=self.review_days)

    def is_stale(self, today: date) -> bool:
        """True once the review period has passed without a new check."""
        return today > self.due

    @property
    def plan_gated(self) -> bool:
        """True when the statement holds only on some plans."""
        return self.plans != ("all",)

    @property
    def repo(self) -> str:
        """`owner/name` of the repository the source lives in."""
        return source_parts(self.source)["repo"]

    @property
    def kind(self) -> str:
        """What the fact is about, from where its source lives: `product` (Sentry's
        docs), `app` (Sentry's own source), `sdk` (sentry-sdk at Korrigo's pin), `relay`
        (Sentry's ingest), `celery` or `cli` (Sentry's CLI)."""
        return KINDS[self.repo]

    @property
    def path(self) -> str:
        """The source file's path in its repository."""
        return source_parts(self.source)["path"]

    @property
    def line(self) -> int | None:
        """The cited line, for a source file that is code."""
        line = source_parts(self.source)["line"]
        return int(line) if line else None


def normalize(text: str) -> str:
    """Whitespace collapsed, so that a re-wrapped paragraph still matches its excerpt."""
    return " ".join(text.split())


def source_parts(source: str) -> dict[str, str]:
    match = SOURCE_RE.match(source)
    if match is None:
        raise ValueError(f"not a GitHub file at a commit or tag: {source}")
    return match.groupdict()


def parse_fact(raw: Mapping[str, Any], index: int = 0) -> Fact:
    """Build and validate one fact from its YAML mapping."""
    if not isinstance(raw, Mapping):
        raise FactError(f"#{index + 1}", "(fact)", "must be a mapping of fields")
    fact_id = str(raw.get("id") or f"#{index + 1}")
    unknown = sorted(set(raw) - set(_FIELDS))
    if unknown:
        raise FactError(fact_id, unknown[0], f"unknown field (known: {', '.join(_FIELDS)})")
    for name in _FIELDS:
        if name not in _OPTIONAL and raw.get(name) in (None, "", []):
            raise FactError(fact_id, name, "is missing or empty")
    if not _ID_RE.match(fact_id):
        raise FactError(fact_id, "id", "must be a dotted slug such as `quota.archived`")
    statement = raw["statement"]
    if not isinstance(statement, str) or not statement.strip().endswith((".", ")")):
        raise FactError(fact_id, "statement", "must be a sentence (ending with a full stop)")
    source_match = SOURCE_RE.match(str(raw["source"]))
    if source_match is None:
        raise FactError(
            fact_id, "source", "must be a github.com file at a 40-hex commit or an x.y.z tag"
        )
    if source_match["repo"] not in KINDS:
        raise FactError(fact_id, "source", f"must be a file of {', '.join(KINDS)}")
    excerpts = raw["excerpts"]
    if not isinstance(excerpts, list) or not all(
        isinstance(e, str) and len(normalize(e)) >= 8 for e in excerpts
    ):
        raise FactError(fact_id, "excerpts", "must be a list of verbatim strings (8+ chars)")
    checked = _date(fact_id, raw["checked"])
    plans = raw["plans"]
    if not isinstance(plans, list) or not plans or any(p not in PLANS for p in plans):
        raise FactError(fact_id, "plans", f"must list some of {', '.join(PLANS)}")
    if "all" in plans and len(plans) > 1:
        raise FactError(fact_id, "plans", "`all` stands alone")
    review = raw["review_days"]
    if not isinstance(review, int) or isinstance(review, bool) or review <= 0:
        raise FactError(fact_id, "review_days", "must be a whole number of days > 0")
    value = raw.get("value")
    if value is not None and not isinstance(value, str):
        raise FactError(fact_id, "value", "must be a string")
    return Fact(
        id=fact_id,
        statement=normalize(statement),
        source=str(raw["source"]),
        excerpts=tuple(excerpts),
        checked=checked,
        plans=tuple(plans),
        review_days=review,
        value=value,
    )


def _date(fact_id: str, value: Any) -> date:
    if isinstance(value, date):
        return value
    try:
        return date.fromisoformat(str(value))
    except ValueError:
        raise FactError(fact_id, "checked", f"{value!r} is not a YYYY-MM-DD date") from None


def load_facts(path: str | Path | None = None) -> dict[str, Fact]:
    """Every fact of the file (the package's by default), by id, validated."""
    if path is None:
        return dict(_load_default())
    return dict(_load(Path(path)))


@cache
def _load_default() -> tuple[tuple[str, Fact], ...]:
    return _load(DEFAULT_PATH)


#: Python reads UTF-8 even in the C locale (PEP 538/540): `encoding=None` or "UTF-8" read the
#: same bytes, so the lines reading the file are not mutated (`# pragma: no mutate`).


def _load(source: Path) -> tuple[tuple[str, Fact], ...]:
    text = source.read_text(encoding="utf-8")  # pragma: no mutate
    data = read_yaml(text)
    if not isinstance(data, Mapping) or not isinstance(data.get("facts"), list):
        raise FactError("(file)", "facts", f"{source} needs a top-level `facts:` list")
    facts: dict[str, Fact] = {}
    for index, raw in enumerate(data["facts"]):
        fact = parse_fact(raw, index)
        if fact.id in facts:
            raise FactError(fact.id, "id", "is used by two facts")
        facts[fact.id] = fact
    return tuple(facts.items())


def pricing_page(path: str | Path | None = None) -> str:
    """Sentry's pricing page, linked wherever a price would otherwise be typed."""
    source = Path(path or DEFAULT_PATH)
    text = source.read_text(encoding="utf-8")  # pragma: no mutate
    return str(read_yaml(text)["pricing_page"])


def get_fact(fact_id: str) -> Fact:
    """The fact with this id; KeyError naming the closest known ids otherwise."""
    facts = load_facts()
    if fact_id not in facts:
        prefix = fact_id.partition(".")[0]
        near = [known for known in facts if known.startswith(prefix)] or list(facts)
        raise KeyError(f"no fact {fact_id!r}; known: {', '.join(near)}")
    return facts[fact_id]


def stale_facts(today: date, path: str | Path | None = None) -> list[Fact]:
    """The facts whose review period has passed on `today`."""
    return [fact for fact in load_facts(path).values() if fact.is_stale(today)]
