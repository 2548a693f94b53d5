"""Whatever Korrigo's code holds, the event is sent and the secret is not (issue 21.1).

Arbitrary Python values, with one planted e-mail address somewhere inside, go through the
real SDK (its serializer, its integrations' hooks) in every place an application puts
them: a frame's local, `extra`, a context, a tag, a log call's parameter, a breadcrumb's
data, a span's data. Values include what broke the pipeline or could: `str` and `bytes`
subclasses whose `str()` is themselves (Django's `SafeString`), containers holding
themselves, objects whose `__repr__` raises or returns a non-string, huge values.
"""

from __future__ import annotations

import logging
from typing import Any

import sentry_sdk
from django.utils.safestring import SafeString
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from korrigo_sentry.privacy import guard
from korrigo_sentry.testing import sentry_capture

SECRET = "eleve.martin+copie@lycee.example.fr"

log = logging.getLogger("korrigo.property")
log.propagate = False
log.addHandler(logging.NullHandler())


class SelfStr(str):
    """A string whose `str()` is itself, like SafeString."""

    def __str__(self) -> str:
        return self


class SelfBytes(bytes):
    def __bytes__(self) -> bytes:
        return self


class BrokenRepr:
    def __init__(self, inner: Any) -> None:
        self.inner = inner

    def __repr__(self) -> str:
        raise RuntimeError(f"cannot show {self.inner!s}")


class NonStrRepr:
    def __init__(self, inner: Any) -> None:
        self.inner = inner

    def __repr__(self) -> Any:
        return self.inner  # not a str: repr() raises TypeError


class ReprShows:
    """An object whose repr shows its contents (a dataclass, a model with `__repr__`)."""

    def __init__(self, inner: Any) -> None:
        self.inner = inner

    def __repr__(self) -> str:
        return f"ReprShows(contact={self.inner!r})"


def _self_referencing(inner: Any) -> Any:
    box: dict[str, Any] = {"inner": inner}
    box["again"] = box
    items: list[Any] = [inner]
    items.append(items)
    return {"box": box, "items": items}


#: Leaves holding the secret, by name: hypothesis prints recipes (tuples of names), and
#: builds nothing it would have to `repr` (some of these objects cannot be shown).
_SECRET_LEAVES = {
    "str": lambda: SECRET,
    "SafeString": lambda: SafeString(SECRET),
    "SelfStr": lambda: SelfStr(SECRET),
    "SelfBytes": lambda: SelfBytes(SECRET.encode()),
    "bytes": lambda: SECRET.encode(),
    "in text": lambda: f"contact: {SECRET}",
    "after 5000 chars": lambda: "x" * 5000 + " " + SECRET,
    "SafeString after 3000 accents": lambda: SafeString("é" * 3000 + " " + SECRET),
}
_other_leaf = st.one_of(
    st.none(), st.booleans(), st.integers(), st.integers(min_value=10**30),
    st.integers(-(10**6), 10**6).map(lambda n: n / 4),  # Relay reprints 1e-244 (not privacy)
    st.text(max_size=20), st.binary(max_size=20),
)  # fmt: skip

_WRAPPERS = {
    "list": lambda inner, other: [inner, other],
    "tuple": lambda inner, other: (inner, other),
    "dict": lambda inner, other: {"note": inner, "n": other},
    "dict with SafeString key": lambda inner, other: {SafeString("contact"): inner, "y": other},
    "set of it": lambda inner, other: {inner} if isinstance(inner, str | bytes) else [inner],
    "ReprShows": lambda inner, other: ReprShows(inner),
    "BrokenRepr": lambda inner, other: BrokenRepr(inner),
    "NonStrRepr": lambda inner, other: NonStrRepr(inner),
    "self-referencing": lambda inner, other: _self_referencing(inner),
}

_recipe = st.recursive(
    st.sampled_from(sorted(_SECRET_LEAVES)),
    lambda inner: st.tuples(st.sampled_from(sorted(_WRAPPERS)), inner, _other_leaf),
    max_leaves=6,
)


def _names(recipe: Any) -> set[str]:
    return {recipe} if isinstance(recipe, str) else {recipe[0], *_names(recipe[1])}


def build(recipe: Any) -> Any:
    """The value a recipe describes: a leaf name, or (wrapper, inner recipe, other value)."""
    if isinstance(recipe, str):
        return _SECRET_LEAVES[recipe]()
    wrapper, inner, other = recipe
    return _WRAPPERS[wrapper](build(inner), other)


_PLACES = ["local", "extra", "context", "tag", "log_param", "breadcrumb", "span_data"]


def _plant(place: str, value: Any) -> None:
    if place == "local":
        held = value  # noqa: F841 (a frame local, read by the SDK)
        try:
            raise ValueError("grading failed")
        except ValueError as error:
            sentry_sdk.capture_exception(error)
        return
    if place == "extra":
        sentry_sdk.set_extra("payload", value)
    elif place == "context":
        sentry_sdk.set_context("grading", {"payload": value})
    elif place == "tag":
        sentry_sdk.set_tag("payload", value)
    elif place == "log_param":
        # Only Sentry's integration formats the record: pytest's capturing handler would
        # raise on an object whose repr raises (logging's own handlers print and go on).
        chain: list[logging.Logger] = []
        node: logging.Logger | None = log
        while node is not None:
            chain.append(node)
            node = node.parent
        saved = [(logger, logger.handlers) for logger in chain]
        for logger in chain:
            logger.handlers = []
        try:
            log.error("grading failed for %s", value)
        finally:
            for logger, handlers in saved:
                logger.handlers = handlers
        return
    elif place == "breadcrumb":
        sentry_sdk.add_breadcrumb(category="grading", message="step", data={"payload": value})
    sentry_sdk.capture_message("grading failed", level="error")


@settings(max_examples=60, suppress_health_check=[HealthCheck.too_slow])
@given(recipe=_recipe, place=st.sampled_from(_PLACES))
def test_any_value_anywhere_is_sent_without_the_secret(recipe: Any, place: str) -> None:
    # A log record whose parameter cannot be shown cannot be formatted by logging itself
    # ("--- Logging error ---" on stderr): the SDK's handler loses it before any hook.
    assume(place != "log_param" or not ({"BrokenRepr", "NonStrRepr"} & _names(recipe)))
    guard.reset()
    value = build(recipe)
    with sentry_capture() as sent:
        if place == "span_data":
            with (
                sentry_sdk.start_transaction(name="/exams/7/grade/", op="http.server"),
                sentry_sdk.start_span(op="grading", name="grade") as span,
            ):
                span.set_data("payload", value)
            carried = sent.transactions
        else:
            _plant(place, value)
            carried = sent.events
        wire = sent.wire
    assert len(carried) == 1, f"the {place} event was lost"
    assert SECRET.encode() not in wire
    # Not even through the skeleton: the rules themselves handled every value.
    assert guard.FAILURES == {}
