"""kill -9 in the middle of a stream of writes: every acknowledged write survives, and no write
is left half done."""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any

import httpx
import pytest
from sqlalchemy import func, select

from assay.context import Context
from assay.storage.tables import assignments, judgments, task_tags, tasks
from tests.e2e.helpers import Http, lease, poll, submit
from tests.factories import make_tenant
from tests.live import LiveServer

pytestmark = pytest.mark.slow

CREATORS = 4
SUBMITTERS = 2
CREATES_BEFORE_KILL = 40
SUBMITS_BEFORE_KILL = 8
MAX_CALLS = 400  # per thread: a bound even if the kill never came


class Stream:
    """Client threads writing until the server dies; they keep what was acknowledged."""

    def __init__(self, url: str, requester_key: str, annotator_key: str) -> None:
        self.url = url
        self.requester_key = requester_key
        self.annotator_key = annotator_key
        self.lock = threading.Lock()
        self.created: dict[str, dict[str, Any]] = {}  # task id -> what was sent
        self.submitted: dict[str, dict[str, Any]] = {}  # task id -> response
        self.unexpected: list[str] = []  # answers other than 200 (none expected)
        self.threads = [
            *(threading.Thread(target=self._create, args=(n,)) for n in range(CREATORS)),
            *(threading.Thread(target=self._submit) for _ in range(SUBMITTERS)),
        ]

    def start(self) -> None:
        for t in self.threads:
            t.start()

    def join(self, timeout: float) -> None:
        for t in self.threads:
            t.join(timeout)
        assert not any(t.is_alive() for t in self.threads), "client threads did not stop"

    def counts(self) -> tuple[int, int]:
        with self.lock:
            return len(self.created), len(self.submitted)

    def _client(self, key: str) -> httpx.Client:
        return httpx.Client(base_url=self.url, auth=(key, ""), timeout=20)

    def _unexpected(self, r: httpx.Response) -> None:
        with self.lock:
            self.unexpected.append(
                f"{r.request.method} {r.request.url.path}: {r.status_code} {r.text}"
            )

    def _create(self, n: int) -> None:
        with self._client(self.requester_key) as c:
            for seq in range(MAX_CALLS):
                sent = {
                    "project": "pets",
                    "attachment": f"https://example.com/{n}/{seq}.jpg",
                    "metadata": {"creator": n, "seq": seq},
                    "unique_id": f"c{n}-{seq}",
                    "tags": ["crash", f"creator-{n}"],
                }
                try:
                    r = c.post("/v1/task/categorization", json=sent)
                except httpx.HTTPError:
                    return  # the server is gone
                if r.status_code != 200:
                    return self._unexpected(r)
                with self.lock:
                    self.created[r.json()["task_id"]] = sent

    def _submit(self) -> None:
        with self._client(self.annotator_key) as c:
            for _ in range(MAX_CALLS):
                try:
                    r = c.post("/api/v1/queue/lease", json={"project": "pets"})
                    if r.status_code != 200:
                        return self._unexpected(r)
                    a = r.json()["assignment"]
                    if a is None:
                        continue  # the creators are behind; lease again
                    response = {"category": "cat" if a["id"] % 2 else "dog"}
                    r = c.post(
                        f"/api/v1/assignments/{a['id']}/submit",
                        json={"lease_token": a["lease_token"], "response": response},
                    )
                except httpx.HTTPError:
                    return
                if r.status_code != 200:
                    return self._unexpected(r)
                with self.lock:
                    self.submitted[a["task"]["task_id"]] = response


def _half_written(ctx: Context) -> list[str]:
    """Rows that only part of a transaction would leave behind."""
    problems: list[str] = []
    with ctx.db.read() as conn:
        for t in conn.execute(select(tasks)):
            if t.status == "completed" and (t.response is None or t.completed_at is None):
                problems.append(f"task {t.id} completed without a response")
            if t.status == "pending" and t.response is not None:
                problems.append(f"task {t.id} pending with a response")
        per_task = dict(
            conn.execute(
                select(assignments.c.task_id, func.count()).group_by(assignments.c.task_id)
            ).all()
        )
        for (tid,) in conn.execute(select(tasks.c.id)):
            if per_task.get(tid) != 1:
                problems.append(f"task {tid} has {per_task.get(tid, 0)} assignments, not 1")
        tagged = dict(
            conn.execute(
                select(task_tags.c.task_id, func.count()).group_by(task_tags.c.task_id)
            ).all()
        )
        for (tid,) in conn.execute(select(tasks.c.id)):
            if tagged.get(tid) != 2:
                problems.append(f"task {tid} has {tagged.get(tid, 0)} tags, not 2")
        judged = {row.assignment_id: row for row in conn.execute(select(judgments))}
        q = select(assignments.c.id, assignments.c.status, tasks.c.status.label("task_status"))
        for a in conn.execute(q.join(tasks, tasks.c.id == assignments.c.task_id)):
            # Every stage here takes one judgment: a submitted assignment finishes its task.
            if a.status == "submitted" and (a.task_status != "completed" or a.id not in judged):
                problems.append(f"assignment {a.id} submitted, task {a.task_status}")
            if a.status != "submitted" and a.id in judged:
                problems.append(f"assignment {a.id} is {a.status} but has a judgment")
    return problems


def test_kill_9_keeps_every_acknowledged_write(
    live_server: Callable[..., LiveServer], ctx: Context
) -> None:
    tenant = make_tenant(ctx, "acme")
    server = live_server(workers=2)
    requester = Http(server.url, tenant.requester_key)
    requester.ok(
        "POST",
        "/v1/projects",
        json={"name": "pets", "type": "categorization", "params": {"categories": ["cat", "dog"]}},
    )
    stream = Stream(server.url, tenant.requester_key, tenant.annotator_key)
    stream.start()
    try:
        poll(
            "enough acknowledged writes",
            stream.counts,
            lambda n: n[0] >= CREATES_BEFORE_KILL and n[1] >= SUBMITS_BEFORE_KILL,
            60,
        )
    finally:
        server.kill()  # mid-stream: the client threads are still writing
        stream.join(timeout=30)
    assert stream.unexpected == []

    server.start()
    requester.close()
    requester = Http(server.url, tenant.requester_key)
    created, submitted = stream.created, stream.submitted
    assert len(created) >= CREATES_BEFORE_KILL
    assert len(submitted) >= SUBMITS_BEFORE_KILL
    for tid, sent in created.items():
        task = requester.task(tid)
        assert (task["metadata"], task["unique_id"], task["params"]["attachment"]) == (
            sent["metadata"],
            sent["unique_id"],
            sent["attachment"],
        )
        assert sorted(task["tags"]) == sorted(sent["tags"])
    for tid, response in submitted.items():
        task = requester.task(tid)
        assert (task["status"], task["response"]) == ("completed", response), tid
    assert _half_written(ctx) == []

    # The restarted server goes on working: tasks are created, leased and completed.
    after = requester.ok(
        "POST",
        "/v1/task/categorization",
        json={"project": "pets", "attachment": "https://example.com/after.jpg"},
    )
    assert after["status"] == "pending"
    worker = Http(server.url, tenant.annotator_key)
    a = lease(worker, "pets")
    assert submit(worker, a, {"category": "cat"})["task_status"] == "completed"
    assert requester.task(a["task"]["task_id"])["response"] == {"category": "cat"}
    requester.close()
    worker.close()
