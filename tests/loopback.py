"""One loopback HTTP server for the tests that exercise real HTTP (never the network).

Each test module writes only its handler (what the fake Sentry, proxy or GitHub answers);
starting, stopping and the free port live here, once. Written by hand rather than with
pytest-httpserver: several handlers answer from state shared with the test (a captured
envelope, a programmed status) and one module serves a proxy, which a request/response
expectation list does not model.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


@contextmanager
def serve(handler: type[BaseHTTPRequestHandler]) -> Iterator[int]:
    """Serve `handler` on 127.0.0.1 at a free port (yielded); stop at once on exit."""
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    # poll every 50 ms, not the default 500: shutdown() returns at once
    thread = threading.Thread(target=server.serve_forever, args=(0.05,), daemon=True)
    thread.start()
    try:
        yield server.server_address[1]
    finally:
        server.shutdown()
        server.server_close()
        thread.join()
