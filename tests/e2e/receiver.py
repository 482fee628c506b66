"""A callback receiver for end-to-end tests: a threaded HTTP server on 127.0.0.1.

It records every request it gets and answers each with the next planned status (200 once the
plan runs out). It can hang before answering, and it can be down: construct it (the port is
fixed then), let the server fail to reach it, and ``start()`` it later on the same port.
"""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from types import TracebackType
from typing import Any

from tests.live import free_port


@dataclass(frozen=True)
class Received:
    method: str
    path: str
    headers: dict[str, str]  # names lower-cased
    body: bytes
    answered: int | None  # the status it is answered with; None while it hangs

    def json(self) -> Any:
        return json.loads(self.body)


class Receiver:
    def __init__(self, port: int | None = None) -> None:
        self.port = port or free_port()
        self._lock = threading.Condition()
        self._received: list[Received] = []
        self._plan: list[int] = []
        self._hang_seconds = 0.0
        self._hang_times = 0
        self._closing = threading.Event()
        self._server: ThreadingHTTPServer | None = None
        self._thread: threading.Thread | None = None

    def url(self, path: str = "/callback") -> str:
        return f"http://127.0.0.1:{self.port}{path}"

    # Behaviour ----------------------------------------------------------------------------
    def answer(self, *statuses: int) -> Receiver:
        """Answer the next requests with these statuses, in order; then 200."""
        with self._lock:
            self._plan = list(statuses)
        return self

    def hang(self, seconds: float, times: int = 1) -> Receiver:
        """Hold the next ``times`` requests ``seconds`` before answering them."""
        with self._lock:
            self._hang_seconds, self._hang_times = seconds, times
        return self

    # Records ------------------------------------------------------------------------------
    @property
    def requests(self) -> list[Received]:
        with self._lock:
            return list(self._received)

    def wait_for(
        self, count: int, timeout: float = 30, where: Callable[[Received], bool] | None = None
    ) -> list[Received]:
        """The requests (matching ``where``) once there are ``count`` of them; fails after
        ``timeout`` seconds."""
        deadline = time.monotonic() + timeout
        with self._lock:
            while True:
                found = [r for r in self._received if where is None or where(r)]
                if len(found) >= count:
                    return found
                left = deadline - time.monotonic()
                if left <= 0:
                    raise AssertionError(
                        f"expected {count} request(s) in {timeout}s, got {len(found)}: {found}"
                    )
                self._lock.wait(left)

    def _record(self, handler: BaseHTTPRequestHandler, body: bytes) -> tuple[int, int, float]:
        with self._lock:
            index = len(self._received)
            self._received.append(
                Received(
                    method=handler.command,
                    path=handler.path,
                    headers={k.lower(): v for k, v in handler.headers.items()},
                    body=body,
                    answered=None,
                )
            )
            status = self._plan.pop(0) if self._plan else 200
            hang = 0.0
            if self._hang_times > 0:
                self._hang_times -= 1
                hang = self._hang_seconds
            self._lock.notify_all()
        return index, status, hang

    def _answered(self, index: int, status: int) -> None:
        with self._lock:
            r = self._received[index]
            self._received[index] = Received(r.method, r.path, r.headers, r.body, status)
            self._lock.notify_all()

    # Lifecycle ----------------------------------------------------------------------------
    def start(self) -> Receiver:
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def do_POST(self) -> None:
                length = int(self.headers.get("content-length") or 0)
                body = self.rfile.read(length) if length else b""
                index, status, hang = receiver._record(self, body)
                if hang and receiver._closing.wait(hang):
                    return
                payload = b'{"ok": true}' if status == 200 else b'{"error": "planned"}'
                receiver._answered(index, status)  # before sending: the caller sees it after
                try:
                    self.send_response(status)
                    self.send_header("content-type", "application/json")
                    self.send_header("content-length", str(len(payload)))
                    self.end_headers()
                    self.wfile.write(payload)
                except OSError:  # the caller gave up (timed out) before the answer
                    return

            def log_message(self, format: str, *args: Any) -> None:
                pass

        class Server(ThreadingHTTPServer):
            daemon_threads = True

            def handle_error(self, request: Any, client_address: Any) -> None:
                pass  # a caller that hangs up mid-answer is part of these tests

        self._closing.clear()
        self._server = Server(("127.0.0.1", self.port), Handler)
        self._thread = threading.Thread(
            target=self._server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True
        )
        self._thread.start()
        return self

    def stop(self) -> None:
        self._closing.set()
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
            self._server = None
        if self._thread is not None:
            self._thread.join(timeout=5)
            self._thread = None

    def __enter__(self) -> Receiver:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.stop()
