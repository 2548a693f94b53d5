"""`make facts-check` against a loopback server serving fake raw files (and GitHub's API for
renames): each fact is read at its pin and on its default branch, and a gone excerpt, a moved
file and a changed context are reported apart; no server at all is "offline" (exit 3)."""

from __future__ import annotations

import json
import re
import socket
from collections.abc import Callable
from datetime import date
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pytest
from inline_snapshot import snapshot
from pytest_httpserver import HTTPServer
from werkzeug import Request, Response

from korrigo_sentry.korrigo import korrigo
from korrigo_sentry.oncall.facts import Fact, load_facts, source_parts
from tools import facts_check, korrigo_facts_check

FACTS = load_facts()
DOCS_FACT = FACTS["quota.archived_counts"]
SDK_FACT = FACTS["sdk.excepthook_interactive"]


def _path(url: str) -> str:
    return "/" + url.lstrip("/")


def pages(prose: str = "Some prose.") -> dict[str, str]:
    """Each cited file, pinned and latest, as it would be served: its facts' excerpts
    wrapped in prose (re-wrapped on purpose: the check compares collapsed whitespace)."""
    served: dict[str, list[str]] = {}
    for fact in FACTS.values():
        for url in (facts_check.raw_url(fact, ""), facts_check.latest_url(fact, "")):
            if url:
                for excerpt in fact.excerpts:
                    served.setdefault(_path(url), ["---\ntitle: page\n---"]).append(
                        f"{prose}\n" + excerpt.replace(" ", "\n", 1) + "\nMore prose."
                    )
    for _, cited in korrigo().cited():  # the second source kind: Korrigo's files
        path = _path(korrigo_facts_check.raw_url("", cited.commit, cited.file))
        served.setdefault(path, ["# a Korrigo file"]).append(cited.excerpt)
    return {path: "\n\n".join(dict.fromkeys(parts)) for path, parts in served.items()}


@pytest.fixture
def serve(httpserver: HTTPServer) -> Callable[[dict[str, str]], str]:
    """`serve(content)`: each path of `content` (its query included) answers its text, any
    other 404; returns the server's base URL."""

    def start(content: dict[str, str]) -> str:
        def answer(request: Request) -> Response:
            body = content.get(request.environ["REQUEST_URI"])  # the path as sent, query too
            return Response(body or "not found", 200 if body is not None else 404)

        httpserver.expect_request(re.compile(".*"), method="GET").respond_with_handler(answer)
        return f"http://127.0.0.1:{httpserver.port}"

    return start


def run(base: str, capsys: pytest.CaptureFixture[str]) -> tuple[int, str]:
    code = facts_check.main(["--base-url", base, "--api-url", base + "/api"])
    return code, capsys.readouterr().out


def test_a_fact_is_read_at_its_commit_and_on_its_default_branch() -> None:
    base = "https://raw.example"
    path = "docs/pricing/quotas/manage-event-stream-guide.mdx"
    assert facts_check.raw_url(DOCS_FACT, base) == (
        f"{base}/getsentry/sentry-docs/02073e5996285615c2dc13340ef6f225ee8c55b5/{path}"
    )
    assert facts_check.latest_url(DOCS_FACT, base) == f"{base}/getsentry/sentry-docs/master/{path}"
    # The SDK at Korrigo's pin, and only there.
    assert facts_check.raw_url(SDK_FACT, base) == (
        f"{base}/getsentry/sentry-python/2.76.0/sentry_sdk/integrations/excepthook.py"
    )
    assert facts_check.latest_url(SDK_FACT, base) == ""
    relay = FACTS["relay.auth_status"]
    assert facts_check.latest_url(relay, base).startswith(f"{base}/getsentry/relay/master/")
    celery = FACTS["celery.hard_time_limit_logged"]
    assert facts_check.latest_url(celery, base).startswith(f"{base}/celery/celery/main/")
    cli = FACTS["alerts.legacy_endpoints"]
    assert facts_check.latest_url(cli, base).startswith(f"{base}/getsentry/cli/main/")


def test_unchanged_sources_pass(serve, capsys: pytest.CaptureFixture[str]) -> None:
    code, out = run(serve(pages()), capsys)
    assert code == facts_check.EXIT_OK, out
    assert out.strip().endswith("0 drifted")
    assert "0 gone, 0 moved, 0 unreadable, 0 with their context changed" in out
    assert f"facts-check: {len(korrigo().cited())} Korrigo names, 0 drifted" in out


def test_an_excerpt_gone_today_is_drift_and_the_pin_still_holds(
    serve, capsys: pytest.CaptureFixture[str]
) -> None:
    content = pages()
    latest = _path(facts_check.latest_url(DOCS_FACT, ""))
    gone = DOCS_FACT.excerpts[0]
    content[latest] = content[latest].replace(gone.replace(" ", "\n", 1), "rewritten")
    code, out = run(serve(content), capsys)
    assert code == facts_check.EXIT_DRIFT
    assert f"GONE   {DOCS_FACT.id}: excerpt gone today" in out
    assert "pinned: 0 with an excerpt missing" in out


def test_a_renamed_file_is_reported_as_moved_and_read_at_its_new_path(
    serve, capsys: pytest.CaptureFixture[str]
) -> None:
    content = pages()
    fact = FACTS["uptime.automatic"]
    old = _path(facts_check.latest_url(fact, ""))
    new_path = "docs/product/monitors/uptime/automatic-detection.mdx"
    content[_path(facts_check.latest_url(fact, "", new_path))] = content.pop(old)
    commits = "/api/repos/getsentry/sentry-docs/commits"
    old_path = old.split("/master/", 1)[1]
    content[f"{commits}?path={old_path.replace('/', '%2F')}&sha=master&per_page=1"] = json.dumps(
        [{"sha": "abc123"}]
    )
    content[f"{commits}/abc123"] = json.dumps(
        {"files": [{"status": "renamed", "previous_filename": old_path, "filename": new_path}]}
    )
    code, out = run(serve(content), capsys)
    assert code == facts_check.EXIT_DRIFT
    assert f"MOVED  {fact.id}: the file is now {new_path}" in out
    assert f"GONE   {fact.id}" not in out  # the excerpts were found at the new path
    assert "1 moved" in out


def test_a_file_gone_without_a_rename_is_unreadable(
    serve, capsys: pytest.CaptureFixture[str]
) -> None:
    content = pages()
    del content[_path(facts_check.latest_url(DOCS_FACT, ""))]
    code, out = run(serve(content), capsys)
    assert code == facts_check.EXIT_DRIFT
    assert f"LATEST {DOCS_FACT.id}: HTTP 404" in out


def test_a_changed_context_is_listed_apart_and_does_not_fail(
    serve, capsys: pytest.CaptureFixture[str]
) -> None:
    content = pages()
    latest = _path(facts_check.latest_url(DOCS_FACT, ""))
    content[latest] = content[latest].replace("Some prose.", "Except on legacy plans,")
    code, out = run(serve(content), capsys)
    assert code == facts_check.EXIT_OK, out
    assert f"CONTEXT {DOCS_FACT.id}: the text around it changed" in out
    assert "GONE" not in out


def test_an_excerpt_missing_at_its_pin_is_a_wrong_fact(
    serve, capsys: pytest.CaptureFixture[str]
) -> None:
    content = pages()
    pinned = _path(facts_check.raw_url(SDK_FACT, ""))
    content[pinned] = "nothing of it"
    code, out = run(serve(content), capsys)
    assert code == facts_check.EXIT_DRIFT
    assert f"PINNED {SDK_FACT.id}: excerpt not in the cited file" in out


def test_the_urls_can_come_from_the_environment(serve, monkeypatch: pytest.MonkeyPatch) -> None:
    content = pages()
    del content[_path(facts_check.latest_url(DOCS_FACT, ""))]
    base = serve(content)
    monkeypatch.setenv(facts_check.BASE_URL_ENV, base)
    monkeypatch.setenv(facts_check.API_URL_ENV, base + "/api")
    assert facts_check.main([]) == facts_check.EXIT_DRIFT


def test_offline_says_so_in_one_line_and_exits_with_its_own_code(
    capsys: pytest.CaptureFixture[str],
) -> None:
    with socket.socket() as probe:  # a port nobody listens on
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    base = f"http://127.0.0.1:{port}"
    code = facts_check.main(["--base-url", base, "--api-url", base])
    assert code == facts_check.EXIT_OFFLINE == 3
    captured = capsys.readouterr()
    assert len(captured.err.strip().splitlines()) == 1
    assert "OFFLINE, nothing was checked" in captured.err
    assert captured.out == ""


def test_the_rename_lookup_reads_githubs_commit_listing() -> None:
    """The API shapes used, as GitHub documents them: a list of commits with `sha`, and a
    commit with `files[].status`, `previous_filename`, `filename`."""
    fact = FACTS["uptime.checks"]
    path = source_parts(fact.source)["path"]
    answers = {
        "commits?": json.dumps([{"sha": "f00"}]),
        "commits/f00": json.dumps(
            {"files": [{"status": "renamed", "previous_filename": path, "filename": "x.mdx"}]}
        ),
    }

    def fetch(url: str) -> str:
        query = parse_qs(urlsplit(url).query)
        if "commits?" in url:
            assert query == {"path": [path], "sha": ["master"], "per_page": ["1"]}
            return answers["commits?"]
        return answers["commits/f00"]

    reader = facts_check._Reader(fetch)
    assert facts_check.renamed_path(fact, "https://api.example", reader) == "x.mdx"


# --- issue 25, item 6: the SDK at Korrigo's pin, whatever the fact's ref; case is drift -----

#: The sentry-sdk version pip installs for Korrigo (requirements.txt), read as pip reads it.
PINNED_SDK = re.search(
    r"^sentry-sdk(?:\[[^\]]*\])?==(\S+)",
    (Path(__file__).resolve().parents[1] / "requirements.txt").read_text(encoding="utf-8"),
    re.MULTILINE,
).group(1)  # type: ignore[union-attr]


def _fact(source: str, excerpt: str) -> Fact:
    return Fact(
        id="sample.fact",
        statement="A sample statement.",
        source=source,
        excerpts=(excerpt,),
        checked=date(2026, 12, 6),
        plans=("all",),
        review_days=90,
    )


def test_an_sdk_fact_is_checked_at_the_pinned_version_not_at_its_own_ref() -> None:
    old = _fact(
        "https://github.com/getsentry/sentry-python/blob/2.40.0/sentry_sdk/client.py#L10",
        "def capture_event(",
    )
    fetched: list[str] = []

    def fetch(url: str) -> str:
        fetched.append(url)
        return "class Client:\n    def capture_event(self, event):\n        ..."

    (result,) = facts_check.check([old], "https://raw.example", fetch)

    assert fetched == [
        f"https://raw.example/getsentry/sentry-python/{PINNED_SDK}/sentry_sdk/client.py"
    ]
    assert PINNED_SDK != "2.40.0"
    assert result.ok


def test_a_change_of_case_in_an_excerpt_is_drift() -> None:
    fact = _fact(
        "https://github.com/getsentry/sentry-docs/blob/0123456789abcdef0123456789abcdef01234567"
        "/docs/product/alerts/index.mdx",
        "Metric alerts notify when a metric crosses a threshold.",
    )
    page = "Some prose.\nmetric alerts notify when a metric crosses a threshold.\nMore prose."

    (result,) = facts_check.check([fact], "https://raw.example", lambda url: page)

    assert result.missing == ("Metric alerts notify when a metric crosses a threshold.",)
    assert not result.ok
    report = facts_check.report([result])
    assert report.splitlines() == snapshot(
        [
            "PINNED sample.fact: excerpt not in the cited file: 'Metric alerts notify when a metric crosses a threshold.'",
            "GONE   sample.fact: excerpt gone today: 'Metric alerts notify when a metric crosses a threshold.'",
            "facts-check: 1 facts; pinned: 1 with an excerpt missing; latest (1 read on their default branch): 1 gone, 0 moved, 0 unreadable, 0 with their context changed; 1 drifted",
        ]
    )
