"""The loopback servers of the tests: every fake Sentry, fake GitHub and fake API, in one place.

HTTP stand-ins are pytest-httpserver's (werkzeug): a test states what a path answers
(`httpserver.expect_request(path).respond_with_data(...)`, or `respond_with_handler` for an
answer computed from the request) and reads what was sent from `httpserver.log`. The
`httpserver` fixture (tests/conftest.py) is one server per worker on 127.0.0.1, emptied before
each test and checked after it: a request no expectation matched, or a handler that raised,
fails the test. `server()` starts another one where a test needs two (a proxy and the host
behind it), HTTPS (`ssl_context`), or a server that outlives one test (a module's wheel).

`serve` stays written by hand for the stand-ins below HTTP (a TLS handshake with a refused
certificate, a proxy answering raw bytes), which an HTTP server cannot give, and starts the
built site's static file server (tests/browser/built_site.py). Every server listens on
127.0.0.1, which pytest-socket's `--allow-hosts` lets the tests reach; nothing else is.
"""

from __future__ import annotations

import gzip
import json
import socketserver
import ssl
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from http import HTTPStatus
from typing import Any

from pytest_httpserver import HTTPServer
from sentry_sdk.envelope import Envelope
from werkzeug import Request, Response

HOST = "127.0.0.1"  # the DSNs the tests write name this address, never `localhost`


class LoopbackServer(HTTPServer):
    """pytest-httpserver's server on 127.0.0.1, threaded, stopping at once.

    Threaded: werkzeug then speaks HTTP/1.1 and keeps connections open; one client holding
    its connection must not stall the next. Polling every 50 ms instead of werkzeug's 500
    makes `stop()` return at once (a test starting its own server pays nothing for it).
    """

    def __init__(self, ssl_context: ssl.SSLContext | None = None) -> None:
        super().__init__(host=HOST, port=0, ssl_context=ssl_context, threaded=True)

    def thread_target(self) -> None:
        assert self.server is not None
        self.server.serve_forever(poll_interval=0.05)


@contextmanager
def server(ssl_context: ssl.SSLContext | None = None) -> Iterator[LoopbackServer]:
    """Another loopback HTTP server (HTTPS with `ssl_context`), for the test's own use;
    checked and stopped on exit."""
    started = LoopbackServer(ssl_context)
    started.start()
    try:
        yield started
        started.check()
    finally:
        started.stop()


def dsn(httpserver: HTTPServer, key: str, project: str = "1") -> str:
    """A DSN whose ingest is `httpserver`."""
    return f"http://{key}@{HOST}:{httpserver.port}/{project}"


def answer(status: int, body: Any = None, **headers: str) -> Response:
    """A JSON answer as Sentry writes one (compact: a sentence may quote it), or an empty one.

    Its status line has the standard reason phrase (`400 Bad Request`), as Sentry's servers
    write it; werkzeug's own would be upper case (`400 BAD REQUEST`)."""
    line = f"{status} {HTTPStatus(status).phrase}"
    if body is None:
        return Response(b"", line, headers)
    return Response(json.dumps(body), line, headers, content_type="application/json")


def body(request: Request) -> bytes:
    """The request's body, gzip undone (sentry-sdk compresses envelopes; brotli needs the
    `brotli` package, which the tests do not install)."""
    raw = request.get_data()
    encoding = request.headers.get("Content-Encoding")
    if encoding == "gzip":
        return gzip.decompress(raw)
    assert encoding in (None, "identity"), f"unexpected Content-Encoding {encoding}"
    return raw


def envelope(request: Request) -> Envelope:
    """The Sentry envelope a request carried."""
    return Envelope.deserialize(body(request))


def requests(httpserver: HTTPServer) -> list[Request]:
    """Every request the server answered, in order."""
    return [request for request, _ in httpserver.log]


def paths(httpserver: HTTPServer, method: str = "POST") -> list[str]:
    """The paths posted to (or asked with `method`), in order."""
    return [r.path for r in requests(httpserver) if r.method == method]


@contextmanager
def serve(
    handler: Callable[..., socketserver.BaseRequestHandler],
    server_class: type[socketserver.TCPServer] = socketserver.ThreadingTCPServer,
) -> Iterator[int]:
    """Serve a raw TCP `handler` on 127.0.0.1 at a free port (yielded); stop at once on exit.

    For the tests that answer below HTTP (a TLS handshake, raw bytes), and the built site's
    static files (tests/browser/built_site.py); a fake Sentry or API goes through `httpserver`.
    """
    tcp = server_class((HOST, 0), handler)
    tcp.daemon_threads = True  # a handler stuck on a client never holds the test up
    # poll every 50 ms, not the default 500: shutdown() returns at once
    thread = threading.Thread(target=tcp.serve_forever, args=(0.05,), daemon=True)
    thread.start()
    try:
        yield tcp.server_address[1]
    finally:
        # shutdown, not only close: a thread blocked in accept() would take the next
        # test's socket
        tcp.shutdown()
        tcp.server_close()
        thread.join()
