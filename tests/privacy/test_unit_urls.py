"""URL rules on the shapes that reach them outside the common case.

Expected values are what a reader of the event needs: the scheme, host and route stay,
the person or the credential goes.
"""

from __future__ import annotations

import pytest

from korrigo_sentry.privacy.urls import scrub_path, scrub_segment, scrub_url

F = "[Filtered]"


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        # a user name with a space is no valid userinfo, but urlsplit still reads it as one
        ("http://jeanne martin@host/exams/", f"http://{F}@host/exams/"),
        # two `@`: everything before the last one is userinfo
        ("http://jeanne martin@lycee.fr@host/exams/", f"http://{F}@host/exams/"),
    ],
)
def test_userinfo_the_userinfo_pattern_misses_is_still_filtered(url: str, expected: str) -> None:
    assert scrub_url(url) == expected


@pytest.mark.parametrize(
    ("path", "expected"),
    [
        ("/users/eleve@lycee.fr/copies/", f"/users/{F}/copies/"),
        ("/users/eleve%40lycee.fr/copies/", f"/users/{F}/copies/"),  # percent-encoded `@`
        ("/exams/7/copies/", "/exams/7/copies/"),
        ("users/eleve@lycee.fr/copies", f"users/{F}/copies"),  # relative: no route resolved
    ],
)
def test_an_address_in_a_path_is_filtered_and_the_route_kept(path: str, expected: str) -> None:
    assert scrub_path(path) == expected


@pytest.mark.parametrize(
    "segment",
    [
        "8f2a9c1d4e5b6f70",  # 16 hexadecimal characters
        "bx3k-8f2a9c1d4e5b6f70",  # a reset token
        "REPORT2024EXAM7ZZ",  # capitals and digits
    ],
)
def test_token_like_segments_are_filtered(segment: str) -> None:
    assert scrub_segment(segment) == F


@pytest.mark.parametrize(
    "segment",
    [
        "grading-guidelines",  # a long route word without digits
        "exam7",  # letters and digits, but short
        "2024",
    ],
)
def test_route_words_are_kept(segment: str) -> None:
    assert scrub_segment(segment) == segment


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        # sentry-sdk's Django integration names url-style transactions with {name}
        ("/reset/{uidb64}/{token}/", "/reset/{uidb64}/{token}/"),
        ("/invite/{token}/accept/", "/invite/{token}/accept/"),
        ("/invite/<token>/accept/", "/invite/<token>/accept/"),
        ("/invite/<str:token>/accept/", "/invite/<str:token>/accept/"),
        ("/invite/(?P<token>[^/]+)/accept/", "/invite/(?P<token>[^/]+)/accept/"),
        # a real token in the same place is still a token
        ("/invite/bx3k-8f2a9c1d4e5b6f70/accept/", "/invite/[Filtered]/accept/"),
    ],
)
def test_route_patterns_are_code_and_kept(name: str, expected: str) -> None:
    import demo

    demo.setup()  # Korrigo's URLconf resolves `/reset/...`: its secrets would be filtered
    assert scrub_path(name) == expected


def test_a_url_style_transaction_keeps_its_route_through_django() -> None:
    import demo
    from korrigo_sentry.testing import sentry_capture

    with sentry_capture() as sent:
        demo.client().get("/reset/MTI/bx3k8f2a9c1d4e5b6f70/")
        (txn,) = sent.transactions
    assert txn["transaction"] == "/reset/{uidb64}/{token}/"
    assert txn["request"]["url"] == "http://localhost/reset/[Filtered]/[Filtered]/"
