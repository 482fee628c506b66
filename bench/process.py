"""Servers the benchmarks start: a process group, a readiness poll, a clean stop."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import time
from collections.abc import Callable, Sequence
from pathlib import Path

import httpx


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def spawn(
    argv: Sequence[str], *, env: dict[str, str], log: Path, cwd: Path | None = None
) -> subprocess.Popen[bytes]:
    """Start ``argv`` in its own process group, output appended to ``log``."""
    with log.open("ab") as out:
        return subprocess.Popen(
            list(argv),
            env=env,
            cwd=cwd,
            stdout=out,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )


def wait_ready(
    proc: subprocess.Popen[bytes],
    url: str,
    *,
    timeout: float,
    interval: float,
    name: str,
    log_tail: Callable[[], str],
) -> None:
    """Poll ``url`` until it answers 200; raise with the log if the process dies or stalls."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"{name} exited early:\n{log_tail()}")
        try:
            if httpx.get(url, timeout=2).status_code == 200:
                return
        except httpx.HTTPError:
            pass
        time.sleep(interval)
    raise RuntimeError(f"{name} not ready in {timeout}s:\n{log_tail()}")


def stop_group(proc: subprocess.Popen[bytes] | None) -> None:
    """SIGTERM the group, SIGKILL it if it has not ended within 30 s."""
    if proc is None or proc.poll() is not None:
        return
    os.killpg(proc.pid, signal.SIGTERM)
    try:
        proc.wait(timeout=30)
    except subprocess.TimeoutExpired:
        os.killpg(proc.pid, signal.SIGKILL)
        proc.wait(timeout=30)
