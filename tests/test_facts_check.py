"""`make facts-check` against a loopback server: unchanged pages pass, a changed page is drift,
no server at all is "offline" (exit 3), never a pass."""

from __future__ import annotations

import re
import socket
import threading
from collections.abc import Callable, Iterator
from datetime import date
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

from korrigo_sentry.korrigo import korrigo
from korrigo_sentry.oncall.facts import Fact, load_facts
from tools import facts_check, korrigo_facts_check

FACTS = load_facts()
DOCS_FACT = FACTS["quota.archived_counts"]


def pages(drop: str | None = None) -> dict[str, str]:
    """Each source file as it would be served: the excerpts of its facts, wrapped in prose."""
    served: dict[str, list[str]] = {}
    for fact in FACTS.values():
        path = "/" + facts_check.raw_url(fact, "").lstrip("/")
        for excerpt in fact.excerpts:
            if excerpt != drop:
                # re-wrapped on purpose: the check compares whitespace-collapsed text
                served.setdefault(path, ["---\ntitle: page\n---"]).append(
                    "Some prose.\n" + excerpt.replace(" ", "\n", 1)
                )
    for _, cited in korrigo().cited():  # the second source kind: Korrigo's files
        path = "/" + korrigo_facts_check.raw_url("", cited.commit, cited.file).lstrip("/")
        served.setdefault(path, ["# a Korrigo file"]).append(cited.excerpt)
    return {path: "\n\n".join(parts) for path, parts in served.items()}


@pytest.fixture
def serve() -> Iterator[Callable[[dict[str, str]], str]]:
    servers = []

    def start(content: dict[str, str]) -> str:
        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:
                body = content.get(self.path)
                self.send_response(200 if body is not None else 404)
                self.end_headers()
                self.wfile.write((body or "not found").encode())

            def log_message(self, *args: object) -> None:
                pass

        server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        threading.Thread(target=server.serve_forever, args=(0.05,), daemon=True).start()
        servers.append(server)
        return f"http://127.0.0.1:{server.server_address[1]}"

    yield start
    for server in servers:
        server.shutdown()
        server.server_close()


def test_docs_are_checked_at_their_branch_and_the_sdk_at_the_pin() -> None:
    sdk = FACTS["sdk.excepthook_interactive"]
    assert facts_check.raw_url(DOCS_FACT, "https://raw.example") == (
        "https://raw.example/getsentry/sentry-docs/master/"
        "docs/pricing/quotas/manage-event-stream-guide.mdx"
    )
    assert facts_check.raw_url(sdk, "https://raw.example") == (
        "https://raw.example/getsentry/sentry-python/2.75.0/sentry_sdk/integrations/excepthook.py"
    )


def test_unchanged_sources_pass(serve, capsys: pytest.CaptureFixture[str]) -> None:
    base = serve(pages())
    assert facts_check.main(["--base-url", base]) == facts_check.EXIT_OK
    out = capsys.readouterr().out
    assert f"facts-check: {len(FACTS)} facts, 0 drifted" in out
    assert f"facts-check: {len(korrigo().cited())} Korrigo names, 0 drifted" in out


def test_a_changed_page_is_reported_as_drift(serve, capsys: pytest.CaptureFixture[str]) -> None:
    gone = DOCS_FACT.excerpts[0]
    base = serve(pages(drop=gone))
    assert facts_check.main(["--base-url", base]) == facts_check.EXIT_DRIFT
    out = capsys.readouterr().out
    assert f"DRIFT {DOCS_FACT.id}: excerpt gone" in out
    assert "facts, 1 drifted" in out


def test_a_removed_page_is_drift_too(serve, capsys: pytest.CaptureFixture[str]) -> None:
    content = pages()
    path = "/" + facts_check.raw_url(DOCS_FACT, "").lstrip("/")
    del content[path]
    same_file = [
        f
        for f in FACTS.values()
        if facts_check.raw_url(f, "") == facts_check.raw_url(DOCS_FACT, "")
    ]
    assert facts_check.main(["--base-url", serve(content)]) == facts_check.EXIT_DRIFT
    out = capsys.readouterr().out
    assert "HTTP 404" in out
    assert f"facts, {len(same_file)} drifted" in out


def test_the_base_url_can_come_from_the_environment(serve, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(facts_check.BASE_URL_ENV, serve(pages(drop=DOCS_FACT.excerpts[0])))
    assert facts_check.main([]) == facts_check.EXIT_DRIFT


def test_offline_says_so_and_exits_with_its_own_code(capsys: pytest.CaptureFixture[str]) -> None:
    with socket.socket() as probe:  # a port nobody listens on
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    code = facts_check.main(["--base-url", f"http://127.0.0.1:{port}"])
    assert code == facts_check.EXIT_OFFLINE == 3
    captured = capsys.readouterr()
    assert "OFFLINE, nothing was checked" in captured.err
    assert "drifted" not in captured.out


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
    assert "DRIFT sample.fact: excerpt gone: 'Metric alerts notify" in facts_check.report([result])
