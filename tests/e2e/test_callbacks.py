"""Callback delivery by the worker inside a live ``assay serve``: retries, timeouts, the
deadline, batch callbacks, and no callback for work that did not complete."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

import pytest
from sqlalchemy import select

from assay.context import Context
from assay.storage.tables import jobs
from tests.e2e.helpers import Http, complete, poll, verified
from tests.e2e.receiver import Receiver
from tests.factories import make_tenant
from tests.live import LiveServer

pytestmark = pytest.mark.slow

PETS = {"name": "pets", "type": "categorization", "params": {"categories": ["cat", "dog"]}}


@dataclass
class Live:
    server: LiveServer
    ctx: Context
    requester: Http
    worker: Http

    def task(self, **payload: Any) -> str:
        body = {"project": "pets", "attachment": "https://example.com/a.jpg", **payload}
        return str(self.requester.ok("POST", "/v1/task/categorization", json=body)["task_id"])

    def wait_task(self, task_id: str, done: Callable[[Any], bool], what: str) -> Any:
        return poll(what, lambda: self.requester.task(task_id), done, 30)

    def jobs(self, **where: Any) -> list[Any]:
        with self.ctx.db.read() as conn:
            q = select(jobs).where(*(jobs.c[k] == v for k, v in where.items()))
            return list(conn.execute(q.order_by(jobs.c.id)))


@pytest.fixture
def live(live_server: Callable[..., LiveServer], ctx: Context) -> Iterator[Callable[..., Live]]:
    """``live(**settings)``: a server on this test's database, with org "acme" and "pets"."""
    clients: list[Http] = []

    def start(**settings: Any) -> Live:
        tenant = make_tenant(ctx, "acme")
        server = live_server(**settings)
        requester = Http(server.url, tenant.requester_key)
        worker = Http(server.url, tenant.annotator_key)
        clients.extend((requester, worker))
        requester.ok("POST", "/v1/projects", json=PETS)
        return Live(server, ctx, requester, worker)

    yield start
    for c in clients:
        c.close()


def test_receiver_down_then_back_gets_the_callback(live: Callable[..., Live]) -> None:
    env = live()
    with Receiver() as receiver:  # its port is fixed, but nothing listens yet
        tid = env.task(callback_url=receiver.url())
        complete(env.worker, "pets", tid, {"category": "cat"})
        failed = env.wait_task(
            tid, lambda t: len(t["callback_attempts"]) >= 1, "a first, failed attempt"
        )
        first = failed["callback_attempts"][0]
        assert (first["attempt"], first["status_code"]) == (1, None)
        assert first["error"].startswith("ConnectError")
        assert failed["callback_succeeded"] is False

        receiver.start()
        [request] = receiver.wait_for(1)
        body = verified(env.ctx, "acme", request)
        assert (body["task_id"], body["status"], body["response"]) == (
            tid,
            "completed",
            {"category": "cat"},
        )
        done = env.wait_task(tid, lambda t: t.get("callback_succeeded") is True, "delivery")
    attempts = done["callback_attempts"]
    assert [a["attempt"] for a in attempts] == list(range(1, len(attempts) + 1))
    assert [a["status_code"] for a in attempts] == [None] * (len(attempts) - 1) + [200]
    assert all(a["error"].startswith("ConnectError") for a in attempts[:-1])
    assert attempts[-1]["error"] is None
    assert len(receiver.requests) == 1
    [job] = env.jobs(task_id=tid)
    assert (job.status, job.attempts) == ("done", len(attempts))


def test_500_is_retried_until_200(live: Callable[..., Live]) -> None:
    env = live()
    with Receiver().answer(500, 500).start() as receiver:
        tid = env.task(callback_url=receiver.url())
        complete(env.worker, "pets", tid, {"category": "dog"})
        receiver.wait_for(3)
        done = env.wait_task(tid, lambda t: t.get("callback_succeeded") is True, "delivery")
        requests = receiver.requests
    attempts = done["callback_attempts"]
    assert [(a["attempt"], a["status_code"]) for a in attempts] == [(1, 500), (2, 500), (3, 200)]
    assert [a["error"] for a in attempts] == ['{"error": "planned"}'] * 2 + [None]
    assert [r.answered for r in requests] == [500, 500, 200]
    # Every attempt is signed, and all carry the same message id (the receiver's dedup key).
    assert len({r.headers["webhook-id"] for r in requests}) == 1
    for r in requests:
        assert verified(env.ctx, "acme", r)["task_id"] == tid
    assert len(requests) == 3


def test_a_hanging_receiver_times_out_and_is_retried(live: Callable[..., Live]) -> None:
    env = live(callback_timeout_seconds=1)
    with Receiver().hang(5, times=1).start() as receiver:
        tid = env.task(callback_url=receiver.url())
        complete(env.worker, "pets", tid, {"category": "cat"})
        receiver.wait_for(2)
        done = env.wait_task(tid, lambda t: t.get("callback_succeeded") is True, "delivery")
        requests = receiver.requests
    [timed_out, ok] = done["callback_attempts"]
    assert (timed_out["attempt"], timed_out["status_code"]) == (1, None)
    assert timed_out["error"].startswith("ReadTimeout")
    assert 900 <= timed_out["duration_ms"] < 4000
    assert (ok["attempt"], ok["status_code"], ok["error"]) == (2, 200, None)
    assert [r.answered for r in requests] == [None, 200]


def test_delivery_gives_up_at_the_deadline(live: Callable[..., Live]) -> None:
    env = live(callback_deadline_seconds=1)
    with Receiver().answer(*[500] * 100).start() as receiver:
        tid = env.task(callback_url=receiver.url())
        complete(env.worker, "pets", tid, {"category": "cat"})
        [job] = poll(
            "the job to die", lambda: env.jobs(task_id=tid), lambda j: j[0].status == "dead", 30
        )
        task = env.requester.task(tid)
        received = receiver.requests
    assert job.last_error == 'gave up at the deadline: {"error": "planned"}'
    assert task["callback_succeeded"] is False
    attempts = task["callback_attempts"]
    assert len(attempts) >= 2  # backoff 0.2 s leaves room for a retry within 1 s
    assert len(attempts) == job.attempts == len(received)
    assert {a["status_code"] for a in attempts} == {500}
    assert all(r.answered == 500 for r in received)


def test_batch_callback_when_its_last_task_completes(live: Callable[..., Live]) -> None:
    env = live()
    with Receiver().start() as receiver:
        env.requester.ok(
            "POST",
            "/v1/batches",
            json={"project": "pets", "name": "b1", "callback": receiver.url("/batch")},
        )
        first, second = env.task(batch="b1"), env.task(batch="b1")
        env.requester.ok("POST", "/v1/batches/b1/finalize")
        [batch] = env.requester.ok("GET", "/v1/batches", params={"project": "pets"})["docs"]
        complete(env.worker, "pets", first, {"category": "cat"})
        # One task still pending: the batch is open and no batch callback is queued.
        assert env.requester.ok("GET", "/v1/batches/b1")["status"] == "in_progress"
        assert env.jobs(kind="batch_callback") == []
        complete(env.worker, "pets", second, {"category": "dog"})
        [request] = receiver.wait_for(1)
        body = verified(env.ctx, "acme", request)
        done = poll(
            "batch callback_succeeded",
            lambda: env.requester.ok("GET", "/v1/batches/b1"),
            lambda b: b.get("callback_succeeded") is True,
            30,
        )
    assert request.path == "/batch"
    assert (body["name"], body["status"], body["task_counts"]) == (
        "b1",
        "completed",
        {"completed": 2},
    )
    assert body["batch"]["name"] == "b1"
    assert body["batch"]["project"] == "pets"
    assert batch["status"] == "in_progress"
    assert done["status"] == "completed"
    # Tasks without a callback_url sent nothing; the batch sent one.
    assert len(receiver.requests) == 1
    assert [j.kind for j in env.jobs()] == ["batch_callback"]


def test_no_callback_for_a_task_that_did_not_complete(live: Callable[..., Live]) -> None:
    env = live()
    with Receiver().start() as receiver:
        canceled = env.task(callback_url=receiver.url("/canceled"))
        env.requester.ok("POST", f"/v1/task/{canceled}/cancel")
        # A completed task's callback, sent after the cancel, shows the worker has run.
        completed = env.task(callback_url=receiver.url("/completed"))
        complete(env.worker, "pets", completed, {"category": "cat"})
        receiver.wait_for(1)
        env.wait_task(completed, lambda t: t.get("callback_succeeded") is True, "delivery")
    assert [r.path for r in receiver.requests] == ["/completed"]
    assert env.jobs(task_id=canceled) == []
    task = env.requester.task(canceled)
    assert task["status"] == "canceled"
    assert task["callback_attempts"] == []
    assert "callback_succeeded" not in task
