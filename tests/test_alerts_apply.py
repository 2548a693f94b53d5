"""`alerts apply`: the HTTP calls, printed (--dry-run) or sent to a loopback server.

The server below plays Sentry's part with answers shaped as its API answers (an id per
created object, a list for the detector search); nothing leaves the machine.
"""

from __future__ import annotations

import json
import re
from http import HTTPStatus
from typing import Any

import pytest
from inline_snapshot import snapshot
from pytest_httpserver import HTTPServer
from werkzeug import Request, Response

from korrigo_sentry import cli
from korrigo_sentry.alerts import apply
from korrigo_sentry.alerts.export_sentry import Destination, plan
from korrigo_sentry.alerts.rules import load_file
from tests import loopback
from tests.wording import placeholders

TOKEN = "sntryu_test-token-never-printed"  # a made-up user token
MAPPED = ["--org", "korrigo-org", "--team", "admins=12", "--team", "dev-team=34",
          "--slack-integration", "7"]  # fmt: skip


def test_dry_run_prints_every_call_with_the_org_placeholder(
    capsys: pytest.CaptureFixture[str],
) -> None:
    assert cli.main(["alerts", "apply", "--dry-run"]) == 0
    out, err = capsys.readouterr()
    assert out.startswith("[1] GET https://sentry.io/api/0/projects/{org}/korrigo/")
    assert out.count("POST https://sentry.io/api/0/organizations/{org}/detectors/") == 3
    assert out.count("POST https://sentry.io/api/0/organizations/{org}/workflows/") == 4
    assert '"detectorIds": [\n    "${detector:errors}"\n  ]' in out  # the JSON body
    assert err == snapshot("""\

9 calls; nothing sent (--dry-run)
""")


def test_dry_run_uses_the_org_and_url_given(capsys: pytest.CaptureFixture[str]) -> None:
    args = ["alerts", "apply", "--dry-run", "--url", "https://de.sentry.io", *MAPPED]
    assert cli.main(args) == 0
    out = capsys.readouterr().out
    assert "POST https://de.sentry.io/api/0/organizations/korrigo-org/workflows/" in out
    assert "{org}" not in out


def test_dry_run_sends_nothing_even_with_a_token(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv(apply.TOKEN_VAR, TOKEN)
    monkeypatch.setattr(apply.urllib.request, "urlopen", pytest.fail)
    assert cli.main(["alerts", "apply", "--dry-run", *MAPPED]) == 0
    assert TOKEN not in capsys.readouterr().out


def test_apply_without_a_token_refuses_in_one_sentence(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv(apply.TOKEN_VAR, raising=False)
    assert cli.main(["alerts", "apply", *MAPPED]) == 1
    assert capsys.readouterr().err == snapshot(
        "error: SENTRY_AUTH_TOKEN is not set: export a Sentry user auth token with alerts:write, or add --dry-run to print the calls without sending them\n"
    )


def test_apply_without_an_org_or_ids_says_which_to_pass(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv(apply.TOKEN_VAR, TOKEN)
    assert cli.main(["alerts", "apply"]) == 1
    assert capsys.readouterr().err == snapshot(
        "error: no organization given: pass --org SLUG (the URL part of sentry.io/organizations/SLUG/)\n"
    )
    assert cli.main(["alerts", "apply", "--org", "korrigo-org"]) == 1
    err = capsys.readouterr().err
    assert TOKEN not in err
    assert err == snapshot(
        "error: no id for ${integration:slack}, ${team:admins}, ${team:dev-team}: pass --team NAME=ID and --slack-integration ID, then run again\n"
    )


# --- a loopback Sentry ---------------------------------------------------------------------


class FakeSentry:
    """Sentry's API on `httpserver`: answers ids the way its endpoints do; `refuse`: a POST
    whose body holds that text gets `refusal` (by default 400 with a `detail`)."""

    def __init__(self, httpserver: HTTPServer) -> None:
        self.httpserver = httpserver
        self.refuse: str | None = None
        self.refusal: Response = loopback.answer(400, {"detail": "refused"})
        self.url = f"http://127.0.0.1:{httpserver.port}"
        projects = re.compile("/api/0/projects/")  # a pattern matches a path's start
        httpserver.expect_request(projects, method="GET").respond_with_json(
            {"id": "42", "slug": "korrigo"}
        )
        detectors = re.compile("/api/0/organizations/[^/]+/detectors/")
        httpserver.expect_request(detectors, method="GET").respond_with_json(
            [{"id": "500", "type": "error", "name": "Error Monitor"}]
        )
        httpserver.expect_request(re.compile(".*"), method="POST").respond_with_handler(self.post)

    def post(self, request: Request) -> Response:
        if self.refuse and self.refuse in request.get_data(as_text=True):
            return self.refusal
        return loopback.answer(201, {"id": str(600 + len(self.httpserver.log) + 1)})

    @property
    def seen(self) -> list[dict[str, Any]]:
        """Each request: method, path with its query, JSON body, Authorization header."""
        return [
            {
                "method": r.method,
                "path": r.environ["REQUEST_URI"],
                "body": r.get_json() if r.get_data() else None,
                "auth": r.headers.get("Authorization"),
            }
            for r in loopback.requests(self.httpserver)
        ]


@pytest.fixture
def sentry(httpserver: HTTPServer) -> FakeSentry:
    return FakeSentry(httpserver)


def _dest() -> Destination:
    return Destination(org="korrigo-org", team_ids={"admins": "12", "dev-team": "34"},
                       slack_integration_id="7")  # fmt: skip


def test_apply_fills_each_reference_from_earlier_answers(sentry: FakeSentry) -> None:
    done = apply.apply(plan(load_file(), _dest()), sentry.url, environ={apply.TOKEN_VAR: TOKEN})
    assert [status for _, status, _ in done] == [200, 200, 201, 201, 201, 201, 201, 201, 201]
    seen = sentry.seen
    assert {entry["auth"] for entry in seen} == {f"Bearer {TOKEN}"}
    assert (
        seen[1]["path"] == "/api/0/organizations/korrigo-org/detectors/?project=42&query=type:error"
    )
    assert seen[2]["body"]["projectId"] == 42  # from the project lookup
    # The alerts point at the ids the server gave: 500 (looked up), then 603, 604, 605.
    workflows = [e["body"] for e in seen if e["path"].endswith("/workflows/")]
    assert [w["detectorIds"] for w in workflows] == [[500], [603], [604], [605]]
    assert "${" not in json.dumps(seen)


def test_a_refusal_stops_the_run_and_names_the_call(sentry: FakeSentry) -> None:
    sentry.refuse = "Performance degradation"
    with pytest.raises(apply.ApplyError) as caught:
        apply.apply(plan(load_file(), _dest()), sentry.url, environ={apply.TOKEN_VAR: TOKEN})
    message = str(caught.value)
    assert TOKEN not in message
    assert placeholders(message) == snapshot(
        "POST /api/0/organizations/korrigo-org/detectors/ (detector 'slow-requests') answered 400 Bad Request, Sentry saying \"refused\"; nothing after it was sent: fix what Sentry names (in the alerts file, or an id given with --team or --slack-integration) and run again"
    )
    assert not any(e["path"].endswith("/workflows/") for e in sentry.seen)


def _refused(sentry: FakeSentry, status: int, body: Any, content_type: str = "") -> str:
    """The sentence `apply` stops with when the first detector's POST gets this answer."""
    sentry.refuse = "Performance degradation"
    if content_type:
        line = f"{status} {HTTPStatus(status).phrase}"  # as Sentry writes it (loopback.answer)
        sentry.refusal = Response(body, line, content_type=content_type)
    else:
        sentry.refusal = loopback.answer(status, body)
    with pytest.raises(apply.ApplyError) as caught:
        apply.apply(plan(load_file(), _dest()), sentry.url, environ={apply.TOKEN_VAR: TOKEN})
    message = str(caught.value)
    assert TOKEN not in message
    assert "\n" not in message
    return message.split("; nothing after it was sent: ")[0].split(") answered ")[1]


def test_a_refusal_quotes_each_field_sentry_names(sentry: FakeSentry) -> None:
    # Django REST framework's shape for invalid data: each field's messages, nested.
    body = {
        "name": ["This field is required."],
        "conditionGroup": {"conditions": [{"comparison": ["A valid integer is required."]}]},
        "non_field_errors": ["Too many conditions"],
    }
    assert _refused(sentry, 400, body) == snapshot(
        '400 Bad Request, Sentry saying "name: This field is required. conditionGroup.conditions.0.comparison: A valid integer is required. Too many conditions"'
    )


def test_a_refusal_never_quotes_the_token(sentry: FakeSentry) -> None:
    said = _refused(sentry, 401, {"detail": f"Invalid token {TOKEN}"})
    assert said == snapshot('401 Unauthorized, Sentry saying "Invalid token <token>"')


def test_a_refusal_that_is_not_json_is_quoted_unless_it_is_markup(sentry: FakeSentry) -> None:
    assert _refused(sentry, 502, "upstream timed out", "text/plain") == snapshot(
        '502 Bad Gateway, Sentry saying "upstream timed out"'
    )
    page = "<html><body><h1>502 Bad Gateway</h1></body></html>"
    assert _refused(sentry, 502, page, "text/html") == snapshot("502 Bad Gateway")


@pytest.mark.parametrize("status", [400, 401, 403, 404, 503])
def test_each_refusal_names_its_next_step(sentry: FakeSentry, status: int) -> None:
    sentry.refuse = "Performance degradation"
    sentry.refusal = loopback.answer(status, {"detail": "no"})
    with pytest.raises(apply.ApplyError) as caught:
        apply.apply(plan(load_file(), _dest()), sentry.url, environ={apply.TOKEN_VAR: TOKEN})
    steps = {
        400: snapshot(
            "fix what Sentry names (in the alerts file, or an id given with --team or --slack-integration) and run again"
        ),
        401: snapshot(
            "Sentry did not accept the token in SENTRY_AUTH_TOKEN; export a valid user auth token"
        ),
        403: snapshot(
            "the token in SENTRY_AUTH_TOKEN may not do this; use a user auth token with alerts:write of a member of the organization"
        ),
        404: snapshot(
            "check --org and --project (and --url for a self-hosted Sentry), then run again"
        ),
        503: snapshot("Sentry failed on its side; run again later"),
    }
    assert str(caught.value).split("; nothing after it was sent: ")[1] == steps[status]


def test_an_unreachable_sentry_is_one_sentence() -> None:
    with pytest.raises(apply.ApplyError, match=r"cannot reach http://127\.0\.0\.1:9"):
        apply.apply(plan(load_file(), _dest()), "http://127.0.0.1:9",
                    environ={apply.TOKEN_VAR: TOKEN})  # fmt: skip


def test_the_command_prints_sentrys_words_in_one_line(
    sentry: FakeSentry, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    sentry.refuse = "Performance degradation"
    sentry.refusal = loopback.answer(
        400, {"name": ["Ensure this field has no more than 200 characters."]}
    )
    monkeypatch.setenv(apply.TOKEN_VAR, TOKEN)
    assert cli.main(["alerts", "apply", "--url", sentry.url, *MAPPED]) == 1
    out, err = capsys.readouterr()
    assert TOKEN not in out + err
    assert len(err.splitlines()) == 1
    assert err == snapshot(
        "error: POST /api/0/organizations/korrigo-org/detectors/ (detector 'slow-requests') answered 400 Bad Request, Sentry saying \"name: Ensure this field has no more than 200 characters.\"; nothing after it was sent: fix what Sentry names (in the alerts file, or an id given with --team or --slack-integration) and run again\n"
    )
