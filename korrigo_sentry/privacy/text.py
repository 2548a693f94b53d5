"""Value detectors: secrets and personal data recognised by their shape, in any text.

sentry-sdk only matches keys, and Sentry's server-side scrubbing runs after the data has
left Korrigo, so these detectors are written here. Each is a named rule with its reason;
checksums (Luhn for cards, mod 97 for IBANs) keep ids and timestamps readable.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

import korrigo_sentry.privacy.urls as urls
from korrigo_sentry.privacy.keys import TERMS_PATTERN
from korrigo_sentry.privacy.rule import FILTERED, Rule


def luhn_valid(digits: str) -> bool:
    """The Luhn checksum every payment card number passes."""
    doubled = (int(d) * (2 if i % 2 else 1) for i, d in enumerate(reversed(digits)))
    return sum(n - 9 if n > 9 else n for n in doubled) % 10 == 0


def iban_valid(iban: str) -> bool:
    """ISO 13616: the country and check digits moved to the end, read as a number, mod 97."""
    text = iban[4:] + iban[:4]
    try:
        return int("".join(str(int(ch, 36)) for ch in text)) % 97 == 1
    except ValueError:
        return False


def _iban_written(compact: str) -> bool:
    """An IBAN as people write it, in upper or lower case (`fr76 3000 ...`). The 8 digits
    asked after the check digits are in every country's account number; they keep words
    in lower case (`py39 with some text`) from passing mod 97 by its 1-in-97 chance."""
    return sum(ch.isdigit() for ch in compact[4:]) >= 8 and iban_valid(compact.upper())


def _card_written(compact: str) -> bool:
    """13 to 19 digits passing Luhn (the dotted layout's groups can add up to more)."""
    return 13 <= len(compact) <= 19 and luhn_valid(compact)


def _mask_if(check: Callable[[str], bool]) -> Callable[[re.Match[str]], str]:
    def replace(match: re.Match[str]) -> str:
        compact = re.sub(r"[ .-]", "", match.group(0))
        return FILTERED if check(compact) else match.group(0)

    return replace


def _high_entropy(match: re.Match[str]) -> str:
    word = match.group(0)
    if re.fullmatch(r"[0-9a-fA-F]+", word):
        return FILTERED if re.search(r"\d", word) and re.search(r"[a-fA-F]", word) else word
    upper = sum(ch.isupper() for ch in word)
    lower = sum(ch.islower() for ch in word)
    digits = sum(ch.isdigit() for ch in word)
    return FILTERED if upper >= 2 and lower >= 2 and digits >= 3 else word


@dataclass(frozen=True)
class Detector:
    """A value detector: `pattern` found in text is replaced by `replace`.

    `starts`, when set, is `pattern` prefixed by an assertion that holds only where a match
    can begin other than where the previous one ended; `sub` then finds the same matches
    as `pattern.sub` without trying every position (see `_sub_at_starts`).
    """

    rule: Rule
    pattern: re.Pattern[str]
    replace: str | Callable[[re.Match[str]], str]
    starts: re.Pattern[str] | None = None

    def sub(self, text: str) -> str:
        """`text` with every match of `pattern` replaced: exactly `pattern.sub(replace, text)`."""
        if self.starts is None:
            return self.pattern.sub(self.replace, text)
        return _sub_at_starts(self.pattern, self.starts, self.replace, text)


def _sub_at_starts(
    pattern: re.Pattern[str],
    starts: re.Pattern[str],
    replace: str | Callable[[re.Match[str]], str],
    text: str,
) -> str:
    """`pattern.sub(replace, text)`, for a `pattern` that never matches the empty string,
    trying `pattern` only where the scan stands and where `starts` says a match may begin.

    Written by hand: `re` offers no `\\G` (the `regex` package's "where the last match
    ended") and google-re2 has no lookbehind; either would be a new compiled dependency
    inside Korrigo for one detector, where this loop is the whole of the difference.
    """
    pieces: list[str] = []
    done = 0
    while True:
        # The leftmost match is at `done` (it may start inside a run, right after the
        # previous match), or else at the first place `starts` allows.
        match = pattern.match(text, done) or starts.search(text, done)
        if match is None:
            break
        pieces.append(text[done : match.start()])
        pieces.append(replace(match) if callable(replace) else match.expand(replace))
        done = match.end()
    pieces.append(text[done:])
    return "".join(pieces)


def _d(name: str, matches: str, reason: str, pattern: str,
       replace: str | Callable[[re.Match[str]], str] = FILTERED,
       starts: str | None = None) -> Detector:  # fmt: skip
    compiled = re.compile(pattern)
    at = re.compile(starts + pattern, compiled.flags) if starts is not None else None
    return Detector(Rule(name, "value", matches, reason), compiled, replace, at)


_CREDENTIAL = r"[\w.~+/=-]"
#: Files people upload: documents, scans and spreadsheets (not code: `views.py` stays).
_DOCUMENT_EXTENSIONS = r"pdf|jpe?g|png|gif|tiff?|heic|webp|csv|xlsx?|ods|docx?|odt"

#: In order: block and URL shapes first, so the narrower ones see what is left.
DETECTORS: list[Detector] = [
    _d(
        "pem_private_key",
        "a PEM `PRIVATE KEY` block, even cut short by the SDK's length limit",
        "a private key opens whatever it signs",
        r"-----BEGIN[A-Z ]*PRIVATE KEY-----(?:[\s\S]*?"
        r"-----END[A-Z ]*PRIVATE KEY-----|[\s\S]*)",
    ),
    _d(
        "urls",
        "every URL in text, through the URL rules below (userinfo, query, path)",
        "a URL carries credentials, codes and tokens in its userinfo, query and path",
        r"\b[a-zA-Z][a-zA-Z0-9+.-]{1,15}://[^\s'\"<>\\]+",
        lambda m: urls.scrub_url(m.group(0)),
    ),
    _d(
        "authorization_header",
        "`Authorization: <scheme> <credentials>` quoted in text",
        "whatever the scheme, the credentials open an account",
        r"(?i)\b((?:proxy-)?authorization['\"]?\s*[:=]\s*['\"]?\w+)\s+[^\s'\",;\\]+",
        rf"\1 {FILTERED}",
    ),
    _d(
        "bearer_credentials",
        "`Bearer <token>` (any length), `Basic`/`Digest`/`Token` followed "
        "by a credential-looking word",
        "short tokens are still tokens",
        rf"(?i)\b(bearer)\s+(?!\[Filtered\]){_CREDENTIAL}{{4,}}"
        rf"|\b(basic|digest|token)\s+(?=[\w.~+/=-]*[\d.~+/=_-])(?!\[Filtered\]){_CREDENTIAL}{{8,}}",
        lambda m: f"{m.group(1) or m.group(2)} {FILTERED}",
    ),
    _d(
        "jwt",
        "JSON Web Tokens (`eyJ...`.`...`.`...`)",
        "a JWT is a bearer credential",
        r"\beyJ[A-Za-z0-9_-]{5,}\.[A-Za-z0-9_-]{5,}\.[A-Za-z0-9_-]*",
    ),
    _d(
        "provider_tokens",
        "AWS key ids (`AKIA`/`ASIA`), GitHub (`ghp_`...), Slack (`xox?-`), "
        "Stripe (`sk_live_`, `rk_`), Google (`AIza`) token shapes",
        "providers give their tokens a prefix precisely so that they can be found",
        r"\b(?:(?:AKIA|ASIA)[A-Z0-9]{16}|gh[pousr]_[A-Za-z0-9]{30,}|xox[abposr]-[A-Za-z0-9-]{10,}"
        r"|[sr]k_(?:live|test)_[A-Za-z0-9]{16,}|AIza[0-9A-Za-z_-]{35})",
    ),
    _d(
        "key_value_in_text",
        "`term=value`, `term: value`, `'term': 'value'` for every denylisted key term",
        "the SDK flattens deep values to reprs; messages quote settings",
        rf"(?i)(\b[\w.-]*(?:{TERMS_PATTERN})[\w.-]*['\"]?\s*[:=]\s*)"
        # not a placeholder: `%s`, `%(name)s` (Python DB-API), `?`, `$1`, `:name` (SQL)
        r"(?!\[Filtered\]|%(?:\([\w.]+\))?[sdifr]|\?(?![^\s,;)])|\$\d+(?!\w)|:\w+(?![^\s,;)])"
        r"|(?:bearer|basic|digest|token)\s+\[Filtered\])"
        r"(?:'[^']*'|\"[^\"]*\"|[^\s,;&)}\]]+)",
        rf"\1{FILTERED}",
    ),
    _d(
        "command_line_flag",
        "`--term value` on a command line, for every denylisted key term",
        "subprocess spans and `sys.argv` show whole command lines",
        rf"(?i)(--[\w-]*(?:{TERMS_PATTERN})[\w-]*\s+)(?!\[Filtered\]|-)\S+",
        rf"\1{FILTERED}",
    ),
    _d(
        "email",
        "e-mail addresses, `@` or `%40`",
        "an address names a student or a teacher",
        r"(?:[\w.+-]|%2[bB])+(?:@|%40)[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)+",  # %2B: an encoded +
        # Tried at every position, the pattern scans the rest of a run of local-part
        # characters from each: quadratic (8 KB of them before no `@`: a CPU second, and
        # sentry-sdk cuts no string short). A match inside a run would have matched one
        # character earlier, so the leftmost one begins where the previous match ended
        # (`_sub_at_starts`) or at the start of a run: not after a local-part character,
        # nor at the `2b` of a `%2b` (correct without, but a run of `%2B` is quadratic
        # again: make bench). The pattern itself is unchanged: Sentry's server-side rule
        # is Relay's own `type: email` (data/scrubbing_rules.yaml), not this text.
        starts=r"(?<![\w.+-])(?!(?<=%)2[bB])",
    ),
    _d(
        "iban",
        "IBANs whose check digits pass mod 97, in upper or lower case",
        "a bank account is personal data",
        r"(?i)\b[A-Z]{2}\d{2}(?: ?[A-Z0-9]{4}){2,7}(?: ?[A-Z0-9]{1,4})?\b",
        _mask_if(_iban_written),
    ),
    _d(
        "payment_card",
        "13 to 19 digits passing the Luhn checksum, spaces or dashes allowed, or groups "
        "of digits between dots (`4111.1111.1111.1111`)",
        "the checksum leaves ids, counts and timestamps alone",
        # A full stop may end the sentence after the number; a dot then a digit may not.
        r"(?<![\w.])(?:\d(?:[ -]?\d){12,18}|\d{4}(?:\.\d{3,6}){2,4})(?!\w|\.\d)",
        _mask_if(_card_written),
    ),
    _d(
        "phone_number",
        "international (`+33 6 ...`, E.164) and French (`06 12 34 56 78`) phone numbers",
        "a phone number reaches a pupil's family",
        r"(?<![\w+])\+[1-9]\d{0,2}(?:[ .-]?\(?\d\)?){6,13}(?!\w)|(?<![\w.])0[1-9](?:[ .-]?\d{2}){4}"
        r"(?![\w.])",
    ),
    _d(
        "ip_address",
        "IPv4 addresses",
        "an address locates a person (Sentry's default too)",
        r"(?<![\w.])(?:\d{1,3}\.){3}\d{1,3}(?![\w.])",
    ),
    _d(
        "query_parameter",
        "`?name=value` / `&name=value` outside a full URL: values of names "
        "not on the query allowlist",
        "codes, tokens and search terms travel as parameters",
        r"(?<=[?&])([\w.-]+)=([^&\s#'\"]*)",
        lambda m: urls.scrub_param(m.group(1), m.group(2)),
    ),
    _d(
        "token_path_segment",
        "URL path segments of 16+ letters and digits (reset tokens, signed ids)",
        "a token in a path is as secret as one in a query",
        r"(?<=/)[A-Za-z0-9_-]{16,}(?=[/?#\s'\"]|$)",
        lambda m: urls.scrub_segment(m.group(0)),
    ),
    _d(
        "username_in_text",
        "`user <name>` in text where the name looks like a login (it has `_`, `.`, `@`, `-` "
        "or a digit): `for user teacher_test` becomes `for user [Filtered]`",
        "Korrigo's own log lines format the username after the word user (make korrigo-check "
        "at Korrigo 45872b4: the last 2 usernames that leaked); a plain word after it "
        "(`user agent`, `user account`) is no login and stays",
        r"(?i)\b(user[ :=]+)(?!\[Filtered\])(?=[\w.@+-]*[_.@\d-])[\w.@+-]*\w",
        rf"\1{FILTERED}",
    ),
    _d(
        "document_file_name",
        "the name of a document or image file (`.pdf`, `.jpg`, `.png`, `.csv`, `.docx`...) in "
        "text: `martin_jean.pdf` becomes `[Filtered].pdf`",
        "Korrigo's uploads keep the name a teacher gave them, usually the student's, and its "
        "log lines quote it (make korrigo-check at Korrigo 45872b4: 4 of 4 upload names leaked "
        "through them); the extension stays, for debugging",
        rf"(?i)(?<![\w.-])\w[\w.-]*?\.({_DOCUMENT_EXTENSIONS})\b",
        lambda m: f"{FILTERED}.{m.group(1)}",
    ),
    _d(
        "high_entropy_token",
        "16+ hexadecimal characters, or 24+ letters and digits mixing case (random tokens, keys)",
        "a secret without a known shape still looks random",
        r"(?<![\w/.-])[A-Za-z0-9+_=-]{16,}(?![\w/-])",
        _high_entropy,
    ),
]

_DIGIT_RUN = re.compile(r"\d[\d .()+-]{5,}\d")
_TERMS = re.compile(TERMS_PATTERN)
_PROVIDER_HINT = re.compile(r"akia|asia|gh[pousr]_|xox|[sr]k_|aiza")
_DOCUMENT_HINT = re.compile(rf"\.(?:{_DOCUMENT_EXTENSIONS})\b")


def _digits(low: str) -> bool:
    return _DIGIT_RUN.search(low) is not None


#: Per detector, a cheap test on the lower-cased text: a detector whose hint fails cannot
#: match, and is skipped (most strings of an event pass none, and cost a few `in` tests).
_HINTS: dict[str, Callable[[str], bool]] = {
    "pem_private_key": lambda t: "-----begin" in t,
    "urls": lambda t: "://" in t,
    "authorization_header": lambda t: "authorization" in t,
    "bearer_credentials": lambda t: "bearer" in t or "basic" in t or "digest" in t or "token" in t,
    "jwt": lambda t: "eyj" in t,
    "provider_tokens": lambda t: _PROVIDER_HINT.search(t) is not None,
    "key_value_in_text": lambda t: ("=" in t or ":" in t) and _TERMS.search(t) is not None,
    "command_line_flag": lambda t: "--" in t and _TERMS.search(t) is not None,
    "email": lambda t: "@" in t or "%40" in t,
    "iban": _digits,
    "payment_card": _digits,
    "phone_number": _digits,
    "ip_address": _digits,
    "query_parameter": lambda t: "=" in t and ("?" in t or "&" in t),
    "token_path_segment": lambda t: "/" in t,
    "username_in_text": lambda t: "user" in t,
    "document_file_name": lambda t: _DOCUMENT_HINT.search(t) is not None,
    "high_entropy_token": lambda t: len(t) >= 16,
}
_CHECKED = [(d, _HINTS[d.rule.name]) for d in DETECTORS]

#: Strings already found clean (source lines, messages and span data repeat from event to
#: event); only clean ones are kept, so no secret stays here. Bounded, then started afresh.
_CLEAN: set[str] = set()
_CLEAN_MAX = 8192
_CLEAN_LONGEST = 512


def scrub_text(text: str) -> str:
    """`text` with every secret-looking part replaced by `[Filtered]`."""
    if len(text) < 6:  # nothing a detector finds fits in 5 characters
        return text
    if text in _CLEAN:
        return text
    low = text.lower()
    out = text
    digits: bool | None = None
    for detector, hint in _CHECKED:
        if hint is _digits:
            if digits is None:
                digits = _digits(low)
            if not digits:
                continue
        elif not hint(low):
            continue
        out = detector.sub(out)
    # The memo holds only strings every detector left unchanged: its bounds, and what it
    # keeps, change memory and speed only (make bench), never the text returned. (The pragmas
    # also hide `len(None)`, which would raise.)
    if out == text and (
        len(text) <= _CLEAN_LONGEST  # pragma: no mutate (the memo's bound: speed only)
    ):
        if len(_CLEAN) >= _CLEAN_MAX:  # pragma: no mutate (the memo's bound: memory only)
            _CLEAN.clear()
        _CLEAN.add(text)  # pragma: no mutate (None kept instead: every string scrubbed again)
    return out


RULES: list[Rule] = [d.rule for d in DETECTORS]
