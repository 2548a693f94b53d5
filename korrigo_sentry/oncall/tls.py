"""An HTTPS handler for urllib whose certificate store is loaded on the first HTTPS request.

For the on-call commands' own requests (delivery's POST to the ingest, the korrigo-down
runbook's GETs). Building an SSL context parses every trusted certificate: about 40 ms of
CPU, as much as the rest of a plain-HTTP probe. A DSN or an address in `http://` (a local
Sentry, Bugsink, Korrigo's backend on localhost) never needs it, and urllib has no lazy
context of its own, hence this small subclass.
"""

from __future__ import annotations

import http.client
import ssl
import urllib.request
from collections.abc import Callable


class LazyHTTPSHandler(urllib.request.HTTPSHandler):
    """`HTTPSHandler(context=make())`, with `make()` called on the first HTTPS request (or
    by `context()`) and its context kept for the next ones."""

    def __init__(self, make: Callable[[], ssl.SSLContext]) -> None:
        super().__init__()
        self._make = make
        self._made: ssl.SSLContext | None = None

    def context(self) -> ssl.SSLContext:
        """The context, built now if it was not yet."""
        if self._made is None:
            self._made = self._make()
        return self._made

    def https_open(self, req: urllib.request.Request) -> http.client.HTTPResponse:
        return self.do_open(http.client.HTTPSConnection, req, context=self.context())
