"""Place rules: what Korrigo keeps, masks or drops in spans and breadcrumbs, by what they are.

A span's `op` (or a breadcrumb's `category`) says what its description holds, so the rule
can keep what helps debugging: the SQL statement without its literals, a cache or Redis
key reduced to its prefix, an HTTP call's method and route.
"""

from __future__ import annotations

import re
from collections.abc import Callable

from korrigo_sentry.privacy.rule import FILTERED, Rule

_SQL_STRING = re.compile(r"'(?:[^']|'')*'")
_SQL_NUMBER = re.compile(r"(?<![\w.%$])-?\d+(?:\.\d+)?(?![\w.])")
_QUOTED = re.compile(r"'([^'\\]*)'|\"([^\"\\]*)\"")
_ID = re.compile(r"\d{1,9}")


def parametrize_sql(sql: str) -> str:
    """SQL with its string and number literals replaced by `%s`, as the ORM writes it."""
    return _SQL_NUMBER.sub("%s", _SQL_STRING.sub("%s", sql))


def reduce_key(key: str) -> str:
    """A cache or Redis key reduced to its prefix and numeric ids: `student:<e-mail>` ->
    `student:[Filtered]`, `exam:7:copies` -> `exam:7:[Filtered]`."""
    head, sep, rest = key.partition(":")
    if not sep:
        return key if _ID.fullmatch(key) or len(key) <= 3 else FILTERED
    kept = [part if _ID.fullmatch(part) else FILTERED for part in rest.split(":")]
    return ":".join([head, *kept])


def reduce_quoted_keys(text: str) -> str:
    """Every quoted key of a Redis command line (`GET 'student:x'`) reduced to its prefix."""
    return _QUOTED.sub(lambda m: repr(reduce_key(m.group(1) or m.group(2) or "")), text)


def reduce_key_list(text: str) -> str:
    """A cache span's description: one key or several, comma-separated."""
    return ", ".join(reduce_key(part) for part in text.split(", "))


#: (span op or breadcrumb category prefix, description rule)
DESCRIPTION_RULES: tuple[tuple[str, Callable[[str], str]], ...] = (
    ("db.redis", reduce_quoted_keys),
    ("redis", reduce_quoted_keys),
    ("cache.", reduce_key_list),
    ("db", parametrize_sql),
    ("query", parametrize_sql),
)


def description_rule(op: str) -> Callable[[str], str] | None:
    """The rule for a span's description (by `op`) or a breadcrumb's message (by category)."""
    for prefix, rule in DESCRIPTION_RULES:
        if op.startswith(prefix):
            return rule
    return None


RULES: list[Rule] = [
    Rule("sql_literals", "place", "string and number literals in SQL span descriptions and "
         "query breadcrumbs, replaced by `%s`",
         "the statement shows which query ran; its literals may be a student's name"),
    Rule("cache_key_prefix", "place", "Redis keys and Django cache keys reduced to their "
         "prefix and numeric ids (`student:[Filtered]`, `exam:7:[Filtered]`)",
         "the prefix says which cache; the rest is often an e-mail or a token"),
    Rule("celery_task_arguments", "place", "`extra['celery-job']` args and kwargs",
         "task arguments can hold anything: a student's name, a copy's text"),
    Rule("user_id_only", "place", "`user`: everything but `id`",
         "the id finds the account in Korrigo's admin without naming anyone"),
    Rule("request_headers_allowlist", "allowlist", "request headers: only the values of the "
         "headers on `settings.HEADER_ALLOWLIST` are sent",
         "cookies, `Referer`, signatures and `Authorization` have no debugging value worth "
         "their risk"),
    Rule("envelope_trace_header", "place", "the envelope header's trace context: only "
         "trace id, public key, release, environment, sampling fields and the transaction "
         "name (scrubbed) are kept", "incoming `baggage` can carry any third-party entry"),
    Rule("attachments", "place", "text attachments scrubbed line by line; binary ones dropped",
         "a file Korrigo attaches is data like any other, and binary cannot be checked"),
    Rule("source_context", "place", "source lines of Korrigo's frames, scrubbed line by line",
         "a hard-coded key next to the failing line would otherwise travel with it"),
]  # fmt: skip
