"""Plant every place under one SDK configuration and read what reached the transport.

`run("korrigo")` uses `init_sentry()` as Korrigo runs it; `run("bare")` a bare
`sentry_sdk.init` with the same integrations and no scrubbing (the "before" figure).
"""

from __future__ import annotations

import json
import re
import sys
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import sentry_sdk
from sentry_sdk.integrations.celery import CeleryIntegration
from sentry_sdk.integrations.django import DjangoIntegration
from sentry_sdk.integrations.redis import RedisIntegration

import demo
from korrigo_sentry.testing import TEST_DSN, FakeTransport, sentry_capture
from tests import loopback
from tests.privacy import canaries
from tests.privacy.places import PLACES, Ctx, Place
from tests.privacy.sent import MASK, Sent


@dataclass
class Result:
    place: Place
    leaked: list[str]  # needles found in the bytes sent
    carrier: bool  # the event, span, breadcrumb... of the place was sent
    outcome: str  # "leaked", "masked" or "dropped"
    kept: bool | None  # the harmless text next to the secret survived (None: not checked)
    bytes_sent: int  # raw envelope bytes sent for this place
    items: int  # events and transactions sent for this place
    needles: list[str] = field(default_factory=list)  # the secrets planted
    sent: list[dict[str, Any]] = field(default_factory=list)  # events and transactions sent


@contextmanager
def answering_ok() -> Iterator[str]:
    """A loopback server answering `ok` to any request: the places' outgoing HTTP calls."""
    with loopback.server() as server:
        server.expect_request(re.compile(".*")).respond_with_data(b"ok")
        yield f"http://{loopback.HOST}:{server.port}"


@contextmanager
def configured(config: str, options: tuple[tuple[str, Any], ...] = ()) -> Iterator[FakeTransport]:
    if config == "korrigo":
        with sentry_capture(**dict(options)) as transport:
            yield transport
        return
    transport = FakeTransport(relay=False)
    with sentry_capture(transport=transport) as transport:
        # The same integrations as Korrigo, and nothing else of Korrigo's.
        sentry_sdk.init(
            dsn=TEST_DSN,
            transport=transport,
            environment="test",
            traces_sample_rate=1.0,
            integrations=[DjangoIntegration(cache_spans=True), CeleryIntegration(),
                          RedisIntegration(max_data_size=None)],
            auto_enabling_integrations=False,
            **dict(options),
        )  # fmt: skip
        yield transport


def outcome(result_leaked: list[str], carried: Any) -> str:
    if result_leaked:
        return "leaked"
    return "masked" if MASK in json.dumps(carried, default=str) else "dropped"


def run(config: str, places: list[Place] = PLACES, check_relay: bool = True) -> list[Result]:
    demo.setup()
    results = []
    saved_argv = sys.argv
    sys.argv = ["manage.py", "runserver"]  # the test runner's own command line says nothing
    try:
        for options in dict.fromkeys(p.options for p in places):  # SDK set-ups, in order
            group = [p for p in places if p.options == options]
            results += _run_group(config, group, options, check_relay)
    finally:
        sys.argv = saved_argv
    order = {place.name: index for index, place in enumerate(places)}
    return sorted(results, key=lambda r: order[r.place.name])


def _run_group(
    config: str, places: list[Place], options: tuple[tuple[str, Any], ...], check_relay: bool
) -> list[Result]:
    """The places that share one SDK set-up (Korrigo's, or with span streaming)."""
    results = []
    with (
        answering_ok() as url,
        tempfile.TemporaryDirectory() as tmp,
        configured(config, options) as transport,
    ):
        ctx = Ctx(url, Path(tmp))
        for place in places:
            transport.clear()
            with sentry_sdk.isolation_scope(), sentry_sdk.new_scope():
                needles = place.plant(ctx)
            sentry_sdk.flush()
            sent = Sent.parse(list(transport.payloads))
            leaked = canaries.found_in(sent.raw, needles)
            carried = place.carrier(sent)
            kept = None if place.keep is None else place.keep in sent.raw.decode("utf-8", "replace")
            results.append(
                Result(place, leaked, bool(carried), outcome(leaked, carried), kept,
                       stable_size(sent.raw, ctx), len(sent.events) + len(sent.transactions),
                       needles, sent.events + sent.transactions)
            )  # fmt: skip
        if check_relay and transport.relay is not None:
            transport.relay.raise_unreported()
    return results


#: The checkout (the tests' and the package's, which differ when installed), the virtualenv
#: and Python's own prefix: they appear in frames' paths.
_MACHINE_PATHS = {
    str(Path(__file__).resolve().parents[2]),
    str(Path(demo.__file__).resolve().parents[2]),
    sys.prefix,
    sys.base_prefix,
}


#: An event's `modules`: every distribution installed in the virtualenv with its version
#: (the SDK's modules integration), about 2.6 KB that grow or shrink with whatever else
#: that virtualenv holds. A flat mapping of names to versions, so no brace inside.
_MODULES = re.compile(rb'"modules":\s*\{[^{}]*\}')


def stable_size(raw: bytes, ctx: Ctx) -> int:
    """Bytes sent, with what depends on the machine (checkout and virtualenv paths, the
    scratch directory, the loopback port, the list of installed packages) counted as one
    short token each: the committed figure must be the same in any clone, CI's included."""
    raw = _MODULES.sub(b'"modules":"<machine>"', raw)
    for text in sorted({*_MACHINE_PATHS, str(ctx.tmp), ctx.url}, key=len, reverse=True):
        raw = raw.replace(text.encode(), b"<machine>")
    return len(raw)


def bytes_per_event(results: list[Result]) -> int:
    return round(sum(r.bytes_sent for r in results) / max(1, sum(r.items for r in results)))


def summary(korrigo: list[Result], bare: list[Result]) -> dict[str, Any]:
    """What the privacy page renders: place -> outcome, and the run's figures."""
    return {
        "places": [
            {
                "place": r.place.name,
                "area": r.place.area,
                "secret": r.place.secret,
                "outcome": r.outcome,
                "kept": r.place.keep if r.kept else None,
            }
            for r in korrigo
        ],
        "figures": {
            "places": len(korrigo),
            "leaks": {"korrigo": sum(1 for r in korrigo if r.leaked),
                      "bare": sum(1 for r in bare if r.leaked)},
            "bytes_per_event": {"korrigo": bytes_per_event(korrigo),
                                "bare": bytes_per_event(bare)},
            "events": sum(r.items for r in korrigo),
        },
    }  # fmt: skip


#: How far a random run's figures may drift from the committed ones (secrets' lengths and
#: shapes are random): bare leaks +-3 places, bytes per event +-3%.
def same_summary(committed: dict[str, Any], measured: dict[str, Any]) -> bool:
    if committed.get("places") != measured["places"]:
        return False
    old, new = committed.get("figures", {}), measured["figures"]
    try:
        return (
            old["places"] == new["places"]
            and old["events"] == new["events"]
            and old["leaks"]["korrigo"] == new["leaks"]["korrigo"]
            and abs(old["leaks"]["bare"] - new["leaks"]["bare"]) <= 3
            and all(
                abs(old["bytes_per_event"][k] - new["bytes_per_event"][k])
                <= 0.03 * new["bytes_per_event"][k]
                for k in ("korrigo", "bare")
            )
        )
    except (KeyError, TypeError):
        return False


if __name__ == "__main__":
    for name in sys.argv[1:] or ["bare", "korrigo"]:
        res = run(name, check_relay=name == "korrigo")
        leaks = [r for r in res if r.leaked]
        missing = [r.place.name for r in res if not r.carrier]
        per_item = sum(r.bytes_sent for r in res) / max(1, sum(r.items for r in res))
        print(
            f"{name}: {len(res)} places, {len(leaks)} leaked, {len(missing)} without carrier, "
            f"{per_item:.0f} bytes per event"
        )
        for r in leaks:
            print("   LEAK", r.place.name)
        for m in missing:
            print("   NO CARRIER", m)
