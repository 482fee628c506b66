"""A fast callback receiver in its own process: a bare asyncio HTTP/1.1 server on 127.0.0.1.

It answers every request ``200`` with an empty body at once (keep-alive), counts them and the
distinct ``webhook-id`` headers, and notes the time of the last one. The counters live in
shared memory, so the benchmark reads them without a request of its own.
"""

from __future__ import annotations

import asyncio
import contextlib
import multiprocessing as mp
import time
from dataclasses import dataclass
from typing import Any

from bench.process import free_port

_OK = b"HTTP/1.1 200 OK\r\ncontent-length: 0\r\nconnection: keep-alive\r\n\r\n"


async def _serve(port: int, requests: Any, unique: Any, last: Any, ready: Any) -> None:
    seen: set[bytes] = set()

    async def handle(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        try:
            while True:
                head = await reader.readuntil(b"\r\n\r\n")
                length = 0
                hook_id = b""
                for line in head.split(b"\r\n")[1:]:
                    name, _, value = line.partition(b":")
                    name = name.strip().lower()
                    if name == b"content-length":
                        length = int(value.strip())
                    elif name == b"webhook-id":
                        hook_id = value.strip()
                if length:
                    await reader.readexactly(length)
                writer.write(_OK)
                requests.value += 1
                if hook_id and hook_id not in seen:
                    seen.add(hook_id)
                    unique.value += 1
                last.value = time.monotonic()
        except (asyncio.IncompleteReadError, ConnectionError, asyncio.LimitOverrunError):
            pass
        finally:
            writer.close()

    server = await asyncio.start_server(handle, "127.0.0.1", port, backlog=1024)
    ready.set()
    async with server:
        await server.serve_forever()


def _main(port: int, requests: Any, unique: Any, last: Any, ready: Any) -> None:
    with contextlib.suppress(KeyboardInterrupt):
        asyncio.run(_serve(port, requests, unique, last, ready))


@dataclass
class Receiver:
    """Start with ``Receiver.start()``; read ``requests``, ``unique``, ``last``; ``stop()``."""

    port: int
    proc: Any
    _requests: Any  # shared ctypes values (lock-free: one writer)
    _unique: Any
    _last: Any

    @classmethod
    def start(cls) -> Receiver:
        ctx = mp.get_context("spawn")
        requests = ctx.Value("q", 0, lock=False)
        unique = ctx.Value("q", 0, lock=False)
        last = ctx.Value("d", 0.0, lock=False)
        ready = ctx.Event()
        port = free_port()
        proc = ctx.Process(
            target=_main, args=(port, requests, unique, last, ready), name="bench-receiver"
        )
        proc.start()
        if not ready.wait(30):
            proc.kill()
            raise RuntimeError("callback receiver did not start")
        return cls(port, proc, requests, unique, last)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}/callback"

    @property
    def requests(self) -> int:
        return int(self._requests.value)

    @property
    def unique(self) -> int:
        return int(self._unique.value)

    @property
    def last(self) -> float:
        """``time.monotonic()`` of the last request (0.0 before the first)."""
        return float(self._last.value)

    def stop(self) -> None:
        self.proc.terminate()
        self.proc.join(10)
        if self.proc.is_alive():
            self.proc.kill()
            self.proc.join(10)
