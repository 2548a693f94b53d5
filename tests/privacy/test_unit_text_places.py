"""Every text place (issue 21.4), through the real SDK: what reaches the wire, literally."""

from __future__ import annotations

import logging

import sentry_sdk

from korrigo_sentry.testing import sentry_capture

F = "[Filtered]"
log = logging.getLogger("korrigo.text_places")
log.propagate = False
log.addHandler(logging.NullHandler())


def test_a_named_log_parameter_is_masked_in_the_message_too() -> None:
    with sentry_capture() as sent:
        log.error("grading failed for %(student)s in exam %(exam)s",
                  {"student": "Jeanne Dupont", "exam": 7})  # fmt: skip
    (event,) = sent.events
    assert event["logentry"]["formatted"] == f"grading failed for {F} in exam 7"
    assert event["logentry"]["params"] == {"student": F, "exam": 7}
    assert b"Dupont" not in sent.wire


def test_an_int_card_number_in_extra_context_and_tags() -> None:
    visa = 4111111111111111  # the Visa test card number
    with sentry_capture() as sent:
        sentry_sdk.set_extra("ref", visa)
        sentry_sdk.set_context("payment", {"ref": visa, "amount": 12})
        sentry_sdk.capture_message("payment refused")
    (event,) = sent.events
    assert event["extra"]["ref"] == F
    assert event["contexts"]["payment"] == {"ref": F, "amount": 12}
    assert b"4111111111111111" not in sent.wire


def test_fingerprint_span_name_and_span_tag() -> None:
    with sentry_capture() as sent:
        sentry_sdk.get_current_scope().fingerprint = ["mail", "eleve@lycee.example.fr"]
        sentry_sdk.capture_message("mail failed")
        with (
            sentry_sdk.start_transaction(name="mail", op="task"),
            sentry_sdk.start_span(op="mail.send", name="send to eleve@lycee.example.fr") as span,
        ):
            span.set_tag("to", "eleve@lycee.example.fr")
        (event,) = sent.events
        (txn,) = sent.transactions
    assert event["fingerprint"] == ["mail", F]
    (mail,) = txn["spans"]
    assert mail["description"] == f"send to {F}"
    assert mail["tags"] == {"to": F}
