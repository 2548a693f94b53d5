"""URL rules: credentials, codes and tokens leave a URL, its shape stays.

- userinfo (`scheme://user:password@host`, percent-encoded or not) is filtered whole;
- a query parameter keeps its value only when its name is on `settings.QUERY_ALLOWLIST`;
- a path segment is filtered when Korrigo's own URL patterns say it is a secret
  (`reset/<uidb64>/<token>/`: `settings.URL_SECRET_PARAMS`), or when it looks like a token;
- a fragment is filtered (OAuth implicit flows put tokens there).
"""

from __future__ import annotations

import functools
import re
from urllib.parse import unquote, urlsplit, urlunsplit

from korrigo_sentry import settings
from korrigo_sentry.privacy.keys import is_denied
from korrigo_sentry.privacy.rule import FILTERED, Rule

_QUERY_ALLOWED = frozenset(name.lower() for name in settings.QUERY_ALLOWLIST)
_HEX_TOKEN = re.compile(r"[0-9a-fA-F]{16,}")
_ALNUM_TOKEN = re.compile(r"[A-Za-z0-9_-]{16,}")


#: An allowlisted parameter's value as paging and sorting write it: a short word or number,
#: no `@`, no run of 7 digits (a phone or card number under a harmless name is still one).
_PLAIN_VALUE = re.compile(r"(?!.*\d{7})[\w.,:+-]{1,64}", re.ASCII)


def scrub_param(name: str, value: str) -> str:
    """`name=value`, the value filtered unless `name` is allowlisted and the value plain."""
    if not value or value == FILTERED:
        return f"{name}={value}"
    if name.lower() in _QUERY_ALLOWED and _PLAIN_VALUE.fullmatch(unquote(value)):
        return f"{name}={value}"
    return f"{name}={FILTERED}"


def scrub_query(query: str) -> str:
    """A query string with every non-allowlisted value filtered, names and order kept."""
    parts = []
    for part in query.split("&"):
        name, sep, value = part.partition("=")
        parts.append(scrub_param(name, value) if sep else (FILTERED if part else part))
    return "&".join(parts)


def scrub_segment(segment: str) -> str:
    """A path segment, filtered when it looks like a token (16+ characters, letters and digits)."""
    if _HEX_TOKEN.fullmatch(segment) or (
        _ALNUM_TOKEN.fullmatch(segment)
        and re.search(r"\d", segment)
        and re.search(r"[A-Za-z]", segment)
    ):
        return FILTERED
    return segment


@functools.lru_cache(maxsize=1024)
def _route_secrets(path: str) -> frozenset[str]:
    """The values of `path`'s secret route parameters, when Korrigo's URLconf resolves it."""
    try:
        from django.conf import settings as django_settings

        if not django_settings.configured:
            return frozenset()
        from django.urls import Resolver404, resolve

        try:
            match = resolve(path)
        except Resolver404:
            return frozenset()
    except Exception:  # no Django, or apps not ready: the generic rules still apply
        return frozenset()
    return frozenset(
        str(value)
        for name, value in match.kwargs.items()
        if name in settings.URL_SECRET_PARAMS or is_denied(name)
    )


#: A route pattern's parameter: `{token}` as sentry-sdk's Django integration names a
#: `url`-style transaction, `<token>` / `<str:token>` / `(?P<token>[^/]+)` as Django
#: writes patterns. The pattern is code: it says which view, and holds no value.
_ROUTE_PARAMETER = re.compile(r"\{\w+\}|<(?:\w+:)?\w+>|\(\?P<\w+>[^/]*\)")


def scrub_path(path: str) -> str:
    """A path with secret route parameters and token-like segments filtered."""
    secrets: frozenset[str] = frozenset()
    if path.startswith("/"):  # Django's root resolver matches `^/`: nothing resolves without
        secrets = _route_secrets(path)
    segments = path.split("/")
    out = []
    for segment in segments:
        if _ROUTE_PARAMETER.fullmatch(segment):
            out.append(segment)  # a route pattern's parameter is code, not a value
            continue
        if segment in secrets:
            out.append(FILTERED)
            continue
        if "@" in unquote(segment):  # an address in a path (`/users/eleve@lycee.fr/`)
            out.append(FILTERED)
            continue
        out.append(scrub_segment(segment))
    return "/".join(out)


#: `scheme://userinfo@`, also when the password holds a raw `/` (an invalid URL that
#: `urlsplit` would cut at the `/`, leaving the password in the path); `host:8080/` is a port.
_USERINFO = re.compile(r"^([a-zA-Z][\w+.-]*://)(?:[^\s/@:]*:(?!\d+(?:/|$))[^\s@]*|[^\s/@]*)@")


def scrub_url(url: str) -> str:
    """`url` with userinfo, query values, secret path segments and the fragment filtered."""
    userinfo = _USERINFO.match(url)
    if userinfo:
        url = userinfo.group(1) + url[userinfo.end() :]
    try:
        parts = urlsplit(url)
    except ValueError:
        return FILTERED
    netloc = parts.netloc
    if userinfo or "@" in netloc:
        netloc = f"{FILTERED}@{netloc.rpartition('@')[2]}"
    return urlunsplit(
        (
            parts.scheme,
            netloc,
            scrub_path(parts.path),
            scrub_query(parts.query),  # "" for "": one empty part, kept empty
            FILTERED if parts.fragment else "",
        )
    )


RULES: list[Rule] = [
    Rule("url_userinfo", "url", "`scheme://user:password@host` in any URL (`redis://`, "
         "`amqp://`, `postgres://`, DSNs), percent-encoded or not",
         "the password is the whole secret; the scheme and host say what failed"),
    Rule("query_allowlist", "allowlist", "query parameters: only "
         + ", ".join(f"`{n}`" for n in settings.QUERY_ALLOWLIST) + " keep their value",
         "paging and sorting help reproduce a request; codes, tokens, signatures and "
         "search terms do not, and cannot all be listed"),
    Rule("korrigo_route_secrets", "url", "path segments bound to "
         + ", ".join(f"`<{n}>`" for n in settings.URL_SECRET_PARAMS)
         + " in Korrigo's URL patterns (Django's resolver)",
         "a password-reset link is a credential; the route keeps its shape"),
    Rule("url_fragment", "url", "the `#fragment` of a URL",
         "OAuth implicit flows put access tokens there"),
]  # fmt: skip
