"""The work queue under real concurrency: live servers, many annotators at once.

PostgreSQL: one uvicorn with 2 processes plus a second server, all on the same database.
SQLite: one server (one process). Client threads lease, heartbeat, release, skip, abandon
(let a 1-second lease run out, then try a stale submit) and submit, and every lease the
servers hand out is recorded with its token and time window. Afterwards:

* no assignment was ever held by two leases at once: whenever a lease was proven held (by a
  later successful heartbeat, submit, release or skip, or by its own expiry when nothing
  ended it), no other lease of that assignment started inside that window;
* nothing was lost or doubled: each task completed exactly once, with the response of the
  submit(s) that got a 200, one judgment per accepted submit, every assignment submitted,
  the servers' lease counters equal to the leases the clients saw, the batch completed.
"""

from __future__ import annotations

import random
import threading
import time
from collections import Counter, defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

import httpx
import pytest
from sqlalchemy import select

from assay.context import Context
from assay.storage.tables import assignments, judgments, tasks, users
from tests.conftest import test_settings as make_settings
from tests.factories import make_tenant
from tests.live import LiveServer

pytestmark = pytest.mark.slow

ANNOTATORS = 8
THREADS_EACH = 2
PHASE_SECONDS = 90.0
FORM = {"fields": [{"type": "text", "field_id": "note", "title": "Note"}]}


@dataclass
class Lease:
    token: str
    assignment_id: int
    task_id: str
    annotator: str
    # Client clock (the servers run on this machine, on the same clock): the lease request was
    # sent at `sent` and its answer read at `received`, so the claim happened in between.
    sent: float
    received: float
    expires_at: datetime
    # Send time of the last call that succeeded under this lease: it was still held then.
    held_at: float | None = None
    # Whether a successful submit, release or skip ended it (otherwise only its expiry did).
    ended_by_op: bool = False

    def held_until(self) -> float:
        """Until when this lease certainly held its assignment.

        An ended lease: the send time of the call that ended it. Otherwise its expiry: a claim
        by someone else compares the expiry with a time taken before that claim began.
        """
        if self.ended_by_op:
            assert self.held_at is not None
            return self.held_at
        return max(self.held_at or 0.0, _ms(self.expires_at) / 1000)


@dataclass
class Accepted:
    task_id: str
    assignment_id: int
    annotator: str
    note: str
    task_status: str
    received: float


@dataclass
class Log:
    leases: list[Lease] = field(default_factory=list)
    accepted: list[Accepted] = field(default_factory=list)
    refused_stale: int = 0
    problems: list[str] = field(default_factory=list)


def _ts(value: str) -> datetime:
    return datetime.fromisoformat(value)


def _ms(t: float | datetime) -> int:
    """Whole milliseconds since the epoch, rounded down (the API's timestamps are in ms)."""
    seconds = t.timestamp() if isinstance(t, datetime) else t
    return int(seconds * 1000)


class Annotator:
    """One client thread: a seeded mix of everything an annotator can do."""

    def __init__(self, url: str, key: str, name: str, project: str, seed: int) -> None:
        self.http = httpx.Client(base_url=url, auth=(key, ""), timeout=30)
        self.name = name
        self.project = project
        self.rng = random.Random(seed)
        self.log = Log()
        self.stale: list[Lease] = []
        self.seq = 0

    def _post(self, path: str, body: dict[str, Any]) -> tuple[float, httpx.Response]:
        sent = time.time()
        return sent, self.http.post(path, json=body)

    def _timed(self, path: str, body: dict[str, Any]) -> tuple[float, float, httpx.Response]:
        sent, r = self._post(path, body)
        return sent, time.time(), r

    def _expect(self, what: str, r: httpx.Response, *statuses: int) -> bool:
        if r.status_code not in statuses:
            self.log.problems.append(f"{self.name} {what}: {r.status_code} {r.text[:300]}")
            return False
        return True

    def run(self, stop: threading.Event, deadline: float) -> None:
        try:
            while not stop.is_set() and time.monotonic() < deadline:
                self._stale_submits(wait=False)
                if not self._step() and not stop.is_set():
                    stop.wait(0.05)
            self._stale_submits(wait=True)
        except Exception as exc:  # recorded, not raised: the test reports every thread's
            self.log.problems.append(f"{self.name}: {type(exc).__name__}: {exc}")
        finally:
            self.http.close()

    def _step(self) -> bool:
        """One lease and what follows; False when the queue had nothing for us."""
        roll = self.rng.random()
        abandon = roll < 0.05
        sent, received, r = self._timed(
            "/api/v1/queue/lease",
            {"project": self.project, "lease_seconds": 1 if abandon else 60},
        )
        if not self._expect("lease", r, 200):
            return False
        a = r.json()["assignment"]
        if a is None:
            return False
        lease = Lease(
            token=a["lease_token"],
            assignment_id=a["id"],
            task_id=a["task"]["task_id"],
            annotator=self.name,
            sent=sent,
            received=received,
            expires_at=_ts(a["lease_expires_at"]),
        )
        self.log.leases.append(lease)
        if a["status"] != "open" or a["project"] != self.project:
            self.log.problems.append(f"{self.name} leased {a}")
        if abandon:
            self.stale.append(lease)
        elif roll < 0.10:
            self._op(lease, "release", {})
        elif roll < 0.14:
            self._op(lease, "skip", {"reason": "not sure"})
        else:
            if roll < 0.22:
                sent, r = self._post(
                    f"/api/v1/assignments/{lease.assignment_id}/heartbeat",
                    {"lease_token": lease.token, "lease_seconds": 60},
                )
                if self._expect("heartbeat", r, 200):
                    lease.held_at = sent
                    lease.expires_at = _ts(r.json()["lease_expires_at"])
            if roll > 0.95:
                _, r = self._post(
                    f"/api/v1/assignments/{lease.assignment_id}/submit",
                    {"lease_token": "forged", "response": {"annotations": {"note": "x"}}},
                )
                self._expect("forged submit", r, 409)
            self._submit(lease)
        return True

    def _op(self, lease: Lease, action: str, body: dict[str, Any]) -> None:
        sent, r = self._post(
            f"/api/v1/assignments/{lease.assignment_id}/{action}",
            {"lease_token": lease.token, **body},
        )
        if self._expect(action, r, 200):
            lease.held_at, lease.ended_by_op = sent, True

    def _submit(self, lease: Lease) -> None:
        self.seq += 1
        note = f"{self.name}#{self.seq}"
        sent, received, r = self._timed(
            f"/api/v1/assignments/{lease.assignment_id}/submit",
            {"lease_token": lease.token, "response": {"annotations": {"note": note}}},
        )
        if self._expect("submit", r, 200):
            lease.held_at, lease.ended_by_op = sent, True
            status = r.json()["task_status"]
            self.log.accepted.append(
                Accepted(lease.task_id, lease.assignment_id, self.name, note, status, received)
            )

    def _stale_submits(self, *, wait: bool) -> None:
        """Submit under leases we let expire: always refused, nothing written."""
        for lease in list(self.stale):
            due = lease.expires_at.timestamp() + 0.2
            if time.time() < due:
                if not wait:
                    continue
                time.sleep(max(0.0, due - time.time()))
            self.stale.remove(lease)
            _, r = self._post(
                f"/api/v1/assignments/{lease.assignment_id}/submit",
                {"lease_token": lease.token, "response": {"annotations": {"note": "stale"}}},
            )
            if self._expect("stale submit", r, 409):
                code = r.json()["code"]
                if code in ("lease_expired", "conflict"):
                    self.log.refused_stale += 1
                else:
                    self.log.problems.append(f"stale submit refused with code {code}")


def _run_phase(
    *,
    urls: list[str],
    keys: dict[str, str],
    requester_key: str,
    project: str,
    batch: str,
    n: int,
) -> Log:
    """Every annotator thread works the batch until the batch status says all completed."""
    threads_and_workers: list[tuple[threading.Thread, Annotator]] = []
    stop = threading.Event()
    deadline = time.monotonic() + PHASE_SECONDS
    i = 0
    for name, key in keys.items():
        for _ in range(THREADS_EACH):
            worker = Annotator(urls[i % len(urls)], key, name, project, seed=i)
            t = threading.Thread(target=worker.run, args=(stop, deadline), daemon=True)
            threads_and_workers.append((t, worker))
            i += 1
    for t, _ in threads_and_workers:
        t.start()
    status: dict[str, Any] = {}
    try:
        with httpx.Client(base_url=urls[0], auth=(requester_key, ""), timeout=30) as req:
            while time.monotonic() < deadline:
                # Done, or nothing left in the queue (open and leased: 0) while not done,
                # which no further work can change: stop either way and check.
                queue = {q["project"]: q for q in req.get("/api/v1/queue").json()}[project]
                status = req.get(f"/v1/batches/{batch}/status").json()
                if status["completed"] == n or queue["available"] + queue["leased"] == 0:
                    break
                time.sleep(0.2)
    finally:
        stop.set()
        for t, _ in threads_and_workers:
            t.join(timeout=30)
    assert not any(t.is_alive() for t, _ in threads_and_workers), "a client thread hung"
    merged = Log()
    for _, w in threads_and_workers:
        merged.leases += w.log.leases
        merged.accepted += w.log.accepted
        merged.refused_stale += w.log.refused_stale
        merged.problems += w.log.problems
    assert merged.problems == []
    assert status == {
        "status": "completed",
        "pending": 0,
        "completed": n,
        "error": 0,
        "canceled": 0,
    }, f"not done ({PHASE_SECONDS}s at most): {status}"
    return merged


def _check_exclusive(leases: list[Lease], accepted: list[Accepted]) -> None:
    """No two leases of one assignment held it at the same time; none after its submit.

    A lease certainly held its assignment from the moment its answer was read to
    ``held_until()``; two such windows of one assignment must not overlap.
    """
    by_assignment: dict[int, list[Lease]] = defaultdict(list)
    for lease in leases:
        by_assignment[lease.assignment_id].append(lease)
    overlaps = []
    for aid, group in by_assignment.items():
        assert len({x.token for x in group}) == len(group), f"token reused on {aid}"
        for i, first in enumerate(group):
            for other in group[i + 1 :]:
                if max(first.received, other.received) < min(
                    first.held_until(), other.held_until()
                ):
                    overlaps.append(f"assignment {aid}: {first} and {other}")
    assert overlaps == []
    # A submitted assignment is never handed out again.
    submitted = {x.assignment_id: x.received for x in accepted}
    late = [x for x in leases if x.sent > submitted[x.assignment_id]]
    assert late == []


def _check_store(ctx: Context, log: Log, project_task_ids: set[str], responses: int) -> None:
    with ctx.db.read() as conn:
        user_ids = {r.username: r.id for r in conn.execute(select(users.c.username, users.c.id))}
        task_rows = {
            r.id: r for r in conn.execute(select(tasks).where(tasks.c.id.in_(project_task_ids)))
        }
        assignment_rows = list(
            conn.execute(select(assignments).where(assignments.c.task_id.in_(project_task_ids)))
        )
        judgment_rows = list(
            conn.execute(
                select(judgments)
                .where(judgments.c.task_id.in_(project_task_ids))
                .order_by(judgments.c.id)
            )
        )
    n = len(project_task_ids)
    # Counts add up.
    assert len(log.accepted) == n * responses
    assert len(judgment_rows) == n * responses
    assert len(assignment_rows) == n * responses
    assert Counter(a.status for a in assignment_rows) == {"submitted": n * responses}
    assert sum(a.lease_count for a in assignment_rows) == len(log.leases)
    assert Counter(x.task_status for x in log.accepted) == {
        "completed": n,
        **({"pending": n * (responses - 1)} if responses > 1 else {}),
    }
    completions = Counter(x.task_id for x in log.accepted if x.task_status == "completed")
    assert set(completions) == project_task_ids
    assert set(completions.values()) == {1}
    # Every accepted submit is a judgment, on the assignment and by the person who sent it.
    expected = sorted(
        (x.task_id, x.assignment_id, user_ids[x.annotator], x.note) for x in log.accepted
    )
    stored = sorted(
        (
            j.task_id,
            j.assignment_id,
            j.annotator_id,
            j.response["annotations"]["note"]["response"][0][0],
        )
        for j in judgment_rows
    )
    assert stored == expected
    # Each task completed with exactly its judgments, from distinct people.
    notes: dict[str, list[str]] = defaultdict(list)
    people: dict[str, set[int]] = defaultdict(set)
    for j in judgment_rows:
        notes[j.task_id].append(j.response["annotations"]["note"]["response"][0][0])
        people[j.task_id].add(j.annotator_id)
    for tid, row in task_rows.items():
        assert row.status == "completed"
        assert row.response["annotations"]["note"]["response"] == [[x] for x in notes[tid]]
        assert len(people[tid]) == responses


def _setup(
    url: str, requester_key: str, project: str, batch: str, n: int, responses: int
) -> set[str]:
    with httpx.Client(base_url=url, auth=(requester_key, ""), timeout=60) as req:
        params = {**FORM, "responses_required": responses}
        r = req.post(
            "/v1/projects", json={"name": project, "type": "textcollection", "params": params}
        )
        assert r.status_code == 200, r.text
        r = req.post("/v1/batches", json={"project": project, "name": batch})
        assert r.status_code == 200, r.text
        items = [
            {"type": "textcollection", "project": project, "batch": batch, "priority": i % 3}
            for i in range(n)
        ]
        r = req.post("/api/v1/tasks/bulk", json={"tasks": items})
        assert r.status_code == 200, r.text
        ids = set(r.json()["task_ids"])
        r = req.post(f"/v1/batches/{batch}/finalize")
        assert r.status_code == 200, r.text
    assert len(ids) == n
    return ids


def test_queue_under_concurrent_annotators(
    backend: str, db_url: str, tmp_path: Path, live_server: Callable[..., LiveServer]
) -> None:
    if backend == "postgresql":
        servers = [live_server(workers=2), live_server()]
    else:
        servers = [live_server(workers=1)]
    urls = [s.url for s in servers]
    ctx = Context.from_settings(make_settings(db_url, tmp_path / "ctx"), pool_size=2)
    try:
        tenant = make_tenant(ctx, "acme")
        keys = {f"ann{i}": tenant.annotator(ctx, f"ann{i}") for i in range(ANNOTATORS)}

        # One judgment per task: 200 tasks.
        single = _setup(urls[0], tenant.requester_key, "single", "b-single", 200, 1)
        first = log = _run_phase(
            urls=urls,
            keys=keys,
            requester_key=tenant.requester_key,
            project="single",
            batch="b-single",
            n=200,
        )
        _check_exclusive(log.leases, log.accepted)
        _check_store(ctx, log, single, 1)

        # Three distinct respondents per task: their last submits race to complete it.
        triple = _setup(urls[-1], tenant.requester_key, "triple", "b-triple", 40, 3)
        log = _run_phase(
            urls=urls,
            keys=keys,
            requester_key=tenant.requester_key,
            project="triple",
            batch="b-triple",
            n=40,
        )
        _check_exclusive(log.leases, log.accepted)
        _check_store(ctx, log, triple, 3)
        # Leases left to expire were tried again afterwards, and refused.
        assert first.refused_stale + log.refused_stale > 0
    finally:
        ctx.close()
