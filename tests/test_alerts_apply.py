"""`alerts apply`: the HTTP calls, printed (--dry-run) or sent to a loopback server.

The server below plays Sentry's part with answers shaped as its API answers (an id per
created object, a list for the detector search); nothing leaves the machine.
"""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any, ClassVar

import pytest
from inline_snapshot import snapshot

from korrigo_sentry import cli
from korrigo_sentry.alerts import apply
from korrigo_sentry.alerts.export_sentry import Destination, plan
from korrigo_sentry.alerts.rules import load_file
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


class FakeSentry(BaseHTTPRequestHandler):
    """Records each request; answers ids the way Sentry's endpoints do."""

    seen: ClassVar[list[dict[str, Any]]] = []
    refuse: ClassVar[str | None] = None

    def _answer(self, status: int, body: Any) -> None:
        data = json.dumps(body).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def _record(self) -> dict[str, Any]:
        length = int(self.headers.get("Content-Length") or 0)
        body = json.loads(self.rfile.read(length)) if length else None
        entry = {"method": self.command, "path": self.path, "body": body,
                 "auth": self.headers.get("Authorization")}  # fmt: skip
        self.seen.append(entry)
        return entry

    def do_GET(self) -> None:
        entry = self._record()
        if entry["path"].startswith("/api/0/projects/"):
            self._answer(200, {"id": "42", "slug": "korrigo"})
        else:  # the detector search: a list
            self._answer(200, [{"id": "500", "type": "error", "name": "Error Monitor"}])

    def do_POST(self) -> None:
        entry = self._record()
        if self.refuse and self.refuse in json.dumps(entry["body"]):
            self._answer(400, {"detail": "refused"})
            return
        self._answer(201, {"id": str(600 + len(self.seen))})

    def log_message(self, *args: Any) -> None:  # keep pytest's output clean
        pass


@pytest.fixture
def sentry_url() -> Iterator[str]:
    FakeSentry.seen, FakeSentry.refuse = [], None
    server = ThreadingHTTPServer(("127.0.0.1", 0), FakeSentry)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()
    thread.join()


def _dest() -> Destination:
    return Destination(org="korrigo-org", team_ids={"admins": "12", "dev-team": "34"},
                       slack_integration_id="7")  # fmt: skip


def test_apply_fills_each_reference_from_earlier_answers(sentry_url: str) -> None:
    done = apply.apply(plan(load_file(), _dest()), sentry_url, environ={apply.TOKEN_VAR: TOKEN})
    assert [status for _, status, _ in done] == [200, 200, 201, 201, 201, 201, 201, 201, 201]
    seen = FakeSentry.seen
    assert {entry["auth"] for entry in seen} == {f"Bearer {TOKEN}"}
    assert (
        seen[1]["path"] == "/api/0/organizations/korrigo-org/detectors/?project=42&query=type:error"
    )
    assert seen[2]["body"]["projectId"] == 42  # from the project lookup
    # The alerts point at the ids the server gave: 500 (looked up), then 603, 604, 605.
    workflows = [e["body"] for e in seen if e["path"].endswith("/workflows/")]
    assert [w["detectorIds"] for w in workflows] == [[500], [603], [604], [605]]
    assert "${" not in json.dumps(seen)


def test_a_refusal_stops_the_run_and_names_the_call(sentry_url: str) -> None:
    FakeSentry.refuse = "Performance degradation"
    with pytest.raises(apply.ApplyError) as caught:
        apply.apply(plan(load_file(), _dest()), sentry_url, environ={apply.TOKEN_VAR: TOKEN})
    message = str(caught.value)
    assert TOKEN not in message
    assert placeholders(message) == snapshot(
        "POST /api/0/organizations/korrigo-org/detectors/ (detector 'slow-requests') answered 400: Bad Request; nothing after it was sent, fix this one and run again"
    )
    assert not any(e["path"].endswith("/workflows/") for e in FakeSentry.seen)


def test_an_unreachable_sentry_is_one_sentence() -> None:
    with pytest.raises(apply.ApplyError, match=r"cannot reach http://127\.0\.0\.1:9"):
        apply.apply(plan(load_file(), _dest()), "http://127.0.0.1:9",
                    environ={apply.TOKEN_VAR: TOKEN})  # fmt: skip
