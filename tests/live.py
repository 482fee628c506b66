"""Assay servers in their own processes, for tests that need real HTTP, several servers or
a kill -9. Only ever bound to 127.0.0.1."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def server_env(db_url: str, data_dir: Path, port: int, **extra: Any) -> dict[str, str]:
    env = {
        **os.environ,
        "ASSAY_ENV": "dev",
        "ASSAY_DATA_DIR": str(data_dir),
        "ASSAY_DATABASE_URL": db_url,
        "ASSAY_HOST": "127.0.0.1",
        "ASSAY_PORT": str(port),
        "ASSAY_PUBLIC_URL": f"http://127.0.0.1:{port}",
        "ASSAY_ALLOW_PRIVATE_HOSTS": "127.0.0.1,::1",
        "ASSAY_AUTH_CACHE_SECONDS": "0",
        "ASSAY_RATE_LIMIT_PER_SECOND": "0",
        "ASSAY_CALLBACK_BACKOFF_SECONDS": "0.2",
        "ASSAY_CALLBACK_BACKOFF_MAX_SECONDS": "1",
        "ASSAY_CALLBACK_TIMEOUT_SECONDS": "2",
        "ASSAY_WORKER_POLL_SECONDS": "0.05",
    }
    env.update({f"ASSAY_{k.upper()}": str(v) for k, v in extra.items()})
    return env


@dataclass
class LiveServer:
    """``assay serve`` in a subprocess. ``stop()`` is graceful, ``kill()`` is kill -9."""

    db_url: str
    data_dir: Path
    port: int = field(default_factory=free_port)
    workers: int = 1
    extra: dict[str, Any] = field(default_factory=dict)
    proc: subprocess.Popen[bytes] | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def log_path(self) -> Path:
        return self.data_dir / f"server-{self.port}.log"

    def start(self, timeout: float = 60) -> LiveServer:
        self.data_dir.mkdir(parents=True, exist_ok=True)
        env = server_env(self.db_url, self.data_dir, self.port, **self.extra)
        log = self.log_path.open("ab")
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "assay.cli.main", "serve", "--workers", str(self.workers)],
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(f"server exited early:\n{self.log_path.read_text()[-3000:]}")
            try:
                if httpx.get(f"{self.url}/readyz", timeout=1).status_code == 200:
                    return self
            except httpx.HTTPError:
                pass
            time.sleep(0.1)
        self.kill()
        raise RuntimeError(f"server not ready in {timeout}s:\n{self.log_path.read_text()[-3000:]}")

    def stop(self) -> None:
        if self.proc is not None and self.proc.poll() is None:
            os.killpg(self.proc.pid, signal.SIGTERM)
            try:
                self.proc.wait(timeout=20)
            except subprocess.TimeoutExpired:
                self.kill()
        self.proc = None

    def kill(self) -> None:
        """SIGKILL the whole process group: no shutdown hooks, no flushing."""
        if self.proc is not None and self.proc.poll() is None:
            os.killpg(self.proc.pid, signal.SIGKILL)
            self.proc.wait(timeout=20)
        self.proc = None
