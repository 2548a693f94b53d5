"""`alerts apply` call by call: what each request carries and each answer Sentry can give.

Small hand-written plans (`Call`s) against the loopback server, answered the way Sentry's
API answers: `201` with the created object's `id` (a string of digits), a list for a
search, `204` with no body. Sentry's API reads JSON bodies (`Content-Type:
application/json`) and a bearer token (`Authorization: Bearer <token>`).
"""

from __future__ import annotations

import json
from typing import Any

import pytest
from pytest_httpserver import HTTPServer

from korrigo_sentry.alerts import apply
from korrigo_sentry.alerts.export_sentry import Call
from tests import loopback

TOKEN = "sntryu_test-token-never-printed"  # a made-up user token
ORG = "/api/0/organizations/korrigo-org"
ENV = {apply.TOKEN_VAR: TOKEN}


def _detector(provides: str = "${detector:slow}", **body: Any) -> Call:
    return Call("detector", "slow", "POST", f"{ORG}/detectors/",
                body={"name": "Slow requests", **body}, provides=provides)  # fmt: skip


def _search(provides: str = "${detector:errors}") -> Call:
    return Call("detector", "errors", "GET", f"{ORG}/detectors/?query=type:error",
                provides=provides, pick="[0].id")  # fmt: skip


def test_each_request_carries_json_and_the_token_and_a_get_no_body(
    httpserver: HTTPServer,
) -> None:
    httpserver.expect_request(f"{ORG}/detectors/", method="GET").respond_with_json([{"id": "500"}])
    httpserver.expect_request(f"{ORG}/detectors/", method="POST").respond_with_json(
        {"id": "601"}, status=201
    )
    # A base URL written with its trailing slash: the path is not doubled.
    url = f"http://127.0.0.1:{httpserver.port}/"
    done = apply.apply([_search(), _detector()], url, environ=ENV)
    assert [(call.method, status, answer) for call, status, answer in done] == [
        ("GET", 200, [{"id": "500"}]),
        ("POST", 201, {"id": "601"}),
    ]
    requests = loopback.requests(httpserver)
    assert [(r.method, r.environ["REQUEST_URI"], r.get_data()) for r in requests] == [
        ("GET", f"{ORG}/detectors/?query=type:error", b""),
        ("POST", f"{ORG}/detectors/", b'{"name": "Slow requests"}'),
    ]
    assert {r.headers["Content-Type"] for r in requests} == {"application/json"}
    assert {r.headers["Authorization"] for r in requests} == {f"Bearer {TOKEN}"}


def test_an_answer_without_a_body_is_none(httpserver: HTTPServer) -> None:
    httpserver.expect_request(f"{ORG}/workflows/1/", method="POST").respond_with_data(
        "", status=204
    )
    call = Call("workflow", "w", "POST", f"{ORG}/workflows/1/", body={"enabled": True})
    ((_, status, answer),) = apply.apply([call], f"http://127.0.0.1:{httpserver.port}", ENV)
    assert (status, answer) == (204, None)


def test_an_id_that_is_not_a_number_is_passed_on_as_text(httpserver: HTTPServer) -> None:
    httpserver.expect_request(f"{ORG}/detectors/", method="POST").respond_with_json(
        {"id": "det-a1"}, status=201
    )
    httpserver.expect_request(f"{ORG}/workflows/", method="POST").respond_with_json(
        {"id": "700"}, status=201
    )
    workflow = Call("workflow", "w", "POST", f"{ORG}/workflows/",
                    body={"detectorIds": ["${detector:slow}"]})  # fmt: skip
    apply.apply([_detector(), workflow], f"http://127.0.0.1:{httpserver.port}", ENV)
    assert json.loads(loopback.requests(httpserver)[1].get_data()) == {"detectorIds": ["det-a1"]}


@pytest.mark.parametrize(
    ("call", "answer"),
    [
        (_search(), []),  # the search found no Error monitor
        (_detector(), [{"id": "601"}]),  # an object was expected, a list came
        (_detector(), {"name": "Slow requests"}),  # no id in it
    ],
)
def test_an_answer_without_the_id_says_what_to_create(
    httpserver: HTTPServer, call: Call, answer: Any
) -> None:
    httpserver.expect_request(call.path.split("?")[0], method=call.method).respond_with_json(answer)
    with pytest.raises(apply.ApplyError) as caught:
        apply.apply([call], f"http://127.0.0.1:{httpserver.port}", ENV)
    assert str(caught.value) == (
        f"{call.method} {call.path} gave no id for {call.provides}: create it in Sentry "
        "first (an Error monitor comes with each project)"
    )


def test_a_connection_refused_is_named() -> None:
    with pytest.raises(apply.ApplyError) as caught:
        apply.apply([_search()], "http://127.0.0.1:9", ENV)
    assert str(caught.value) == (
        "cannot reach http://127.0.0.1:9: [Errno 111] Connection refused; check --url and "
        "the network"
    )


def test_a_timeout_is_named() -> None:
    def timing_out(request: object) -> None:
        raise TimeoutError("timed out")

    with pytest.raises(apply.ApplyError) as caught:
        apply.apply([_search()], "https://sentry.io", ENV, opener=timing_out)
    assert str(caught.value) == (
        "cannot reach https://sentry.io: timed out; check --url and the network"
    )


def test_the_dry_run_shows_each_call_and_its_body_as_written() -> None:
    calls = [_search(), _detector(description="Élèves: requêtes lentes")]
    assert apply.dry_run(calls, "https://de.sentry.io/") == (
        f"[1] GET https://de.sentry.io{ORG}/detectors/?query=type:error"
        "    # -> ${detector:errors}\n"
        "\n"
        f"[2] POST https://de.sentry.io{ORG}/detectors/    # -> ${{detector:slow}}\n"
        "{\n"
        '  "name": "Slow requests",\n'
        '  "description": "Élèves: requêtes lentes"\n'
        "}"
    )


def test_a_reference_not_known_yet_is_left_as_written() -> None:
    known = {"${detector:a}": 5}
    assert apply._fill("see ${detector:a} then ${detector:b}", known) == (
        "see 5 then ${detector:b}"
    )
    assert apply._fill({"ids": ["${detector:a}", 3, None]}, known) == {"ids": [5, 3, None]}
