"""Quick checks of runbooks/sensitive-data-in-event.md.

The filtering step runs planted values through the hooks *installed in the client*, not
through the package's functions: a scrubber replaced, or one that does nothing, fails it.
Without a DSN this process sends nothing: the reader is sent to find the process that did,
not to "Scrubber bypassed".
"""

from __future__ import annotations

import json

from korrigo_sentry.oncall.checks import Here, RunbookChecks, Step, Verdict

HOOKS = ("before_send", "before_send_transaction", "before_breadcrumb")
#: Values a reader would recognise as personal or secret, planted where Korrigo's events
#: carry them (a header, form fields, the message).
PLANTED = ("hunter2-pw", "Bearer-abc123-token", "Alice Martin", "alice@korrigo.example")
NO_DSN = (
    "this process sends nothing to Sentry: run the check in the container whose events "
    "leaked (the event's `server_name`), or see "
    "[Sentry not capturing errors](sentry-not-capturing-errors.md#no-dsn) if this one should "
    "send"
)


def scrubber_installed(here: Here) -> Verdict:
    from korrigo_sentry import privacy

    client = here.client
    if not client.dsn or client.transport is None:
        return Verdict(False, "no DSN: Sentry is off in this process, nothing leaves it", NO_DSN)
    foreign = [h for h in HOOKS if client.options.get(h) is not getattr(privacy, h)]
    envelope = getattr(client.transport.capture_envelope, "_korrigo_privacy", False)
    if foreign or not envelope:
        missing = [*foreign, *([] if envelope else ["the envelope pass"])]
        return Verdict(False, f"not Korrigo's: {', '.join(missing)}")
    return Verdict(True, f"Korrigo's: {', '.join(HOOKS)} and the envelope pass")


def planted_event() -> dict:
    name, mail = PLANTED[2], PLANTED[3]
    return {
        "request": {
            "headers": {"Authorization": PLANTED[1]},
            "data": {"password": PLANTED[0], "student_name": name},
        },
        "message": f"login failed for {mail}",
    }


def scrubber_filters(here: Here) -> Verdict:
    hook = here.client.options.get("before_send")
    if hook is None:
        return Verdict(False, "no before_send hook: nothing is scrubbed")
    sent = hook(planted_event(), {})
    text = json.dumps(sent) if sent is not None else ""
    left = [value for value in PLANTED if value in text]
    if left:
        return Verdict(False, f"{len(left)} of {len(PLANTED)} planted values left after "
                       f"before_send: {', '.join(left)}")  # fmt: skip
    return Verdict(True, f"{len(PLANTED)} planted values, none left after before_send")


CHECKS = RunbookChecks(
    "sensitive-data-in-event",
    "backend",
    (
        Step(
            "scrubber",
            "Korrigo's scrubber is installed in this process.",
            "all three hooks and the envelope pass are Korrigo's, in a process that sends. "
            "The command is a new process: it proves that `init_sentry()` installs them with "
            "this configuration, not that the process already running did.",
            "something replaced the hooks; go to [Scrubber bypassed](#scrubber-bypassed).",
            scrubber_installed,
        ),
        Step(
            "filters",
            "The installed scrubber filters the usual suspects.",
            "no planted value left; if this passes, the leak came through a field the "
            "scrubber does not know.",
            "the deployed scrubber is broken or old; go to "
            "[Which field leaked](#which-field-leaked).",
            scrubber_filters,
        ),
    ),
)
