"""Run (or only print) the calls of `export_sentry.plan` against Sentry's API.

Written on the standard library's urllib, not an HTTP client package: it makes a handful
of sequential JSON calls, and the wheel that runs inside Korrigo should not gain a
dependency for an on-call command. The token comes from the environment only and is
never printed; tests run it against a loopback server.
"""

from __future__ import annotations

import json
import os
import re
import urllib.error
import urllib.request
from collections.abc import Callable, Iterable, Mapping
from typing import Any

from korrigo_sentry.alerts.export_sentry import Call

#: The environment variable holding a Sentry user auth token with `alerts:write`
#: (sentry-for-ai SKILL.md: "A user auth token, not an organization auth token").
TOKEN_VAR = "SENTRY_AUTH_TOKEN"
DEFAULT_URL = "https://sentry.io"
#: Header names (urllib capitalises them as it sends: `Content-type`; HTTP ignores case).
AUTHORIZATION = "Authorization"
CONTENT_TYPE = "Content-Type"
_REF = re.compile(r"\$\{(detector|workflow|project|team|integration):[A-Za-z0-9_.#-]+\}")


class ApplyError(RuntimeError):
    """One sentence: what failed and the next step (never the token)."""


def describe(call: Call, base_url: str) -> str:
    """`POST https://sentry.io/api/0/organizations/korrigo/detectors/` and its JSON body."""
    line = f"{call.method} {base_url.removesuffix('/')}{call.path}"
    if call.provides:
        line += f"    # -> {call.provides}"
    if call.body is None:
        return line
    return line + "\n" + json.dumps(call.body, indent=2, ensure_ascii=False)


def dry_run(calls: Iterable[Call], base_url: str) -> str:
    """The calls as they would be made, numbered; nothing is sent."""
    return "\n\n".join(f"[{n}] {describe(c, base_url)}" for n, c in enumerate(calls, 1))


def _fill(value: Any, known: Mapping[str, Any]) -> Any:
    """`value` with every known `${...}` replaced by its id (ints stay ints)."""
    if isinstance(value, str):
        if value in known:
            return known[value]
        return _REF.sub(lambda m: str(known.get(m.group(0), m.group(0))), value)
    if isinstance(value, list):
        return [_fill(v, known) for v in value]
    if isinstance(value, dict):
        return {k: _fill(v, known) for k, v in value.items()}
    return value


def unresolved(calls: list[Call]) -> list[str]:
    """References no call of the plan provides (team and integration ids): map them first."""
    provided = {c.provides for c in calls if c.provides}
    found: set[str] = set()
    for call in calls:
        for match in _REF.finditer(json.dumps(call.body) + call.path):
            found.add(match.group(0))
    return sorted(found - provided)


Opener = Callable[[urllib.request.Request], Any]

#: The longest quote of Sentry's answer a refusal prints.
SAID_LIMIT = 300


def sentry_says(body: bytes, *secrets: str) -> str:
    """What a refusal's body says, on one line, never holding any of `secrets`.

    Sentry's API is written with Django REST framework, whose error bodies are
    `{"detail": "..."}` for a refused request and, for invalid data, each field's messages:
    `{"name": ["This field is required."]}`, nested for nested objects, a list for errors
    of the whole object (DRF's API guide, "Exceptions" and "Serializers: Validation").
    So `detail` is quoted alone, and field messages as `path.to.field: message`; a body
    that is not JSON is quoted as text unless it is markup (a proxy's HTML error page).
    """
    text = body.decode("utf-8", "replace").strip()
    try:
        parts = list(_messages(json.loads(text), ""))
    except ValueError:
        parts = [] if text.startswith("<") else [text]
    said = " ".join(" ".join(parts).split())
    for secret in secrets:
        if secret:
            said = said.replace(secret, "<token>")
    return said if len(said) <= SAID_LIMIT else said[:SAID_LIMIT] + "..."


def _messages(node: Any, where: str) -> Iterable[str]:
    """`where: message` for each message of a DRF error body (`where` empty at the top)."""
    if isinstance(node, dict):
        if isinstance(node.get("detail"), str):
            yield f"{where}: {node['detail']}" if where else node["detail"]
            return
        for key, value in node.items():
            inner = where if key == "non_field_errors" else ".".join(filter(None, (where, key)))
            yield from _messages(value, inner)
    elif isinstance(node, list):
        for number, item in enumerate(node):
            nested = isinstance(item, dict | list)
            yield from _messages(item, f"{where}.{number}" if nested and where else where)
    elif node is not None and str(node).strip():
        yield f"{where}: {node}" if where else str(node)


def _next_step(status: int) -> str:
    """What to do after Sentry refused a call with `status`."""
    if status == 401:
        return f"Sentry did not accept the token in {TOKEN_VAR}; export a valid user auth token"
    if status == 403:
        return (
            f"the token in {TOKEN_VAR} may not do this; use a user auth token with alerts:write "
            "of a member of the organization"
        )
    if status == 404:
        return "check --org and --project (and --url for a self-hosted Sentry), then run again"
    if status >= 500:
        return "Sentry failed on its side; run again later"
    return (
        "fix what Sentry names (in the alerts file, or an id given with --team or "
        "--slack-integration) and run again"
    )


def apply(
    calls: list[Call],
    base_url: str,
    environ: Mapping[str, str] | None = None,
    opener: Opener | None = None,
) -> list[tuple[Call, int, Any]]:
    """Make the calls in order; returns (call, status, answer) for each. ApplyError on the
    first refusal, naming the call and the next step."""
    environ = os.environ if environ is None else environ
    token = environ.get(TOKEN_VAR, "").strip()
    if not token:
        # The variable's name is written out: no value of the environment is formatted in.
        raise ApplyError(
            "SENTRY_AUTH_TOKEN is not set: export a Sentry user auth token with alerts:write, "
            "or add --dry-run to print the calls without sending them"
        )
    if any("{org}" in call.path for call in calls):
        raise ApplyError(
            "no organization given: pass --org SLUG (the URL part of sentry.io/organizations/SLUG/)"
        )
    missing = unresolved(calls)
    if missing:
        raise ApplyError(
            f"no id for {', '.join(missing)}: pass --team NAME=ID and --slack-integration ID, "
            "then run again"
        )
    send = opener or urllib.request.urlopen
    known: dict[str, Any] = {}
    done: list[tuple[Call, int, Any]] = []
    for call in calls:
        path = _fill(call.path, known)
        body = _fill(call.body, known)  # None stays None
        request = urllib.request.Request(
            base_url.removesuffix("/") + path,
            method=call.method,  # pragma: no mutate (urllib infers GET/POST, the plan's two)
            data=json.dumps(body).encode() if body is not None else None,
            headers={AUTHORIZATION: f"Bearer {token}", CONTENT_TYPE: "application/json"},
        )
        try:
            with send(request) as response:
                status, answer = response.status, json.loads(response.read() or b"null")
        except urllib.error.HTTPError as exc:
            with exc:
                said = sentry_says(exc.read(), token)
            quoted = f', Sentry saying "{said}"' if said else ""
            raise ApplyError(
                f"{call.method} {path} ({call.object} {call.id!r}) answered {exc.code} "
                f"{exc.reason}{quoted}; nothing after it was sent: {_next_step(exc.code)}"
            ) from None
        except (urllib.error.URLError, OSError) as exc:
            reason = getattr(exc, "reason", exc)
            raise ApplyError(
                f"cannot reach {base_url}: {reason}; check --url and the network"
            ) from None
        if call.provides:
            value = answer[0]["id"] if call.pick == "[0].id" and answer else None
            value = answer.get("id") if call.pick == "id" and isinstance(answer, dict) else value
            if value is None:
                raise ApplyError(
                    f"{call.method} {path} gave no id for {call.provides}: "
                    "create it in Sentry first (an Error monitor comes with each project)"
                )
            known[call.provides] = int(value) if str(value).isdigit() else value
        done.append((call, status, answer))
    return done
