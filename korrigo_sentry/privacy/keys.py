"""Key rules: a mapping key naming a secret or a person filters its value, at any depth."""

from __future__ import annotations

import functools
import re

from sentry_sdk.scrubber import DEFAULT_DENYLIST, DEFAULT_PII_DENYLIST

from korrigo_sentry import settings
from korrigo_sentry.privacy.rule import Rule

#: Every key term, lower case with `_` for `-`: sentry-sdk's two lists and Korrigo's.
DENYLIST: list[str] = sorted(
    {
        term.lower().replace("-", "_")
        for term in (*DEFAULT_DENYLIST, *DEFAULT_PII_DENYLIST, *settings.EXTRA_DENYLIST)
    }
)

_SEPARATORS = re.compile(r"[-_. ]")


def _squeeze(text: str) -> str:
    """Lower case without separators: `E-Mail`, `e_mail` and `email` read the same."""
    return _SEPARATORS.sub("", text.lower())


_DENIED = re.compile("|".join(sorted({re.escape(_squeeze(t)) for t in DENYLIST})))
_EXACT = frozenset(_squeeze(t) for t in settings.EXACT_KEY_DENYLIST)


@functools.lru_cache(maxsize=4096)  # events repeat the same keys; keys are not secrets
def is_denied(key: str) -> bool:
    """True when `key` contains a `DENYLIST` term or is an `EXACT_KEY_DENYLIST` one, case
    and separators (`-_. `) ignored."""
    squeezed = _squeeze(key)
    return squeezed in _EXACT or _DENIED.search(squeezed) is not None


#: The same terms as a regular expression fragment, for keys written inside text
#: (`password=...`, `'student_name': '...'` in a repr, `--password x` on a command line).
TERMS_PATTERN = "|".join(re.escape(t).replace("_", "[_-]?") for t in DENYLIST)

RULES: list[Rule] = [
    Rule(
        "secret_or_personal_key",
        "key",
        f"a key containing one of the {len(DENYLIST)} denylisted terms, at any depth "
        "(request, extra, contexts, tags, breadcrumb and span data, frame variables)",
        "the key says what the value is: no need to guess its shape",
    ),
    Rule(
        "key_in_text",
        "key",
        "`term=value`, `term: value`, `'term': 'value'` and `--term value` in any text "
        "(messages, reprs of objects nested past the SDK's depth limit, command lines)",
        "the SDK flattens values deeper than its depth limit to a repr string, where a "
        "key rule alone no longer sees the key",
    ),
]
