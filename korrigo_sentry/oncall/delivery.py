"""Post one envelope to Sentry and say what happened: one outcome, one sentence, one exit code.

Why not sentry-sdk's own HTTP transport: it sends from a background worker that turns every
failure into a line of its debug log (urllib3's `MaxRetryError`, whose text holds the URL),
and after a 429 its rate limiter drops the next envelope without any request, which reads as
"no answer". `send-test` must name the cause of each failure, so it takes the envelopes the
SDK built (same bytes, same `X-Sentry-Auth` header) and posts them with the standard
library, choosing the CA bundle and the proxy the way sentry-sdk's transport does
(`HttpTransportCore._get_pool_options` and `_resolve_proxy`).
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:  # the network modules load when a command sends, not for `--help`
    import urllib.request
    from email.message import Message

#: The runbook section each outcome sends the reader to (a link as written on a runbook page).
NETWORK = "sentry-not-capturing-errors.md#network-tls-or-proxy"
REFUSED = "sentry-not-capturing-errors.md#sentry-answered-with-an-error"
QUOTA = "quota-exhausted.md#diagnosis"
RATE_LIMIT_HEADER = "X-Sentry-Rate-Limits"
#: Header names as Sentry's documentation writes them. HTTP header names are case-insensitive
#: (urllib sends `Content-type` and `X-sentry-auth`; `Message.get` ignores case).
CONTENT_TYPE, AUTH, RETRY_AFTER = "Content-Type", "X-Sentry-Auth", "Retry-After"
#: The longest host name a sentence shows.
HOST_SHOWN = 80


@dataclass(frozen=True)
class Kind:
    """One class of outcome: its exit code, its sentence (a template) and the next step."""

    name: str
    exit_code: int
    summary: str  # for --help and the "From a terminal" page
    sentence: str  # str.format fields: host, port, status, detail, timeout, proxy
    next_step: str = ""  # a runbook link, '' when there is nothing to do


KINDS: tuple[Kind, ...] = (
    Kind("accepted", 0, "Sentry accepted the event", "Sentry accepted the event (HTTP {status})."),
    Kind(
        "dns",
        3,
        "the host name of the DSN does not resolve",
        "The name {host} does not resolve from this machine (DNS): check the DSN's host "
        "and the container's DNS.",
        NETWORK,
    ),
    Kind(
        "refused",
        4,
        "the connection was refused",
        "The connection to {host}:{port} was refused: nothing listens there, or a "
        "firewall rejects it.",
        NETWORK,
    ),
    Kind(
        "tls_certificate",
        5,
        "TLS: the certificate is not trusted",
        "The TLS certificate {host} presented is not trusted ({detail}): an intercepting "
        "proxy, or a CA bundle missing from this image.",
        NETWORK,
    ),
    Kind(
        "tls_hostname",
        6,
        "TLS: the certificate is for another host name",
        "The TLS certificate presented is not valid for {host} ({detail}): the DSN's host "
        "or a proxy in between is wrong.",
        NETWORK,
    ),
    Kind(
        "timeout",
        7,
        "no answer before the timeout",
        "{host}:{port} did not answer within {timeout:g} s: a firewall dropping the "
        "packets, or a network that is down.",
        NETWORK,
    ),
    Kind(
        "proxy",
        8,
        "the proxy refused or failed",
        "The proxy {proxy} did not let the request through to Sentry ({detail}).",
        NETWORK,
    ),
    Kind(
        "network",
        9,
        "another network error",
        "The request to {host}:{port} failed ({detail}).",
        NETWORK,
    ),
    # What Sentry's ingest (Relay) means by 400, 401 and 403: facts relay.auth_status and
    # relay.rejected_403 (data/facts.yaml), which cite Relay's source.
    Kind(
        "unauthorized",
        10,
        "HTTP 401: authentication missing or unreadable",
        "Sentry could not read the request's authentication (HTTP 401{detail}): the DSN "
        "Korrigo holds is not the one Sentry shows (cut or mistyped).",
        REFUSED,
    ),
    Kind(
        "forbidden",
        11,
        "HTTP 403: key or project refused",
        "Sentry refused the event (HTTP 403{detail}): the key is unknown, deleted or "
        "disabled, or the project does not accept events.",
        REFUSED,
    ),
    Kind(
        "too_large",
        12,
        "HTTP 413: the event is too large",
        "Sentry refused the event as too large (HTTP 413).",
        REFUSED,
    ),
    Kind(
        "rate_limited",
        13,
        "HTTP 429: rate limited or over quota",
        "Sentry is not taking events from this project now (HTTP 429): {detail}.",
        QUOTA,
    ),
    Kind(
        "server_error",
        14,
        "HTTP 5xx: Sentry's side failed",
        "Sentry failed to take the event (HTTP {status}): retry in a few minutes; if it "
        "lasts, check Sentry's status page.",
        REFUSED,
    ),
    Kind(
        "rejected",
        15,
        "any other HTTP answer",
        "Sentry answered HTTP {status}{detail}: the event was not accepted.",
        REFUSED,
    ),
    Kind(
        "bad_request",
        16,
        "HTTP 400: the DSN's key or the request is malformed",
        "Sentry refused the request as malformed (HTTP 400{detail}): most often a DSN "
        "whose key is not a key (cut or mistyped).",
        REFUSED,
    ),
)
BY_NAME: dict[str, Kind] = {kind.name: kind for kind in KINDS}


@dataclass(frozen=True)
class RateLimit:
    """One entry of `X-Sentry-Rate-Limits`: `retry_after:categories:scope:reason_code`."""

    retry_after: int
    categories: tuple[str, ...]  # empty: every category
    scope: str = ""
    reason: str = ""

    def describe(self) -> str:
        what = ", ".join(self.categories) or "all categories"
        scope = f" ({self.scope} scope)" if self.scope else ""
        reason = f", reason {self.reason}" if self.reason else ""
        return f"{what} limited{scope} for {self.retry_after} s{reason}"


def parse_rate_limits(header: str | None) -> list[RateLimit]:
    """Parse Sentry's `X-Sentry-Rate-Limits` header.

    Its format, as sentry-python's `transport._parse_rate_limits` and Sentry's SDK
    developer documentation (rate limiting) read it: comma-separated entries
    `retry_after:categories:scope:reason_code[:namespaces]`, categories `;`-separated
    (empty: all). Entries that do not parse are skipped, as the SDK skips them.
    """
    if not header:
        return []
    limits = []
    for entry in header.split(","):
        parts = entry.strip().split(":")
        if len(parts) < 2:
            continue
        try:
            seconds = int(parts[0])
        except ValueError:
            continue
        categories = tuple(c for c in parts[1].split(";") if c)
        scope = parts[2] if len(parts) > 2 else ""
        reason = parts[3] if len(parts) > 3 else ""
        limits.append(RateLimit(seconds, categories, scope, reason))
    return limits


@dataclass(frozen=True)
class Outcome:
    """What happened to one envelope."""

    kind: Kind
    sentence: str
    status: int | None = None
    retry_after: int | None = None
    rate_limits: tuple[RateLimit, ...] = field(default_factory=tuple)

    @property
    def accepted(self) -> bool:
        return self.kind.name == "accepted"

    def as_dict(self) -> dict[str, Any]:
        return {
            "outcome": self.kind.name,
            "exit_code": self.kind.exit_code,
            "sentence": self.sentence,
            "http_status": self.status,
            "retry_after": self.retry_after,
            "rate_limits": [
                {
                    "retry_after": limit.retry_after,
                    "categories": list(limit.categories),
                    "scope": limit.scope,
                    "reason": limit.reason,
                }
                for limit in self.rate_limits
            ],
        }


@dataclass(frozen=True)
class Target:
    """Where an envelope goes: the DSN's endpoint, its auth header, CA bundle and proxy."""

    url: str
    auth_header: str
    host: str
    port: int
    scheme: str
    proxy: str | None
    ca_file: str


def target(dsn: str, client: str) -> Target:
    """The envelope endpoint of `dsn`, with the CA bundle and proxy sentry-sdk would use."""
    import certifi
    from sentry_sdk.transport import EndpointType
    from sentry_sdk.utils import Dsn

    parsed = Dsn(dsn)
    auth = parsed.to_auth(client)
    return Target(
        url=auth.get_api_url(EndpointType.ENVELOPE),
        auth_header=auth.to_header(),
        host=parsed.host,
        port=int(parsed.port),
        scheme=parsed.scheme,
        proxy=_proxy(parsed.scheme, parsed.host, parsed.netloc),
        ca_file=os.environ.get("SSL_CERT_FILE")
        or os.environ.get("REQUESTS_CA_BUNDLE")
        or certifi.where(),
    )


def _proxy(scheme: str, host: str, netloc: str) -> str | None:
    """sentry-sdk's `_resolve_proxy` without options: https_proxy, then http_proxy, no_proxy."""
    import urllib.request

    proxies = urllib.request.getproxies()
    listed = proxies.get("no")
    no_proxy = [h.strip() for h in listed.split(",") if h.strip()] if listed else []
    if any(host.endswith(h) or netloc.endswith(h) for h in no_proxy):
        return None
    if scheme == "https" and proxies.get("https"):
        return proxies["https"]
    return proxies.get("http") or None


def _opener(where: Target) -> urllib.request.OpenerDirector:
    import ssl
    import urllib.request

    from korrigo_sentry.oncall.tls import LazyHTTPSHandler

    def trusted() -> ssl.SSLContext:
        context = ssl.create_default_context()
        context.load_verify_locations(where.ca_file)
        return context

    tls = LazyHTTPSHandler(trusted)
    if where.scheme == "https":
        tls.context()  # before the request, as before: a CA file that cannot be read is not
        # reported as a network failure
    proxies = {where.scheme: where.proxy} if where.proxy else {}
    return urllib.request.build_opener(urllib.request.ProxyHandler(proxies), tls)


def key_probe() -> bytes:
    """An envelope Relay authenticates but that stores nothing: one empty client report.

    Why this one (getsentry/relay, read 2026-12-06):
    - `relay-server/src/extractors/request_meta.rs`, `BadEventMeta::into_response`: a
      missing or unparsable `X-Sentry-Auth` is 401 (`MissingAuth`, `BadAuth`), a key that is
      not a project key is 400 (`BadPublicKey`: "bad sentry DSN public key";
      `ProjectKey::parse` wants 32 ASCII characters);
    - `relay-server/src/endpoints/common.rs`, `handle_envelope`: an envelope with no item is
      answered 200 *before* any project check ("skip checks and queueing"), so an empty
      envelope proves nothing; one item sends it through `CheckEnvelope`, whose
      `DiscardReason::ProjectId` (unknown or disabled project or key, or a project id that is
      not the key's) is answered 403 (`BadStoreRequest::EventRejected`);
    - `relay-server/src/processing/client_reports/mod.rs`: a client report is only turned
      into outcomes (`Output::empty()`), and one with no discarded events into none at all;
      its `quantities()` are empty, so it counts against no quota.
    Limit: while Relay has not yet loaded a project's configuration (`ProjectState::Pending`)
    it accepts and checks later, so a wrong key can be answered 200 once; the next probe
    gets its 403.

    Bugsink, the drills' ingest (bugsink/bugsink `ingest/views.py`, read 2026-12-06): the
    project is looked up by key before any item is read (`get_project`: "Project not found
    or key incorrect", a 403 that quotes the DSN with its key, which `echo.redact` removes),
    then a non-event item is skipped ("skipping non-event item") and 200 is answered.
    """
    import datetime as dt
    import time

    from sentry_sdk.envelope import Envelope, Item, PayloadRef
    from sentry_sdk.utils import format_timestamp

    now = time.time()
    sent_at = dt.datetime.now(
        dt.UTC,  # pragma: no mutate (format_timestamp turns a naive local time into UTC alike)
    )
    envelope = Envelope(headers={"sent_at": format_timestamp(sent_at)})
    report = {"timestamp": now, "discarded_events": []}
    envelope.add_item(Item(payload=PayloadRef(json=report), type="client_report"))
    return envelope.serialize()


def check_key(where: Target, *, timeout: float) -> Outcome:
    """Ask the ingest whether it takes the DSN's key for its project, storing nothing (see
    `key_probe`): the answer tells a wrong key or project (400, 401, 403) from an ingest
    that cannot be reached (DNS, refused, TLS, timeout, proxy)."""
    outcome = deliver(key_probe(), where, timeout=timeout)
    if outcome.status == 400:  # Relay: the key is not a project key (a byte lost or added)
        return Outcome(
            BY_NAME["bad_request"],
            "Sentry refused the DSN as malformed (HTTP 400): its key is not a project key "
            "(a character lost or changed in a copy); copy the DSN again from the project's "
            "Client Keys (DSN) settings.",
            400,
        )
    return outcome


def deliver(body: bytes, where: Target, *, timeout: float) -> Outcome:
    """POST one serialized envelope to `where` and classify the result. Never raises."""
    import urllib.error
    import urllib.request

    opener = _opener(where)
    request = urllib.request.Request(  # a POST: urllib posts when there is `data`
        where.url,
        data=body,
        headers={CONTENT_TYPE: "application/x-sentry-envelope", AUTH: where.auth_header},
    )
    try:
        with opener.open(request, timeout=timeout) as response:
            return classify_response(
                response.status,
                response.headers,  # pragma: no mutate (2xx: headers unread, only a 429's are)
                where,  # pragma: no mutate (unread: no sentence of an HTTP answer names the host)
            )
    except urllib.error.HTTPError as error:
        with error:
            return classify_response(
                error.code,
                error.headers,
                where,  # pragma: no mutate (unread: no sentence of an HTTP answer names the host)
                _body(error),
            )
    except (urllib.error.URLError, OSError, ValueError) as error:
        return classify_error(error, where, timeout)


def _body(error: Any, limit: int = 160) -> str:
    try:
        text = error.read(4096).decode(errors="replace")  # UTF-8, bytes.decode's own
    except OSError:
        return ""
    text = " ".join(text.split())
    return text if len(text) <= limit else text[:limit] + "..."


def classify_response(status: int, headers: Message, where: Target, body: str = "") -> Outcome:
    """The outcome of an HTTP answer, from its status and Sentry's headers."""
    fields: dict[str, Any] = {"status": status}  # no sentence of an HTTP answer names the host
    if 200 <= status < 300:
        return _outcome("accepted", fields, status)
    if status == 400:
        return _outcome("bad_request", {**fields, "detail": f": {body}" if body else ""}, status)
    if status == 401:
        return _outcome("unauthorized", {**fields, "detail": f": {body}" if body else ""}, status)
    if status == 403:
        return _outcome("forbidden", {**fields, "detail": f": {body}" if body else ""}, status)
    if status == 413:
        return _outcome("too_large", fields, status)
    if status == 429:
        limits = tuple(parse_rate_limits(headers.get(RATE_LIMIT_HEADER)))
        retry_after = _retry_after(headers.get(RETRY_AFTER))
        parts = [limit.describe() for limit in limits]
        if retry_after is not None:
            parts.append(f"Retry-After {retry_after} s")
        detail = "; ".join(parts) or "no rate-limit header, so the SDK waits 60 s"
        return Outcome(
            BY_NAME["rate_limited"],
            BY_NAME["rate_limited"].sentence.format(**{**fields, "detail": detail}),
            status,
            retry_after,
            limits,
        )
    if status >= 500:
        return _outcome("server_error", fields, status)
    return _outcome("rejected", {**fields, "detail": f": {body}" if body else ""}, status)


def _retry_after(value: str | None) -> int | None:
    """`Retry-After` in seconds (Sentry sends a number; an HTTP date is not expected).
    `inf`, `1e999`, `nan` and a negative number are no wait: None (`int()` of an infinite
    float raised OverflowError, which stopped send-test)."""
    import math

    try:
        seconds = float(value) if value else math.nan
    except ValueError:
        return None
    return int(seconds) if math.isfinite(seconds) and seconds >= 0 else None


def classify_error(error: BaseException, where: Target, timeout: float) -> Outcome:
    """The outcome of a request that got no HTTP answer."""
    import socket
    import ssl
    import urllib.error

    reason = error.reason if isinstance(error, urllib.error.URLError) else error
    fields: dict[str, Any] = {"host": where.host, "port": where.port, "timeout": timeout}
    text = str(reason)
    if where.proxy and (text.startswith("Tunnel connection failed") or _to_proxy(reason)):
        return _outcome("proxy", {**fields, "proxy": where.proxy, "detail": _short(reason)})
    if isinstance(reason, socket.gaierror):
        return _outcome("dns", fields)
    if isinstance(reason, ConnectionRefusedError):
        return _outcome("refused", fields)
    if isinstance(reason, ssl.SSLCertVerificationError):
        message = (reason.verify_message or _short(reason)).removesuffix(".")
        # OpenSSL's X509_V_ERR_HOSTNAME_MISMATCH (62) and X509_V_ERR_IP_ADDRESS_MISMATCH (64).
        kind = "tls_hostname" if reason.verify_code in (62, 64) else "tls_certificate"
        return _outcome(kind, {**fields, "detail": message})
    # Any other TLS error (a wrong protocol version: an https DSN on a plain-HTTP port; a
    # handshake failure) is no certificate's fault: said as it is, with OpenSSL's words.
    if isinstance(reason, TimeoutError | socket.timeout) or "timed out" in text:
        return _outcome("timeout", fields)
    return _outcome("network", {**fields, "detail": _short(reason)})


def _to_proxy(reason: object) -> bool:
    """A refused or unresolvable connection while a proxy is set is the proxy's."""
    import socket

    return isinstance(reason, ConnectionRefusedError | socket.gaierror)


def _short(error: object) -> str:
    if isinstance(error, OSError) and error.strerror:
        return error.strerror
    return str(error) or type(error).__name__


def _outcome(name: str, fields: dict[str, Any], status: int | None = None) -> Outcome:
    kind = BY_NAME[name]
    # A DSN's host can be anything pasted: its start says enough.
    if "host" in fields and len(fields["host"]) > HOST_SHOWN:
        fields = {**fields, "host": f"{fields['host'][:HOST_SHOWN]}..."}
    return Outcome(kind, kind.sentence.format(**fields), status)


def project_of(dsn: str) -> str:
    """The project id of `dsn` (as the SDK parses it)."""
    from sentry_sdk.utils import Dsn

    return str(Dsn(dsn).project_id)
