"""The drills: one per runbook whose incident can happen on the local stack.

Each drill follows its page: break the stack, run the page's quick checks (the page's own
steps, `korrigo_sentry.oncall.checks`, run inside the broken process or through
`python -m korrigo_sentry runbook SLUG` in its environment) and see them detect the break,
apply the page's mitigation, then check the page's Verification, with the events Bugsink
stored. Every drill reports to its own Bugsink project, so its counts are its own.

A drill raises AssertionError, naming the step, when the stack does not behave as its page
says.
"""

from __future__ import annotations

import json
import secrets
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import Any

from demo.tasks import ocr_copy
from drills.losses import losses
from drills.stack import HEALTH_PROBE, PREVIOUS_SHA, QUOTA, RELEASE_SHA, Stack
from korrigo_sentry.alerts import get_rule
from korrigo_sentry.alerts.evaluate import evaluate, issue_notifications, metric_notifications

OCR_TASK = ocr_copy.name  # Korrigo's task name (demo/tasks.py, from korrigo.yaml)


@dataclass
class Result:
    """What one drill did and counted."""

    name: str
    runbook: str
    seconds: float = 0.0
    sent: int = 0  # error events the SDKs posted (seen by the tap)
    ingested: int = 0  # events Bugsink stored
    refused: int = 0  # items (events, transactions) Bugsink answered 429 to
    detected_by: str = ""  # the quick check that caught the break
    note: str = ""  # why sent and ingested differ, when they do
    planted: str = ""  # the sensitive-data drill's secret, to look for elsewhere
    lost_to_hooks: int = 0  # events the SDKs dropped as callback_error (client reports)
    skeletons: int = 0  # events sent as a skeleton (korrigo.scrubbing: failed)
    steps: list[str] = field(default_factory=list)

    def row(self) -> str:
        return (
            f"{self.name:<22} {self.seconds:6.1f} s  sent {self.sent:3}  "
            f"ingested {self.ingested:3}  refused {self.refused:3}  {self.note}"
        )


class Drill:
    """The steps shared by every drill, on one stack and one Bugsink project."""

    def __init__(self, stack: Stack, name: str, runbook: str) -> None:
        self.stack, self.project = stack, name
        self.pid = stack.project_id(name)
        self.result = Result(name, runbook)

    def log(self, message: str) -> None:
        self.result.steps.append(message)

    def restart(self, service: str, **env: str | None) -> None:
        """Recreate `service` reporting to this drill's project, with `env` changes."""
        self.stack.restart(service, env, project=self.project)
        changes = ", ".join(f"{k}={v}" if v is not None else f"{k} unset" for k, v in env.items())
        self.log(f"{service} recreated ({changes or 'Korrigo configuration'})")

    def events(self) -> list[Any]:
        return self.stack.bugsink.events(self.project)

    def settle(self, stored: int | None = None) -> None:
        """Wait until Bugsink stored `stored` events (when given), then until the SDKs
        went quiet: the events are sent from a background thread."""
        if stored is not None:
            self.stack.wait_for(
                lambda: len(self.events()) >= stored, 30, f"{stored} events in Bugsink"
            )
        self.stack.settle(self.project)

    def expect_detected(self, report: dict[str, Any], title_part: str) -> None:
        """The quick checks stopped at the check whose title contains `title_part`."""
        assert not report["passed"], f"the quick checks of {report['slug']} missed the break"
        failed = report["checks"][-1]
        assert title_part in failed["title"], f"stopped at another check: {failed}"
        self.result.detected_by = failed["title"]
        self.log(f"quick check failed as expected: {failed['title']} ({failed['output']})")

    def expect_passed(self, report: dict[str, Any]) -> None:
        failed = [c for c in report["checks"] if not c["passed"]]
        assert report["passed"], f"quick checks of {report['slug']} still fail: {failed}"
        self.log(f"quick checks of {report['slug']} pass ({len(report['checks'])})")

    def call(self, path: str, expect: int, form: dict[str, str] | None = None) -> None:
        """GET (or POST `form` to) the demo; it must answer `expect`."""
        answer = self.stack.get(path) if form is None else self.stack.post(path, form)
        assert answer.status == expect, f"{path} answered {answer.status}, not {expect}"

    def ocr_failure(self) -> None:
        """A deliberately failing task (the OCR of a copy), queued on the broker like the
        demo's view does; waits until the worker ran it."""
        outcome = self.stack.celery().send_task(OCR_TASK, args=[7])
        outcome.get(timeout=30, propagate=False)
        assert outcome.state == "FAILURE", f"the OCR task ended {outcome.state}"

    def count(self) -> None:
        """Fill in sent, refused and ingested from the tap and Bugsink."""
        self.settle()
        items = [i for i in self.stack.tap.items if i.project_id == self.pid]
        self.result.sent = sum(1 for item in items if item.type == "event")
        self.result.refused = sum(1 for item in items if item.status == 429)
        self.result.ingested = len(self.events())
        cost = losses(items)  # the processes' last client reports come at the stack's stop
        self.result.lost_to_hooks, self.result.skeletons = cost.lost, cost.skeletons


def payloads(events: list[Any]) -> list[dict[str, Any]]:
    return [event.data for event in events]


# --- the drills --------------------------------------------------------------------------


def error_burst(stack: Stack) -> Result:
    """High error rate: a release whose export view fails on every request."""
    drill = Drill(stack, "error-burst", "high-error-rate")
    rule = get_rule("high-error-rate")
    drill.restart("web", KORRIGO_DRILL_FAULT="export-broken")
    burst = int(rule.threshold) + 1
    for _ in range(burst):
        drill.call("/drill/export/", 500)
    drill.settle(burst)
    events = drill.events()
    assert len(events) == burst, f"Bugsink stored {len(events)} of {burst} errors"
    assert evaluate(rule, payloads(events)).fired, "the burst does not open the monitor's issue"
    told = [n.status for n in metric_notifications(rule, payloads(events))]
    # Monitors & Alerts: the issue opens at the monitor's priority, resolves once the
    # window empties; the alert (filters: priority, de-escalation) tells on both only.
    assert told == [rule.monitor.priority, "resolved"], told
    drill.log(
        f"{burst} errors stored in Bugsink; the monitor opens its issue, the alert tells once"
    )
    report = stack.web_checks("high-error-rate")
    drill.expect_passed(report)
    deployed = report["checks"][-1]["output"]
    assert {e.data["release"] for e in events} == {f"korrigo@{RELEASE_SHA}"}
    assert f"korrigo@{RELEASE_SHA}" in deployed, deployed
    drill.result.detected_by = "the burst carries the release the server runs: the deploy"
    drill.log(f"every burst event carries the deployed release ({deployed}): suspect the deploy")
    # Mitigation 2: roll back the last deploy (redeploy the previous release).
    drill.restart("web", GIT_COMMIT_SHA=PREVIOUS_SHA)
    for _ in range(burst):
        drill.call("/drill/export/", 200)
    drill.settle()
    after = drill.events()[len(events) :]
    assert after == [], f"errors after the rollback: {len(after)}"
    assert not evaluate(rule, payloads(after)).fired
    assert stack.command("high-error-rate", "web") == 0
    drill.log("after the rollback: no error, the rule is quiet, the runbook command passes")
    drill.count()
    return drill.result


def new_exception(stack: Stack) -> Result:
    """Critical errors: a release raises an error never seen before."""
    drill = Drill(stack, "new-exception", "critical-errors")
    rule = get_rule("critical-errors")
    drill.restart("web", KORRIGO_DRILL_FAULT="export-new-error")
    drill.call("/boom/", 500)  # an issue the project already knows
    drill.settle(1)
    drill.call("/drill/export/", 500)
    drill.settle(2)
    drill.call("/drill/export/", 500)  # the same error again
    drill.settle(3)
    old, new, repeat = payloads(drill.events())
    issues = stack.bugsink.issues(drill.project)
    assert [i["type"] for i in issues] == ["ZeroDivisionError", "ExportFormatError"], issues
    assert evaluate(rule, [new], history=[old]).fired, "the new error does not fire the rule"
    assert not evaluate(rule, [repeat], history=[old, new]).fired, "a repeat fires again"
    told = issue_notifications(rule, [new, repeat], history=[old])
    assert [n.status for n in told] == ["new-issue"], told
    drill.log("Bugsink opened one new issue (ExportFormatError) and grouped its repeat into it;")
    drill.log("the alert tells once for the new issue, not for its repeat")
    report = stack.web_checks("critical-errors")
    drill.expect_passed(report)
    drill.result.detected_by = "first-seen rule on the issue Bugsink opened"
    # Mitigation 2: contain by rolling back the release that introduced it.
    drill.restart("web", GIT_COMMIT_SHA=PREVIOUS_SHA)
    drill.call("/drill/export/", 200)
    drill.settle()
    assert len(stack.bugsink.issues(drill.project)) == 2, "a new issue after the rollback"
    assert len(drill.events()) == 3, "an error after the rollback"
    assert stack.command("critical-errors", "web") == 0
    drill.log("after the rollback the export answers 200; no new event, no new issue")
    drill.count()
    return drill.result


def slow_endpoint(stack: Stack) -> Result:
    """Performance degradation: a release whose export takes 3 s."""
    drill = Drill(stack, "slow-endpoint", "performance-degradation")
    rule = get_rule("performance-degradation")
    every = {"SENTRY_TRACES_SAMPLE_RATE": "1"}  # as the page's drill: every transaction
    drill.restart("web", **every)
    for _ in range(18):
        drill.call("/drill/export/", 200)
    drill.restart("web", KORRIGO_DRILL_FAULT="export-slow", **every)
    with ThreadPoolExecutor(2) as pool:
        statuses = list(pool.map(lambda _: stack.get("/drill/export/").status, range(2)))
    assert statuses == [200, 200]
    drill.settle()

    def exports() -> list[dict[str, Any]]:
        items = stack.tap.sent(drill.pid, "transaction")
        return [i.payload for i in items if i.payload.get("transaction") == "/drill/export/"]

    before = exports()
    assert len(before) == 20, f"{len(before)} transactions of 20 reached the ingest"
    result = evaluate(rule, before)
    assert result.fired, result
    assert result.value > rule.threshold, result
    told = [n.status for n in metric_notifications(rule, before)]
    assert told[:1] == [rule.monitor.priority], told
    drill.log(f"P95 of 20 export requests: {result.value:.0f} ms; the monitor opens its issue")
    drill.expect_passed(stack.web_checks("performance-degradation"))
    drill.result.detected_by = "P95 over the threshold from the transactions sent"
    # Mitigation 2: roll back the release that made the transaction slower.
    drill.restart("web", GIT_COMMIT_SHA=PREVIOUS_SHA, **every)
    for _ in range(20):
        drill.call("/drill/export/", 200)
    drill.settle()
    after = exports()[len(before) :]
    assert len(after) == 20, f"{len(after)} transactions of 20 after the rollback"
    assert not evaluate(rule, after).fired
    drill.log("after the rollback: 20 exports, P95 under the threshold, the rule is quiet")
    drill.count()
    drill.result.note = (
        f"{len(exports())} transactions sent, 0 stored: Bugsink keeps errors only "
        "(the tap measured them)"
    )
    assert drill.result.ingested == 0, "Bugsink stored an error in the performance drill"
    return drill.result


def celery_not_reported(stack: Stack) -> Result:
    """Celery failures not reported: the worker starts without the Celery integration."""
    drill = Drill(stack, "celery-not-reported", "celery-failures-not-reported")
    drill.restart("worker", KORRIGO_DRILL_FAULT="no-celery-integration")
    drill.ocr_failure()
    # Celery logs the failure at ERROR, which the logging integration reports: wait for it.
    drill.settle(1)
    mechanisms = [e.mechanism.get("type", "none") for e in drill.events()]
    assert "celery" not in mechanisms, "a task failure was reported by the Celery integration"
    drill.log(f"OCR task failed; no event with the celery mechanism (mechanisms: {mechanisms})")
    drill.expect_detected(stack.worker_checks(drill.result.runbook), "Celery integration")
    assert stack.command(drill.result.runbook, "worker") == 0
    drill.log("the runbook command passes in the worker's environment: it proves the")
    drill.log("environment, not the process (as the page says); the in-process check caught it")
    # Mitigation 1: the worker starts with Korrigo's configuration (init_sentry).
    drill.restart("worker")
    drill.expect_passed(stack.worker_checks(drill.result.runbook))
    before = len(drill.events())
    drill.ocr_failure()
    drill.settle(before + 1)
    reported = [e for e in drill.events() if e.mechanism.get("type") == "celery"]
    assert len(reported) == 1, f"{len(reported)} celery events"
    (event,) = reported
    assert event.exception_type == "OCREngineError"
    assert event.data["transaction"] == OCR_TASK
    assert event.mechanism.get("handled") is False
    drill.log("the OCR failure is in Bugsink: OCREngineError, mechanism celery, unhandled")
    drill.count()
    if drill.result.ingested != 1:
        drill.result.note = (
            f"{drill.result.ingested - 1} event(s) from Celery's error log while the "
            "integration was missing (logging integration)"
        )
    return drill.result


def dsn_unset_worker(stack: Stack) -> Result:
    """Sentry not capturing errors: the worker runs without SENTRY_DSN."""
    drill = Drill(stack, "dsn-unset-worker", "sentry-not-capturing-errors")
    drill.restart("worker", SENTRY_DSN=None)
    drill.ocr_failure()
    drill.settle()
    assert drill.events() == [], "Bugsink stored an event from a worker without DSN"
    assert stack.tap.sent(drill.pid) == [], "a worker without DSN sent an event"
    drill.log("OCR task failed; nothing reached the ingest")
    assert stack.command("sentry-not-capturing-errors", "worker") == 1
    drill.log("`runbook sentry-not-capturing-errors` in the worker's environment exits 1")
    drill.expect_detected(stack.worker_checks("celery-failures-not-reported"), "has a DSN")
    # Mitigation 1: give the worker the web process's variables and recreate it.
    drill.restart("worker")
    assert stack.command("sentry-not-capturing-errors", "worker") == 0
    drill.expect_passed(stack.worker_checks("celery-failures-not-reported"))
    drill.ocr_failure()
    drill.settle(1)
    (event,) = drill.events()
    assert event.exception_type == "OCREngineError"
    assert event.mechanism["type"] == "celery"
    drill.log("the runbook command exits 0; the next OCR failure is in Bugsink")
    drill.count()
    return drill.result


def missing_release(stack: Stack) -> Result:
    """Missing release or environment: deploy without GIT_COMMIT_SHA, environment misspelt."""
    drill = Drill(stack, "missing-release", "missing-release-or-environment")
    drill.restart("web", GIT_COMMIT_SHA=None, SENTRY_ENVIRONMENT="prod")
    drill.call("/boom/", 500)
    drill.settle(1)
    (event,) = drill.events()
    release = event.data.get("release") or ""
    assert not release.startswith("korrigo@"), release
    assert event.data["environment"] == "production"  # Korrigo's fallback for an unknown name
    drill.log(f"stored event: release {release or 'none'}, environment production (fallback)")
    drill.expect_detected(stack.web_checks(drill.result.runbook), "release")
    assert stack.command(drill.result.runbook, "web") == 1
    # Mitigation 1: set the variables in the deploy and recreate the process.
    drill.restart("web")
    assert stack.command(drill.result.runbook, "web") == 0
    drill.expect_passed(stack.web_checks(drill.result.runbook))
    drill.call("/boom/", 500)
    drill.settle(2)
    fixed = drill.events()[-1].data
    assert fixed["release"] == f"korrigo@{RELEASE_SHA}", fixed["release"]
    assert fixed["environment"] == "production"
    drill.log(f"the next event carries release {fixed['release']} in production")
    drill.count()
    return drill.result


def sensitive_data(stack: Stack) -> Result:
    """Sensitive data in an event: a custom before_send that skips Korrigo's scrubber."""
    drill = Drill(stack, "sensitive-data", "sensitive-data-in-event")
    planted = "drill-" + secrets.token_hex(8)  # made now: never written anywhere else
    form = {"username": "teacher.demo", "password": planted}
    drill.restart("web", KORRIGO_DRILL_FAULT="scrubber-bypassed")
    drill.call(f"/login/?access_token={planted}", 500, form)
    drill.settle(1)
    leaked = [e for e in drill.events() if planted in e.raw]
    assert leaked, "the planted value did not reach Bugsink: the break is not a leak"
    (wire,) = stack.tap.sent(drill.pid)
    assert planted.encode() in wire.raw, "stored but not sent? the tap missed the bytes"
    drill.log("the planted value went over the wire and is in the event Bugsink stored")
    drill.expect_detected(stack.web_checks(drill.result.runbook), "scrubber is installed")
    # Mitigation 1: delete the events in the ingest; 4: deploy with Korrigo's scrubber.
    stack.bugsink.delete_issues(drill.project)
    assert not [e for e in drill.events() if planted in e.raw], "still stored after delete"
    drill.log("issue deleted in Bugsink: the stored events went with it")
    drill.restart("web")
    drill.expect_passed(stack.web_checks(drill.result.runbook))
    drill.call(f"/login/?access_token={planted}", 500, form)
    drill.settle(1)
    stored = drill.events()
    assert len(stored) == 1, f"{len(stored)} events stored after the fix"
    assert stored[0].exception_type == "LoginBackendError"
    assert planted not in stored[0].raw, "the planted value leaked after the fix"
    assert planted.encode() not in stack.tap.sent(drill.pid)[-1].raw, "on the wire after the fix"
    assert b"teacher.demo@korrigo.example" not in stored[0].raw.encode()
    drill.log("the new login failure is sent and stored without the planted value or e-mail")
    drill.count()
    drill.result.note = "1 leaked event deleted in Bugsink (mitigation step 1)"
    drill.result.planted = planted
    drill.result.ingested += 1  # the deleted one was stored too
    return drill.result


def quota_exhausted(stack: Stack) -> Result:
    """Quota exhausted: an error raised in a loop, on a server with tracing forced to 100%."""
    drill = Drill(stack, "quota-exhausted", "quota-exhausted")
    drill.restart("web", SENTRY_TRACES_SAMPLE_RATE="1")
    loop = QUOTA + 10
    for _ in range(loop):
        drill.call("/boom/", 500)
    drill.settle()
    items = [i for i in stack.tap.items if i.project_id == drill.pid]
    refused = [i for i in items if i.status == 429]
    stored = len(drill.events())
    assert refused, "Bugsink never answered 429"
    assert stored == QUOTA, f"Bugsink stored {stored} events, its quota is {QUOTA}"
    assert stack.bugsink.quota_exceeded_until(drill.project), "no quota_exceeded_until"
    drill.log(f"{loop} errors raised: Bugsink stored {stored} (its quota), then answered 429")
    drill.expect_detected(stack.web_checks(drill.result.runbook), "no more than")
    assert stack.command(drill.result.runbook, "web") == 1, "the command missed the override"
    # Mitigation 3 (the loop is fixed: the drill stops it), the Sampling step (unset the
    # override, recreate), and 4 (raise the quota: Bugsink re-checks a raised setting).
    drill.restart("web")
    stack.bugsink.configure(QUOTA * 10)
    stack.restart("bugsink")
    drill.log(f"override unset, web recreated; Bugsink's quota raised to {QUOTA * 10}")
    assert stack.command(drill.result.runbook, "web") == 0, "the command still fails"
    drill.expect_passed(stack.web_checks(drill.result.runbook))
    drill.call("/boom/", 500)
    drill.settle(stored + 1)
    last = stack.tap.sent(drill.pid)[-1]
    assert last.status == 200, f"Bugsink answered {last.status} after the quota was raised"
    assert len(drill.events()) == stored + 1, f"{len(drill.events())} stored, not {stored + 1}"
    drill.log("the next error is accepted (200) and stored")
    drill.count()
    over = drill.result.sent - 1 - stored  # reached Bugsink past the quota, before the 429s
    drill.result.note = (
        f"{over} accepted (200) then dropped by Bugsink's digest as over quota; "
        f"{len(refused)} envelopes answered 429; {loop - (drill.result.sent - 1)} errors "
        "never sent (the SDK's 60 s back-off after a 429)"
    )
    return drill.result


#: name -> drill, in the order `python -m drills run` runs them.
def ingest_down(stack: Stack) -> Result:
    """Sentry not capturing errors: the ingest stops while Korrigo runs, then comes back.

    Bugsink alone is stopped (the stack goes on); an error on the web is sent and answered
    502 by the ingest's address, so nothing is stored: that event is lost (the SDK does not
    keep it). Once the ingest is started again, the next error is stored, next to what
    Bugsink had before it stopped.
    """
    drill = Drill(stack, "ingest-down", "sentry-not-capturing-errors")
    drill.restart("web")
    drill.call("/boom/", 500)
    drill.settle(1)
    drill.log("before: an error on the web is in Bugsink")
    stack.stop_ingest()
    assert not stack.ingest_up()
    drill.log("Bugsink stopped; web, worker and Redis still run")
    drill.call(HEALTH_PROBE, 200)  # Korrigo's health path (korrigo.yaml)
    drill.call("/boom/", 500)
    stack.wait_for(
        lambda: any(i.status == stack.tap.UNREACHABLE for i in stack.tap.sent(drill.pid)),
        15,
        "the SDK's attempt while the ingest is down",
    )
    drill.log("an error while the ingest is down: sent, answered 502, not stored")
    # The page's delivery check: `send-test` sends a real event and names the outcome.
    status, first = stack.cli("web", "send-test")
    assert status != 0, f"send-test exits 0 while the ingest is down: {first}"
    drill.result.detected_by = f"send-test exit {status}: {first}"
    drill.log(f"`send-test` in the web's environment exits {status}: {first}")
    exit_code = stack.command("sentry-not-capturing-errors", "web")
    drill.log(f"`runbook sentry-not-capturing-errors` meanwhile exits {exit_code}")
    drill.result.note = (
        f"the event sent while the ingest was down is lost; runbook command exit {exit_code}"
    )
    stack.start_ingest()
    drill.log("Bugsink started again on the same port and data")
    status, first = stack.cli("web", "send-test")
    assert status == 0, f"send-test still fails once the ingest is back: {first}"
    drill.log(f"`send-test` exits 0 again: {first}")
    drill.call("/boom/", 500)
    drill.settle(3)  # the first /boom/, send-test's two events... and this /boom/
    stored = [e for e in drill.events() if e.exception_type == "ZeroDivisionError"]  # /boom/
    assert len(stored) == 2, "Bugsink lost what it stored before it stopped"
    drill.log("after: the next error is stored; the one sent while it was down is lost")
    drill.count()
    return drill.result


DRILLS: dict[str, Callable[[Stack], Result]] = {
    "error-burst": error_burst,
    "new-exception": new_exception,
    "slow-endpoint": slow_endpoint,
    "celery-not-reported": celery_not_reported,
    "dsn-unset-worker": dsn_unset_worker,
    "missing-release": missing_release,
    "sensitive-data": sensitive_data,
    "quota-exhausted": quota_exhausted,
    "ingest-down": ingest_down,
}
#: The subset `make test` runs (the full set runs in its own CI job).
QUICK = ("celery-not-reported", "sensitive-data", "ingest-down")


def run(stack: Stack, name: str) -> Result:
    started = time.monotonic()
    result = DRILLS[name](stack)
    result.seconds = time.monotonic() - started
    return result


def as_json(results: list[Result]) -> str:
    return json.dumps([r.__dict__ for r in results], indent=2)
