"""Frame variables: what each policy keeps of the bare SDK's, and what it lets leak.

`python -m tests.privacy.measure_locals` sends the demo's failing requests (the events
the drills and the handbook's examples send) under the bare SDK and under Korrigo with
each frame-locals policy, pairs each frame variable's leaves by (frame, path), and counts
the leaves Korrigo sends exactly as the bare SDK does ("kept verbatim") and those it sends
with their type or shape only ("shape kept"). The privacy fuzz's places give the leaks
per policy. Figures go to `korrigo_sentry/data/frame_locals.json`, which the privacy page
renders.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

import sentry_sdk
from sentry_sdk.integrations.django import DjangoIntegration

import demo
from korrigo_sentry.privacy import frame_locals
from korrigo_sentry.testing import TEST_DSN, FakeTransport, sentry_capture
from tests.privacy import harness

OUT = Path(__file__).resolve().parents[2] / "korrigo_sentry" / "data" / "frame_locals.json"
REQUESTS = [("GET", "/boom/"), ("GET", "/db-error/"), ("GET", "/exams/{exam}/grade/"),
            ("POST", "/login/")]  # fmt: skip


def _leaves(node: Any, path: str = "") -> dict[str, Any]:
    if isinstance(node, dict):
        out: dict[str, Any] = {}
        for k, v in node.items():
            out.update(_leaves(v, f"{path}.{k}"))
        return out
    if isinstance(node, list):
        out = {}
        for i, v in enumerate(node):
            out.update(_leaves(v, f"{path}[{i}]"))
        return out
    return {path: node}


def _frame_vars(events: list[dict[str, Any]]) -> dict[str, Any]:
    found: dict[str, Any] = {}
    for n, event in enumerate(events):
        for value in (event.get("exception") or {}).get("values") or ():
            for frame in (value.get("stacktrace") or {}).get("frames") or ():
                where = f"{n}:{frame.get('module')}.{frame.get('function')}"
                found.update(_leaves(frame.get("vars") or {}, where))
    return found


def _send(transport: FakeTransport) -> list[dict[str, Any]]:
    exam = demo.make_exam(copies=2)
    client = demo.client()
    for method, path in REQUESTS:
        url = path.format(exam=exam.pk)
        if method == "POST":
            client.post(url, data={"username": "teacher", "password": "Tr0ub4dor&3"})
        else:
            client.get(url)
    sentry_sdk.flush()
    return transport.items("event")


def demo_events(config: str) -> list[dict[str, Any]]:
    demo.setup()
    transport = FakeTransport(relay=False)
    if config == "bare":
        with sentry_capture(transport=transport):
            sentry_sdk.init(dsn=TEST_DSN, transport=transport, environment="test",
                            integrations=[DjangoIntegration()],
                            auto_enabling_integrations=False)  # fmt: skip
            return _send(transport)
    with sentry_capture(transport=transport):
        return _send(transport)


def measure() -> dict[str, Any]:
    saved = frame_locals.FRAME_LOCALS_POLICY
    bare = _frame_vars(demo_events("bare"))
    figures: dict[str, Any] = {"bare_leaves": len(bare), "policies": {}}
    try:
        for policy in ("denylist", "allowlist"):
            frame_locals.FRAME_LOCALS_POLICY = policy
            sent = _frame_vars(demo_events("korrigo"))
            verbatim = sum(1 for k, v in bare.items() if sent.get(k) == v)
            present = sum(1 for k in bare if k in sent)
            results = harness.run("korrigo", check_relay=False)
            leaks = [r.place.name for r in results if r.leaked]
            frames_places = [r for r in results if r.place.area in ("frames", "frame locals")]
            figures["policies"][policy] = {
                "kept_verbatim": verbatim,
                "kept_shape": present - verbatim,
                "fuzz_places": len(results),
                "fuzz_leaks": len(leaks),
                "frame_places": len(frames_places),
                "frame_leaks": sum(1 for r in frames_places if r.leaked),
            }
    finally:
        frame_locals.FRAME_LOCALS_POLICY = saved
    figures["decision"] = saved
    return figures


if __name__ == "__main__":
    result = measure()
    print(json.dumps(result, indent=1))
    if "--write" in sys.argv:
        OUT.write_text(json.dumps(result, indent=1) + "\n", encoding="utf-8")
