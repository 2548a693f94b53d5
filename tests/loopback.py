"""One loopback HTTP server for the tests that exercise real HTTP (never the network).

Each test module writes only its handler (what the fake Sentry, proxy or GitHub answers);
starting, stopping and the free port live here, once. Written by hand rather than with
pytest-httpserver: several handlers answer from state shared with the test (a captured
envelope, a programmed status) and one module serves a proxy, which a request/response
expectation list does not model.
"""

from __future__ import annotations

import socketserver
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from http.server import ThreadingHTTPServer


@contextmanager
def serve(
    handler: type[socketserver.BaseRequestHandler],
    server_class: type[socketserver.ThreadingTCPServer] = ThreadingHTTPServer,
) -> Iterator[int]:
    """Serve `handler` on 127.0.0.1 at a free port (yielded); stop at once on exit.

    `server_class`: HTTP by default; a plain `socketserver.ThreadingTCPServer` for tests
    that answer below HTTP (a TLS handshake, a connection closed at once).
    """
    server = server_class(("127.0.0.1", 0), handler)
    server.daemon_threads = True  # a handler stuck on a client never holds the test up
    # poll every 50 ms, not the default 500: shutdown() returns at once
    thread = threading.Thread(target=server.serve_forever, args=(0.05,), daemon=True)
    thread.start()
    try:
        yield server.server_address[1]
    finally:
        # shutdown, not only close: a thread blocked in accept() would take the next
        # test's socket
        server.shutdown()
        server.server_close()
        thread.join()
