"""A real webhook receiver for tests: HTTP on 127.0.0.1, in a background thread.

It behaves like a well-written production receiver: it verifies the
signature, processes each ``Idempotency-Key`` once and answers 200 to
duplicates. ``hold`` makes it accept a new notification, record it as
processed, and then delay its answer (to kill a worker mid-request).
"""

from __future__ import annotations

import json
import socket
import threading
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

from bot.escalation import signing


def free_port() -> int:
    """A port nothing listens on right now."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@dataclass(frozen=True)
class Received:
    key: str
    timestamp: str
    signature: str
    content_type: str
    body: bytes
    signature_valid: bool

    def json(self) -> dict[str, Any]:
        return json.loads(self.body)


class WebhookReceiver:
    """Records every POST; dedupes by Idempotency-Key like a real receiver should."""

    def __init__(self, secret: str, *, port: int = 0, status: int = 200, hold: bool = False):
        self.secret = secret
        self.status = status
        self.hold = hold
        self.requests: list[Received] = []
        self.processed: dict[str, dict[str, Any]] = {}
        self.first_request = threading.Event()
        self.release = threading.Event()  # lets held answers go
        self._lock = threading.Lock()
        self._server = ThreadingHTTPServer(("127.0.0.1", port), self._handler())
        self._server.daemon_threads = True
        self._thread = threading.Thread(
            target=self._server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True
        )

    @property
    def port(self) -> int:
        return self._server.server_address[1]

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}/hooks/restory"

    def start(self) -> WebhookReceiver:
        self._thread.start()
        return self

    def stop(self) -> None:
        self.release.set()
        self._server.shutdown()
        self._server.server_close()

    def _handle(self, headers: Any, body: bytes) -> tuple[int, dict[str, Any], bool]:
        """Returns (status, answer, hold-before-answering)."""
        timestamp = headers.get(signing.TIMESTAMP_HEADER, "")
        signature = headers.get(signing.SIGNATURE_HEADER, "")
        received = Received(
            key=headers.get(signing.IDEMPOTENCY_HEADER, ""),
            timestamp=timestamp,
            signature=signature,
            content_type=headers.get("Content-Type", ""),
            body=body,
            signature_valid=signing.verify(self.secret, timestamp, body, signature),
        )
        with self._lock:
            self.requests.append(received)
            self.first_request.set()
            if not received.signature_valid or not received.key:
                return 401, {"error": "bad signature"}, False
            if received.key in self.processed:
                return 200, {"duplicate": True}, False
            if self.status // 100 != 2:
                return self.status, {"error": "unavailable"}, False
            self.processed[received.key] = received.json()
            return 200, {"ok": True}, self.hold

    def _handler(self) -> type[BaseHTTPRequestHandler]:
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:  # noqa: N802 - http.server's naming
                body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
                status, answer, hold = receiver._handle(self.headers, body)
                if hold:
                    receiver.release.wait(30)
                data = json.dumps(answer).encode()
                try:
                    self.send_response(status)
                    self.send_header("Content-Type", "application/json")
                    self.send_header("Content-Length", str(len(data)))
                    self.end_headers()
                    self.wfile.write(data)
                except OSError:  # the worker was killed while we held the answer
                    pass

            def log_message(self, *_args: Any) -> None:
                pass

        return Handler
