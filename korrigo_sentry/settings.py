"""Every Sentry setting Korrigo uses, in one place.

The handbook's pages read these values through `macros.py` and the tests import them:
change a value here and the site and the tests follow. Nothing else restates them.
"""

from __future__ import annotations

from typing import Any

from korrigo_sentry.korrigo import korrigo

#: The sentry-sdk release this configuration is written and tested against: requirements.txt
#: pins it, and the SDK facts of data/facts.yaml cite its source.
SDK_PIN = "2.76.0"

#: The sentry-sdk releases the wheel accepts (pyproject.toml's dependency reads
#: `>=2.76,<3`): the pin's minor release and later, below the next major one. `doctor`
#: is content with any of them, so a new install never warns about a version that pip
#: itself chose.
SDK_FLOOR: tuple[int, int] = (2, 76)
SDK_NEXT_MAJOR = 3

#: Environment names Korrigo deploys to. `SENTRY_ENVIRONMENT` must be one of them.
ENVIRONMENTS: tuple[str, ...] = ("development", "test", "staging", "production")

#: Used when `SENTRY_ENVIRONMENT` and `SENTRY_DSN` are both unset: a laptop, never a server.
DEFAULT_ENVIRONMENT = "development"

#: Used when `SENTRY_ENVIRONMENT` is unknown, or unset while `SENTRY_DSN` is set (a process
#: with a DSN is a server). Production keeps the lowest traces rate and keeps the production
#: alerts firing; the gap is still logged as an error, and `doctor` fails until it is fixed.
FALLBACK_ENVIRONMENT = "production"

#: Korrigo's own deployment switch (its compose files set it), read when SENTRY_ENVIRONMENT
#: is not set, and the Sentry environment each of its values maps to (data/korrigo.yaml).
DJANGO_ENV_VARIABLE: str = korrigo().django_env.variable
DJANGO_ENV_MAP: dict[str, str] = korrigo().django_env.mapping()

#: Share of transactions traced, per environment.
#: - production: a sample is enough to see slow endpoints, and keeps the quota.
#: - staging: little traffic, so a high rate still costs little and catches regressions.
#: - development and test: everything, so a developer and CI see every transaction.
TRACES_SAMPLE_RATES: dict[str, float] = {
    "development": 1.0,
    "test": 1.0,
    "staging": 0.5,
    "production": 0.1,
}

#: Share of error events sent. Errors are never sampled: quota is managed in Sentry
#: (inbound filters, spike protection), not by losing errors at random.
ERROR_SAMPLE_RATE = 1.0

#: URL paths whose transactions are never traced: Korrigo's health probes (the compose
#: healthcheck calls one every 30 s) and metrics scrapes, read from data/korrigo.yaml.
#: Correction: the handbook first listed /health/, /healthz/, /readyz/ and /metrics/, which
#: Korrigo does not serve, so its five real probe paths were traced.
NEVER_TRACED: tuple[str, ...] = tuple(p.path for p in korrigo().probe_paths)

#: Korrigo's own sensitive key terms, on top of sentry-sdk's denylists: students'
#: identities and the OCR text of their copies are personal data. A key containing one of
#: them (case-insensitive, `-` read as `_`) has its value filtered, at any depth.
EXTRA_DENYLIST: tuple[str, ...] = (
    "student",  # student_name, students, X-Student-Name...
    "first_name",
    "last_name",
    "full_name",
    "email",
    "username",
    "phone",
    "home_address",
    "postal_address",
    "birth_date",
    "ocr_text",
    "transcript",
    "dsn",
    "jwt",
    "bearer",
    "card_number",
    "iban",
    "pwd",
    "signature",  # X-Hub-Signature-256, X-Amz-Signature: a valid signature replays a request
    "xsrf",
    "sso",
    "saml",
)

#: Keys filtered only when they are the whole key (as a term, each would also match
#: `user_agent` or `user_id`): Korrigo's `audit` logger passes the username as `user`
#: (make korrigo-check at Korrigo 45872b4: 2 usernames leaked through it).
EXACT_KEY_DENYLIST: tuple[str, ...] = ("user",)

#: Request headers sent to Sentry (every other header's value is filtered): what a
#: developer needs to reproduce a request, none of which identifies a person.
HEADER_ALLOWLIST: tuple[str, ...] = (
    "accept",
    "accept-encoding",
    "accept-language",
    "content-length",
    "content-type",
    "host",
    "user-agent",
    "x-request-id",
)

#: Query parameters whose values are sent (every other value is filtered, the name kept):
#: paging and sorting help reproduce a request; free text, codes and tokens do not.
QUERY_ALLOWLIST: tuple[str, ...] = (
    "page",
    "page_size",
    "per_page",
    "limit",
    "offset",
    "sort",
    "order",
    "ordering",
    "format",
    "lang",
    "exam_id",
    "copy_id",
    "status",
    "x-amz-algorithm",
    "x-amz-date",
    "x-amz-expires",
    "x-amz-signedheaders",
)

#: Django URL parameters that are secrets in themselves (Django's password-reset link
#: `reset/<uidb64>/<token>/`, one-time codes): masked in URLs, the route's shape kept.
URL_SECRET_PARAMS: tuple[str, ...] = ("uidb64", "token", "key", "code", "signature")

#: Integrations enabled, with the options passed to each.
INTEGRATIONS: dict[str, dict[str, Any]] = {
    "django": {"transaction_style": "url", "middleware_spans": False, "cache_spans": True},
    "celery": {"monitor_beat_tasks": False, "propagate_traces": True},
    # max_data_size=None is the SDK's default (integrations/redis/consts.py); any other
    # value is a DeprecationWarning since 2.75. Written out so that nobody "restores" a size.
    "redis": {"max_data_size": None},
    "logging": {"level": 20, "event_level": 40},  # breadcrumbs from INFO, events from ERROR
}

#: What the SDK collects by itself (sentry-sdk's `data_collection`, which replaces
#: `send_default_pii`): collection is stopped at the source wherever the SDK allows it.
#: No user identity, cookies, bodies or database/queue data; request headers and query
#: parameters by allowlist; frame variables without denylisted names. What is collected
#: then goes through `korrigo_sentry.privacy`.
DATA_COLLECTION: dict[str, Any] = {
    "user_info": False,
    "cookies": {"mode": "off"},
    "http_headers": {"request": {"mode": "allowlist", "terms": list(HEADER_ALLOWLIST)}},
    "http_bodies": [],
    "url_query_params": {"mode": "allowlist", "terms": list(QUERY_ALLOWLIST)},
    "database_query_data": False,
    "queues": False,
    "graphql": {"document": False, "variables": False},
    "gen_ai": {"inputs": False, "outputs": False},
    "stack_frame_variables": {"mode": "denylist", "terms": list(EXTRA_DENYLIST)},
}

#: Every environment variable the package reads, and what it is for.
ENV_VARS: dict[str, str] = {
    "SENTRY_DSN": "Where events go (Sentry > Settings > Client Keys). Unset: Sentry is off.",
    "SENTRY_ENVIRONMENT": (
        f"One of {', '.join(ENVIRONMENTS)}; wins over DJANGO_ENV. Unset, and DJANGO_ENV "
        f"unset too: {DEFAULT_ENVIRONMENT} without a DSN, {FALLBACK_ENVIRONMENT} with one; "
        f"any other name: {FALLBACK_ENVIRONMENT} (both with an error in the log; doctor fails)."
    ),
    DJANGO_ENV_VARIABLE: (
        "Korrigo's own switch, set by its compose files; used when SENTRY_ENVIRONMENT is unset: "
        + ", ".join(f"{k} -> {v}" for k, v in DJANGO_ENV_MAP.items())
        + f" (any other value: {FALLBACK_ENVIRONMENT}, an error in the log)."
    ),
    "GIT_COMMIT_SHA": "The deployed commit; becomes the release (korrigo@SHA).",
    "SENTRY_RELEASE": (
        "Read by sentry-sdk itself, only when GIT_COMMIT_SHA is unset or refused "
        "(after it, the SDK tries git and CI variables)."
    ),
    "SENTRY_TRACES_SAMPLE_RATE": "Overrides the environment's traces rate (0 to 1).",
    "SENTRY_SAMPLE_RATE": f"Overrides the error sample rate (0 to 1; default {ERROR_SAMPLE_RATE}).",
    "SENTRY_DEBUG": "1 (or true, yes, on) prints the SDK's own log: what it sends and drops.",
}

#: Release names are `korrigo@<commit>`.
RELEASE_PREFIX = "korrigo@"

# --- read by the pages and quick checks (issue 12) ---------------------------------------
#: The environments that run on servers: a release is required there.
DEPLOYED_ENVIRONMENTS: tuple[str, ...] = ("staging", "production")
#: Accepted lengths of `GIT_COMMIT_SHA`, in hex digits (short to full SHA-1).
SHA_LENGTHS: tuple[int, int] = (7, 40)
