"""Label Studio Community Edition, measured on the same machine for scale.

``python -m bench.peers.label_studio --venv bench/peers/ls-venv``. Label Studio runs from its
own virtual environment (``bench/peers/install_label_studio.sh`` makes one), started the way
its docs start it (``label-studio start``: Django's server, SQLite in a temporary data dir),
on 127.0.0.1. Then, with one client:

- import: ``POST /api/projects/{id}/import`` with ``--tasks`` image tasks in one request;
- next-task + annotation save, for ``--duration`` seconds: ``GET /api/projects/{id}/next``,
  then ``POST /api/tasks/{id}/annotations`` with one choice.

Prints a JSON object as its last line (the same fields ``bench.run`` reports).
"""

from __future__ import annotations

import argparse
import json
import os
import secrets
import shutil
import subprocess
import tempfile
import time
from pathlib import Path
from typing import Any

import httpx

from bench.common import percentiles_ms
from bench.process import free_port, spawn, stop_group, wait_ready

LABEL_CONFIG = (
    '<View><Image name="image" value="$image"/>'
    '<Choices name="choice" toName="image">'
    '<Choice value="cat"/><Choice value="dog"/><Choice value="bird"/><Choice value="fish"/>'
    "</Choices></View>"
)
RESULT = [
    {"from_name": "choice", "to_name": "image", "type": "choices", "value": {"choices": ["cat"]}}
]


class LabelStudio:
    """``label-studio start`` in its own process group, with a legacy API token."""

    def __init__(self, venv: Path) -> None:
        self.exe = venv / "bin" / "label-studio"
        if not self.exe.exists():
            raise FileNotFoundError(f"{self.exe} not found: install Label Studio there first")
        self.port = free_port()
        self.token = secrets.token_hex(20)
        self.data = Path(tempfile.mkdtemp(prefix="assay-bench-ls-"))
        self.proc: subprocess.Popen[bytes] | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self, timeout: float = 600) -> None:
        env = {
            **os.environ,
            "LABEL_STUDIO_BASE_DATA_DIR": str(self.data),
            "HOME": str(self.data),  # keeps everything it writes in the temporary dir
        }
        argv = [
            str(self.exe), "start", "--no-browser", "--host", self.url,
            "--internal-host", "127.0.0.1", "--port", str(self.port),
            "--data-dir", str(self.data), "--username", "bench@example.com",
            "--password", secrets.token_urlsafe(12), "--user-token", self.token,
            "--enable-legacy-api-token",
        ]  # fmt: skip
        self.proc = spawn(argv, env=env, log=self.data / "label-studio.log", cwd=self.data)
        wait_ready(
            self.proc,
            f"{self.url}/health",
            timeout=timeout,
            interval=1,
            name="Label Studio",
            log_tail=self.log_tail,
        )

    def log_tail(self) -> str:
        return (self.data / "label-studio.log").read_text(errors="replace")[-3000:]

    def stop(self) -> None:
        stop_group(self.proc)
        self.proc = None
        shutil.rmtree(self.data, ignore_errors=True)


def _ok(r: httpx.Response) -> Any:
    if r.status_code not in (200, 201):
        raise RuntimeError(f"{r.request.method} {r.request.url} -> {r.status_code}: {r.text[:500]}")
    return r.json()


def _version(client: httpx.Client) -> str:
    try:
        body = client.get("/api/version").json()
    except (httpx.HTTPError, ValueError):
        return "?"
    pkg = body.get("label-studio-os-package") or {}
    return str(pkg.get("version") or body.get("release") or "?")


def measure(ls: LabelStudio, *, tasks: int, duration: float) -> dict[str, Any]:
    headers = {"authorization": f"Token {ls.token}"}
    with httpx.Client(base_url=ls.url, headers=headers, timeout=600) as client:
        version = _version(client)
        project = _ok(
            client.post("/api/projects", json={"title": "bench", "label_config": LABEL_CONFIG})
        )
        pid = project["id"]
        data = [{"image": f"https://example.com/images/{i}.jpg"} for i in range(tasks)]
        started = time.perf_counter()
        _ok(client.post(f"/api/projects/{pid}/import", json=data))
        # Counted as imported once the project shows them all (should the import be async).
        count = 0
        deadline = time.monotonic() + 600
        while count < tasks and time.monotonic() < deadline:
            count = int(_ok(client.get(f"/api/projects/{pid}")).get("task_number") or 0)
            if count < tasks:
                time.sleep(0.05)
        import_s = time.perf_counter() - started
        if count != tasks:
            raise RuntimeError(f"Label Studio shows {count} of {tasks} imported tasks")

        nexts: list[float] = []
        saves: list[float] = []
        t0 = time.monotonic()
        deadline = t0 + duration
        while time.monotonic() < deadline and len(saves) < tasks:
            t = time.perf_counter()
            task = _ok(client.get(f"/api/projects/{pid}/next"))
            nexts.append(time.perf_counter() - t)
            t = time.perf_counter()
            _ok(
                client.post(
                    f"/api/tasks/{task['id']}/annotations",
                    params={"project": pid},
                    json={"result": RESULT, "lead_time": 1.0},
                )
            )
            saves.append(time.perf_counter() - t)
        loop_s = time.monotonic() - t0
    return {
        "version": version,
        "import": {
            "tasks": tasks,
            "seconds": round(import_s, 2),
            "rate": round(tasks / import_s, 1),
        },
        "cycles": {
            "count": len(saves),
            "seconds": round(loop_s, 2),
            "rate": round(len(saves) / loop_s, 1),
        },
        "next_task": {"rate": round(len(nexts) / sum(nexts), 1), **percentiles_ms(nexts)},
        "save": {"rate": round(len(saves) / sum(saves), 1), **percentiles_ms(saves)},
    }


def run(venv: Path, *, tasks: int, duration: float) -> dict[str, Any]:
    ls = LabelStudio(venv)
    started = time.monotonic()
    try:
        ls.start()
        startup = time.monotonic() - started
        out = measure(ls, tasks=tasks, duration=duration)
        out["startup_seconds"] = round(startup, 1)
        return out
    finally:
        ls.stop()


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(prog="python -m bench.peers.label_studio", description=__doc__)
    p.add_argument(
        "--venv",
        type=Path,
        default=Path(__file__).parent / "ls-venv",
        help="Label Studio's virtual environment (default: bench/peers/ls-venv).",
    )
    p.add_argument("--tasks", type=int, default=10_000, help="Tasks imported (default: 10000).")
    p.add_argument(
        "--duration", type=float, default=30.0, help="Seconds of next-task + save (default: 30)."
    )
    args = p.parse_args(argv)
    print(json.dumps(run(args.venv, tasks=args.tasks, duration=args.duration)))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
