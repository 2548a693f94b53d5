"""A recording pass-through in front of Bugsink: what the SDKs sent, and what ingest answered.

Korrigo's DSN names this loopback port; every envelope is forwarded to Bugsink unchanged and
Bugsink's status and body come back unchanged, so the SDK meets Bugsink's real answers
(200, 429 with its `X-Sentry-Rate-Limits`). The tap records each item on the way: that is
the "sent" side of each drill's sent-versus-ingested count, and the transactions the
Performance drill measures.

One header entry is changed: Bugsink stores no transactions and says so on every 200 with
`X-Sentry-Rate-Limits: 86400:transaction;span:organization`, which would make the SDK stop
sending transactions for a day. The tap drops that one entry so the transactions keep
coming to it (it plays Sentry's Performance product here); a 429's key-wide limit is kept.
No library does this small job (mitmproxy is a whole application), hence http.server.

When Bugsink is down (the "ingest stopped" drill), the tap answers 502 Bad Gateway, as a
reverse proxy in front of a stopped server does, records the item with that status and
writes one line to its log: no traceback on the stack's terminal.
"""

from __future__ import annotations

import gzip
import json
import threading
import urllib.error
import urllib.request
from dataclasses import dataclass, field
from datetime import UTC, datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any


@dataclass(frozen=True)
class Item:
    """One envelope item as it went through the tap."""

    project_id: str
    type: str  # event, transaction, client_report, ...
    status: int  # what Bugsink answered for the envelope
    payload: dict[str, Any] = field(default_factory=dict)
    raw: bytes = b""  # the item's payload as it went over the wire (decompressed)
    at: datetime = field(default_factory=lambda: datetime.now(UTC))


def parse_envelope(body: bytes) -> list[tuple[dict[str, Any], bytes]]:
    """The (item header, payload) pairs of a Sentry envelope (newline-separated JSON)."""
    items = []
    rest = body.split(b"\n", 1)[1] if b"\n" in body else b""
    while rest.strip():
        header_line, _, rest = rest.partition(b"\n")
        header = json.loads(header_line)
        length = header.get("length")
        if length is None:
            payload, _, rest = rest.partition(b"\n")
        else:
            payload, rest = rest[:length], rest[length + 1 :]
        items.append((header, payload))
    return items


def _strip_transaction_limit(value: str) -> str:
    kept = [part for part in value.split(",") if "transaction" not in part]
    return ",".join(part.strip() for part in kept)


class Tap:
    """The pass-through: `start()` on a loopback port, `items` recorded, `stop()`."""

    #: What the tap answers when Bugsink cannot be reached.
    UNREACHABLE = 502

    def __init__(self, port: int, upstream: str, log: Path | None = None) -> None:
        self.port, self.upstream, self.log = port, upstream, log
        self.items: list[Item] = []
        self.inflight = 0  # envelopes received and not yet answered
        self._lock = threading.Lock()
        self._server = ThreadingHTTPServer(("127.0.0.1", port), self._handler())
        self._server.daemon_threads = True
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)

    def start(self) -> None:
        self._thread.start()

    def stop(self) -> None:
        if self._thread.is_alive():  # shutdown() waits for a serve_forever() that never ran
            self._server.shutdown()
            self._thread.join(timeout=5)
        self._server.server_close()

    def sent(self, project_id: str, kind: str = "event") -> list[Item]:
        """Items of `kind` the SDKs posted for `project_id`, whatever Bugsink answered."""
        with self._lock:
            return [i for i in self.items if i.project_id == project_id and i.type == kind]

    def _record(self, project_id: str, body: bytes, status: int) -> None:
        try:
            items = parse_envelope(body)
        except (ValueError, json.JSONDecodeError):
            return
        with self._lock:
            for header, payload in items:
                kind = header.get("type", "")
                data = (
                    json.loads(payload) if kind in ("event", "transaction", "client_report") else {}
                )
                self.items.append(Item(project_id, kind, status, data, payload))

    def _note(self, line: str) -> None:
        """One line in the tap's log (when it has one)."""
        if self.log is None:
            return
        with self._lock, self.log.open("a", encoding="utf-8") as handle:
            handle.write(f"{datetime.now(UTC).isoformat(timespec='seconds')} {line}\n")

    def _handler(self) -> type[BaseHTTPRequestHandler]:
        tap = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                with tap._lock:
                    tap.inflight += 1
                try:
                    self._forward()
                finally:
                    with tap._lock:
                        tap.inflight -= 1

            def _forward(self) -> None:
                body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
                headers = {
                    k: v
                    for k, v in self.headers.items()
                    if k.lower() not in ("host", "content-length", "connection")
                }
                request = urllib.request.Request(
                    tap.upstream + self.path, data=body, headers=headers, method="POST"
                )
                try:
                    with urllib.request.urlopen(request, timeout=30) as answer:
                        status, reply, reply_headers = answer.status, answer.read(), answer.headers
                except urllib.error.HTTPError as error:
                    status, reply, reply_headers = error.code, error.read(), error.headers
                except (urllib.error.URLError, OSError) as error:  # Bugsink is down
                    reason = getattr(error, "reason", error)
                    tap._note(f"{self.path}: ingest unreachable ({reason}): answered 502")
                    status, reply, reply_headers = tap.UNREACHABLE, b"ingest unreachable", {}
                plain = gzip.decompress(body) if headers.get("Content-Encoding") == "gzip" else body
                project_id = self.path.split("/")[2] if self.path.startswith("/api/") else ""
                tap._record(project_id, plain, status)
                self.send_response(status)
                for name, value in reply_headers.items():
                    if name.lower() in ("content-type", "retry-after"):
                        self.send_header(name, value)
                    elif name.lower() == "x-sentry-rate-limits":
                        kept = value if status == 429 else _strip_transaction_limit(value)
                        if kept:
                            self.send_header(name, kept)
                self.send_header("Content-Length", str(len(reply)))
                self.end_headers()
                self.wfile.write(reply)

            def log_message(self, format: str, *args: Any) -> None:
                pass  # quiet: the drills report counts, not access lines

        return Handler
