"""The job loop: claimed once across workers, reclaimed after a dead worker's lease, and not
stopped by a job it cannot handle. Both backends."""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from sqlalchemy import Row, select

from assay import clock
from assay.context import Context
from assay.storage.repos import jobs as jobs_repo
from assay.storage.tables import jobs
from assay.worker import runner
from assay.worker.runner import Worker
from tests.conftest import test_settings as make_settings


class Recorder:
    """A job handler that notes which worker ran which job, then marks the job done."""

    def __init__(self) -> None:
        self.runs: list[tuple[int, str]] = []
        self.lock = threading.Lock()

    def __call__(self, ctx: Context, _client: httpx.Client, job: Row[Any], worker_id: str) -> None:
        with self.lock:
            self.runs.append((job.id, worker_id))
        time.sleep(0.002)  # hold the slot a moment, as a real delivery would
        with ctx.db.write() as conn:
            assert jobs_repo.finish(conn, job_id=job.id, worker_id=worker_id, now=clock.now())


@pytest.fixture
def recorder(monkeypatch: pytest.MonkeyPatch) -> Recorder:
    rec = Recorder()
    monkeypatch.setitem(runner.HANDLERS, "test_job", rec)
    return rec


def _enqueue(ctx: Context, n: int, kind: str = "test_job") -> list[int]:
    now = clock.now()
    with ctx.db.write() as conn:
        return [jobs_repo.enqueue(conn, kind=kind, payload={"n": i}, now=now) for i in range(n)]


def _job(ctx: Context, job_id: int) -> Any:
    with ctx.db.read() as conn:
        return conn.execute(select(jobs).where(jobs.c.id == job_id)).one()


def _poll(what: str, check: Callable[[], bool], timeout: float = 10.0) -> None:
    deadline = time.monotonic() + timeout
    while not check():
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for {what}")
        time.sleep(0.02)


@pytest.fixture
def workers(ctx: Context) -> Iterator[list[Worker]]:
    made = [Worker(ctx, concurrency=4), Worker(ctx, concurrency=4)]
    yield made
    for w in made:
        w.close()


def test_racing_workers_run_each_job_once(
    ctx: Context, recorder: Recorder, workers: list[Worker]
) -> None:
    ids = _enqueue(ctx, 60)
    barrier = threading.Barrier(len(workers))
    errors: list[BaseException] = []

    def drain(w: Worker) -> None:
        try:
            barrier.wait(timeout=10)
            for _ in range(100):  # bounded: 60 jobs, at least one per productive round
                if w.run_once() == 0:
                    return
        except BaseException as exc:
            errors.append(exc)

    threads = [threading.Thread(target=drain, args=(w,)) for w in workers]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    assert errors == []
    ran = [job_id for job_id, _ in recorder.runs]
    assert sorted(ran) == sorted(ids)  # every job, none twice
    assert {w for _, w in recorder.runs} <= {w.id for w in workers}
    assert workers[0].id != workers[1].id
    for job_id in ids:
        row = _job(ctx, job_id)
        assert (row.status, row.attempts, row.locked_by) == ("done", 1, None)


def test_a_claim_is_exclusive_while_its_lease_lasts(ctx: Context, workers: list[Worker]) -> None:
    ids = _enqueue(ctx, 5)
    first = workers[0]._claim(3)
    second = workers[1]._claim(10)
    assert sorted(j.id for j in first) == ids[:3]  # oldest first
    assert sorted(j.id for j in second) == ids[3:]
    assert workers[0]._claim(10) == []
    assert workers[1]._claim(10) == []


def test_a_round_claims_no_more_jobs_than_free_slots(
    ctx: Context, recorder: Recorder, workers: list[Worker]
) -> None:
    ids = _enqueue(ctx, 10)
    assert workers[0].run_once() == 4
    assert sorted(j for j, _ in recorder.runs) == ids[:4]
    untouched = [_job(ctx, i) for i in ids[4:]]
    assert [(r.status, r.attempts, r.locked_by) for r in untouched] == [("pending", 0, None)] * 6


@pytest.fixture
def short_lease_ctx(db_url: str, tmp_path: Path) -> Iterator[Context]:
    # The worker's lease is max(job_lease_seconds, 2 x callback timeout): both tiny here.
    settings = make_settings(
        db_url, tmp_path / "short", job_lease_seconds=0.3, callback_timeout_seconds=0.1
    )
    context = Context.from_settings(settings, pool_size=4)
    yield context
    context.close()


def test_a_dead_workers_job_is_claimed_again_after_its_lease(
    short_lease_ctx: Context, recorder: Recorder
) -> None:
    ctx = short_lease_ctx
    dead, alive = Worker(ctx, concurrency=2), Worker(ctx, concurrency=2)
    try:
        (job_id,) = _enqueue(ctx, 1)
        claimed = dead._claim(10)  # ... and the process dies: never run, never finished
        assert [j.id for j in claimed] == [job_id]
        assert alive.run_once() == 0  # the lease is still live
        assert recorder.runs == []
        _poll("the job to be claimed again", lambda: alive.run_once() == 1)
        assert recorder.runs == [(job_id, alive.id)]
        row = _job(ctx, job_id)
        assert (row.status, row.attempts, row.locked_by) == ("done", 2, None)
        # The dead worker coming back cannot finish what is no longer its job.
        with ctx.db.write() as conn:
            assert not jobs_repo.finish(conn, job_id=job_id, worker_id=dead.id, now=clock.now())
        assert _job(ctx, job_id).status == "done"
    finally:
        dead.close()
        alive.close()


def test_a_failing_handler_leaves_the_job_for_a_later_round(
    short_lease_ctx: Context, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    ctx = short_lease_ctx
    calls: list[int] = []

    def flaky(ctx: Context, _client: httpx.Client, job: Row[Any], worker_id: str) -> None:
        calls.append(job.id)
        if len(calls) == 1:
            raise RuntimeError("receiver exploded")
        with ctx.db.write() as conn:
            jobs_repo.finish(conn, job_id=job.id, worker_id=worker_id, now=clock.now())

    monkeypatch.setitem(runner.HANDLERS, "flaky", flaky)
    w = Worker(ctx, concurrency=2)
    try:
        (job_id,) = _enqueue(ctx, 1, kind="flaky")
        with caplog.at_level(logging.ERROR, logger="assay.worker"):
            assert w.run_once() == 1
        assert "receiver exploded" in caplog.text
        assert _job(ctx, job_id).status == "pending"
        _poll("the retry", lambda: w.run_once() == 1)
        assert calls == [job_id, job_id]
        assert _job(ctx, job_id).status == "done"
    finally:
        w.close()


def test_unknown_job_kind_does_not_stop_the_loop(
    ctx: Context, recorder: Recorder, caplog: pytest.LogCaptureFixture
) -> None:
    (mystery,) = _enqueue(ctx, 1, kind="mystery")
    (known,) = _enqueue(ctx, 1)
    w = Worker(ctx, concurrency=4)
    stop = threading.Event()
    loop = threading.Thread(target=w.run_forever, args=(stop,), daemon=True)
    try:
        with caplog.at_level(logging.ERROR, logger="assay.worker"):
            loop.start()
            _poll("the known job", lambda: [j for j, _ in recorder.runs] == [known])
            # Still running: a job enqueued afterwards is picked up too.
            (later,) = _enqueue(ctx, 1)
            _poll("the later job", lambda: [j for j, _ in recorder.runs] == [known, later])
            assert loop.is_alive()
    finally:
        stop.set()
        loop.join(timeout=10)
        w.close()
    assert not loop.is_alive()
    assert "no handler for job kind 'mystery'" in caplog.text
    row = _job(ctx, mystery)
    # Left pending for a server that knows the kind; claimed once, not spun on.
    assert (row.status, row.attempts) == ("pending", 1)
