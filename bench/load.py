"""HTTP load from client processes, so that the clients' own GIL does not cap the server.

Each client is one thread with its own keep-alive ``httpx.Client`` (one connection); clients are
spread over a few processes. All clients start together once every process is ready, and each
stops at its deadline, after its count, or when the queue is empty. Each request is timed with
``time.perf_counter``.
"""

from __future__ import annotations

import multiprocessing as mp
import queue
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import httpx
import orjson

from bench.common import RESPONSE, percentiles_ms, task_payload

JSON = {"content-type": "application/json"}
MAX_ERROR_SAMPLES = 5


@dataclass(frozen=True)
class ClientSpec:
    kind: str  # create | bulk | lease_submit
    url: str
    key: str
    project: str
    duration: float
    max_ops: int | None = None  # requests (create, bulk) or cycles (lease_submit)
    batch: int = 1000  # tasks per bulk request
    first: int = 0  # numbering of the payloads this client sends


@dataclass
class ClientResult:
    ops: int = 0  # tasks created, or lease+submit cycles
    requests: int = 0
    errors: int = 0
    error_samples: list[str] = field(default_factory=list)
    latencies: dict[str, list[float]] = field(default_factory=dict)
    t0: float = 0.0
    t1: float = 0.0
    stopped: str = "duration"

    def timed(self, name: str, fn: Callable[[], httpx.Response]) -> httpx.Response | None:
        started = time.perf_counter()
        try:
            resp = fn()
        except httpx.HTTPError as exc:
            self._error(f"{name}: {type(exc).__name__}: {exc}")
            return None
        self.latencies.setdefault(name, []).append(time.perf_counter() - started)
        self.requests += 1
        if resp.status_code != 200:
            self._error(f"{name}: {resp.status_code} {resp.text[:300]}")
            return None
        return resp

    def _error(self, message: str) -> None:
        self.errors += 1
        if len(self.error_samples) < MAX_ERROR_SAMPLES:
            self.error_samples.append(message)


def _post(client: httpx.Client, path: str, body: Any) -> Callable[[], httpx.Response]:
    content = orjson.dumps(body)
    return lambda: client.post(path, content=content, headers=JSON)


def _run_client(spec: ClientSpec, client: httpx.Client, go: Any) -> ClientResult:
    res = ClientResult()
    go.wait()
    res.t0 = time.monotonic()
    deadline = res.t0 + spec.duration
    n = 0
    while time.monotonic() < deadline:
        if spec.max_ops is not None and n >= spec.max_ops:
            res.stopped = "count"
            break
        i = spec.first + n
        n += 1
        if spec.kind == "create":
            body = task_payload(i, project=spec.project)
            if res.timed("create", _post(client, "/v1/task/categorization", body)):
                res.ops += 1
        elif spec.kind == "bulk":
            tasks = [
                task_payload(i * spec.batch + k, project=spec.project, type="categorization")
                for k in range(spec.batch)
            ]
            if res.timed("bulk", _post(client, "/api/v1/tasks/bulk", {"tasks": tasks})):
                res.ops += spec.batch
        elif not _lease_submit(spec, client, res):
            res.stopped = "empty" if res.errors == 0 else "error"
            break
    res.t1 = time.monotonic()
    return res


def _lease_submit(spec: ClientSpec, client: httpx.Client, res: ClientResult) -> bool:
    """One cycle; False when the queue has nothing left for this annotator (or on error)."""
    leased = res.timed("lease", _post(client, "/api/v1/queue/lease", {"project": spec.project}))
    if leased is None:
        return False
    a = leased.json()["assignment"]
    if a is None:
        return False
    body = {"lease_token": a["lease_token"], "response": RESPONSE, "time_spent_ms": 1000}
    if res.timed("submit", _post(client, f"/api/v1/assignments/{a['id']}/submit", body)):
        res.ops += 1
    return True


def _process(specs: list[ClientSpec], ready: Any, go: Any, out: Any) -> None:
    clients = [
        httpx.Client(
            base_url=spec.url,
            headers={"authorization": f"Bearer {spec.key}"},
            timeout=120,
            limits=httpx.Limits(max_connections=1, max_keepalive_connections=1),
        )
        for spec in specs
    ]
    results: list[ClientResult | None] = [None] * len(specs)

    def work(k: int) -> None:
        results[k] = _run_client(specs[k], clients[k], go)

    threads = [threading.Thread(target=work, args=(k,)) for k in range(len(specs))]
    for t in threads:
        t.start()
    ready.put(len(specs))
    for t in threads:
        t.join()
    for c in clients:
        c.close()
    out.put([r.__dict__ for r in results if r is not None])


@dataclass
class LoadResult:
    clients: int
    processes: int
    ops: int
    requests: int
    errors: int
    seconds: float
    latencies: dict[str, list[float]]
    error_samples: list[str]
    stopped: dict[str, int]

    @property
    def rate(self) -> float:
        return self.ops / self.seconds if self.seconds > 0 else 0.0

    def latency(self, name: str) -> dict[str, float | None]:
        return percentiles_ms(self.latencies.get(name, []))


def _collect(
    procs: list[Any], q: Any, *, until: Callable[[list[Any]], bool], timeout: float, what: str
) -> list[Any]:
    """Items from ``q`` until ``until`` holds; fails fast when a client process dies."""
    items: list[Any] = []
    deadline = time.monotonic() + timeout
    while not until(items):
        try:
            items.append(q.get(timeout=0.5))
            continue
        except queue.Empty:
            pass
        dead = [p.exitcode for p in procs if p.exitcode not in (None, 0)]
        if dead:
            raise RuntimeError(f"a client process exited with code {dead[0]} (could not {what})")
        if time.monotonic() > deadline:
            raise RuntimeError(f"client processes did not {what} within {timeout:.0f} s")
    return items


def run_clients(specs: list[ClientSpec], *, processes: int, timeout: float) -> LoadResult:
    """Run every client to its end; ``timeout`` bounds the whole run (a hung server)."""
    ctx = mp.get_context("spawn")
    processes = max(1, min(processes, len(specs)))
    ready, out, go = ctx.Queue(), ctx.Queue(), ctx.Event()
    groups = [specs[p::processes] for p in range(processes)]
    procs = [ctx.Process(target=_process, args=(g, ready, go, out)) for g in groups]
    for p in procs:
        p.start()
    results: list[dict[str, Any]] = []
    try:
        _collect(procs, ready, until=lambda got: sum(got) == len(specs), timeout=120, what="start")
        go.set()
        parts = _collect(
            procs, out, until=lambda got: len(got) == len(procs), timeout=timeout, what="finish"
        )
        results = [r for part in parts for r in part]
    finally:
        for p in procs:
            p.join(5)
            if p.is_alive():
                p.kill()
                p.join(5)
    latencies: dict[str, list[float]] = {}
    stopped: dict[str, int] = {}
    for r in results:
        for name, values in r["latencies"].items():
            latencies.setdefault(name, []).extend(values)
        stopped[r["stopped"]] = stopped.get(r["stopped"], 0) + 1
    return LoadResult(
        clients=len(specs),
        processes=processes,
        ops=sum(r["ops"] for r in results),
        requests=sum(r["requests"] for r in results),
        errors=sum(r["errors"] for r in results),
        seconds=max(r["t1"] for r in results) - min(r["t0"] for r in results),
        latencies=latencies,
        error_samples=[s for r in results for s in r["error_samples"]][:MAX_ERROR_SAMPLES],
        stopped=stopped,
    )
