"""`python -m korrigo_sentry send-test`: send a test message and exception to the real DSN.

The two events are built by sentry-sdk initialised as Korrigo's settings do it (same
hooks, same scrubbing), then posted by `korrigo_sentry.oncall.delivery`, which names the cause of
a failure (DNS, refused, TLS, timeout, proxy, 400/401/403, 413, 429, 5xx) and gives it its own
exit status. Configuration problems other than an unusable DSN are warnings: the test
still sends.
"""

from __future__ import annotations

import argparse
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

TEST_MESSAGE = "Korrigo send-test: Sentry is configured correctly"
TEST_EXCEPTION = "Korrigo send-test: this exception was raised on purpose"
#: The tag both test events carry, to find (or filter out) them in Sentry.
TEST_TAG = ("korrigo.send_test", "yes")
DEFAULT_TIMEOUT = 10.0
#: The longest wait `--timeout` accepts (a longer one is a typo, not a slow network).
MAX_TIMEOUT = 300.0
#: Exit status when the configuration gives nowhere to send to (no DSN, a malformed one,
#: an --env-file that cannot be read): see `korrigo_sentry.cli.exits`.
UNUSABLE = 20


class SendTestError(RuntimeError):
    """The exception `send-test` raises and reports on purpose."""


@dataclass(frozen=True)
class Delivery:
    """The fate of one test event."""

    kind: str  # "message" or "exception"
    event_id: str | None
    outcome: Any  # korrigo_sentry.oncall.delivery.Outcome


def outcomes_epilog() -> str:
    """The exit statuses, for `--help` (from `delivery.KINDS`, like the site's table)."""
    from korrigo_sentry.oncall.delivery import KINDS

    lines = ["exit status:", "   2  usage: a wrong option or value (nothing was sent)"]
    lines += [f"  {kind.exit_code:>2}  {kind.name}: {kind.summary}" for kind in KINDS]
    lines.append(f"  {UNUSABLE:>2}  configuration: no usable SENTRY_DSN (nothing was sent)")
    return "\n".join(lines)


def seconds(text: str) -> float:
    """`--timeout`'s value: a number of seconds above 0, at most `MAX_TIMEOUT`."""
    import math

    try:
        value = float(text)
    except ValueError:
        value = math.nan
    if math.isnan(value):  # float() reads "nan" (any case, any sign) as a number: it is not one
        raise argparse.ArgumentTypeError(f"{text[:20]!r} is not a number of seconds")
    if not 0 < value <= MAX_TIMEOUT:  # infinity too ("inf", "1e999")
        raise argparse.ArgumentTypeError(
            f"{text[:20]} is out of range: give seconds above 0, at most {MAX_TIMEOUT:g}"
        )
    return value


def register(subparsers: argparse._SubParsersAction) -> None:
    """Add the `send-test` subcommand."""
    parser = subparsers.add_parser(
        "send-test",
        help="send a test message and a test exception to the configured DSN",
        description="Send a test message and a test exception, built by sentry-sdk as "
        "Korrigo's settings configure it, to SENTRY_DSN, and say what happened to each. "
        "Configuration problems other than the DSN are warnings.",
        epilog=outcomes_epilog(),
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--env-file", type=Path, metavar="PATH", help="read this .env file")
    parser.add_argument(
        "--timeout",
        type=seconds,
        default=DEFAULT_TIMEOUT,
        metavar="SECONDS",
        help=f"how long to wait for each answer (default {DEFAULT_TIMEOUT:g})",
    )
    parser.add_argument("--json", action="store_true", help="print the result as JSON")
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    """Check the DSN, send both events, print one line per event."""
    from korrigo_sentry.cli import output
    from korrigo_sentry.config import check_config, read_sources
    from korrigo_sentry.dsn import mask_dsn

    sources = read_sources(dotenv_path=args.env_file)
    dotenv = sources.dotenv
    config, problems = check_config(sources.values)

    def unusable(message: str) -> int:
        return output.fail("send-test", UNUSABLE, "configuration", message, as_json=args.json)

    if dotenv.explicit and not dotenv.usable:
        return unusable("; ".join(dotenv.problems) + "; nothing was sent")
    if "SENTRY_DSN" in problems:
        return unusable(f"{problems['SENTRY_DSN']}; nothing was sent")
    if not config.dsn:
        where = f" (and {'; '.join(dotenv.problems)})" if dotenv.problems else ""
        return unusable(f"SENTRY_DSN is not set: there is nowhere to send to{where}")
    warnings = [*dotenv.messages(), *(str(error) for error in problems.values())]
    if not args.json:
        for warning in warnings:
            print(f"! {warning}", file=sys.stderr)
        print(
            f"Sending a test message and a test exception to {mask_dsn(config.dsn)} "
            f"(environment {config.environment}, release {config.release or 'none'})"
        )
    deliveries = send_test_events(dotenv_path=args.env_file, timeout=args.timeout)
    failed = [d for d in deliveries if not d.outcome.accepted]
    status = failed[0].outcome.kind.exit_code if failed else 0
    if args.json:
        events = [
            {
                "kind": d.kind,
                "event_id": d.event_id,
                **d.outcome.as_dict(),
                "sentence": output.redact(d.outcome.sentence, *output.dsn_keys(config.dsn)),
                "next_step": _next_step(d.outcome),
            }
            for d in deliveries
        ]
        payload = {
            "ok": not failed,
            "exit_code": status,
            "outcome": failed[0].outcome.kind.name if failed else "accepted",
            "dsn": mask_dsn(config.dsn),
            "environment": config.environment,
            "warnings": warnings,
            "events": events,
        }
        print(output.dumps("send-test", payload))
        return status
    for delivery in deliveries:
        print(format_delivery(delivery, config.dsn))
        if not delivery.outcome.accepted and _next_step(delivery.outcome):
            print(f"  next step: {_next_step(delivery.outcome)}")
    print("Both events were accepted." if not failed else "Sentry did not accept every test event.")
    return status


def _next_step(outcome: Any) -> str | None:
    link = outcome.kind.next_step
    if not link:  # an accepted event: the runbook pages (and their parser) are not read
        return None
    from korrigo_sentry.oncall import runbooks

    return runbooks.link_url("", link)


def send_test_events(
    environ: Any = None, dotenv_path: str | Path | None = None, timeout: float = DEFAULT_TIMEOUT
) -> list[Delivery]:
    """Build both test events with the SDK as Korrigo configures it, then post each one."""
    import logging

    import sentry_sdk
    from sentry_sdk.transport import Transport

    from korrigo_sentry import init_sentry
    from korrigo_sentry.oncall import delivery
    from korrigo_sentry.oncall.doctor import isolated_sdk, quiet

    class Keep(Transport):
        """Keeps the envelopes the SDK would send: `delivery` posts them."""

        def __init__(self, options: dict[str, Any] | None = None) -> None:
            super().__init__(options)
            self.envelopes: list[Any] = []

        def capture_envelope(self, envelope: Any) -> None:
            self.envelopes.append(envelope)

    kept = Keep()
    with isolated_sdk(), quiet(logging.getLogger("korrigo_sentry")):  # warned above
        config = init_sentry(
            environ=environ,
            dotenv_path=dotenv_path,
            transport=kept,
            sample_rate=1.0,  # a test event must not be sampled out
        )
        with sentry_sdk.new_scope() as scope:
            scope.set_tag(*TEST_TAG)
            ids = {"message": sentry_sdk.capture_message(TEST_MESSAGE, level="info")}
            try:
                raise SendTestError(TEST_EXCEPTION)
            except SendTestError as exc:
                ids["exception"] = sentry_sdk.capture_exception(exc)
        sentry_sdk.flush(timeout=timeout)
    assert config.dsn, "run() checked the DSN"
    where = delivery.target(config.dsn, f"sentry.python/{sentry_sdk.VERSION}")
    by_id = {envelope.headers.get("event_id"): envelope for envelope in kept.envelopes}
    results = []
    for kind, event_id in ids.items():
        envelope = by_id.get(event_id)
        if envelope is None:  # before_send dropped it: nothing to post
            outcome = delivery.Outcome(
                delivery.BY_NAME["rejected"], "Korrigo's before_send dropped the test event."
            )
        else:
            outcome = delivery.deliver(envelope.serialize(), where, timeout=timeout)
        results.append(Delivery(kind, event_id, outcome))
    return results


def format_delivery(item: Delivery, dsn: str | None = None) -> str:
    """`✓ message: Sentry accepted the event (HTTP 200). (event 1f2e…)`; the sentence
    (which may quote the server's answer) without any form of the DSN's keys."""
    from korrigo_sentry.cli.output import dsn_keys, redact

    mark = "✓" if item.outcome.accepted else "✗"
    event = f"event {item.event_id}" if item.event_id else "no event id"
    return f"{mark} {item.kind}: {redact(item.outcome.sentence, *dsn_keys(dsn))} ({event})"
