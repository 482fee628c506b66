"""The job loop shared by ``assay worker`` and the worker thread inside ``assay serve``."""

from __future__ import annotations

import logging
import os
import socket
import threading
from collections.abc import Callable
from concurrent.futures import FIRST_COMPLETED, Future, ThreadPoolExecutor, wait
from datetime import timedelta
from typing import Any

import httpx
from sqlalchemy import Row
from sqlalchemy.exc import OperationalError

from assay import clock
from assay.context import Context
from assay.storage.repos import jobs as jobs_repo
from assay.webhooks.delivery import run_callback_job

log = logging.getLogger("assay.worker")

Handler = Callable[[Context, httpx.Client, Row[Any], str], None]

HANDLERS: dict[str, Handler] = {
    "task_callback": run_callback_job,
    "batch_callback": run_callback_job,
}


class Worker:
    def __init__(self, ctx: Context, *, concurrency: int | None = None) -> None:
        self.ctx = ctx
        self.id = f"{socket.gethostname()}:{os.getpid()}:{id(self):x}"[:64]
        self.concurrency = concurrency or ctx.settings.worker_concurrency
        self.client = httpx.Client(
            follow_redirects=False, limits=httpx.Limits(max_connections=self.concurrency * 2)
        )
        self.pool = ThreadPoolExecutor(self.concurrency, thread_name_prefix="assay-job")
        s = ctx.settings
        # A claim must outlive the slowest attempt, or another worker would run it twice.
        self.lease = timedelta(seconds=max(s.job_lease_seconds, 2 * s.callback_timeout_seconds))

    def _claim(self, limit: int) -> list[Row[Any]]:
        with self.ctx.db.write() as conn:
            return jobs_repo.claim(
                conn, worker_id=self.id, now=clock.now(), lease=self.lease, limit=limit
            )

    def run_once(self) -> int:
        """Claim one round of due jobs, run them and wait for them; return how many ran."""
        claimed = self._claim(self.concurrency)
        for f in [self.pool.submit(self._run, job) for job in claimed]:
            f.result()
        return len(claimed)

    def _run(self, job: Row[Any]) -> None:
        handler = HANDLERS.get(job.kind)
        try:
            if handler is None:
                raise RuntimeError(f"no handler for job kind {job.kind!r}")
            handler(self.ctx, self.client, job, self.id)
        except Exception:
            # The job stays pending; its lease runs out and another round retries it.
            log.exception("job %s (%s) failed", job.id, job.kind)

    def run_forever(self, stop: threading.Event) -> None:
        """Keep every slot busy: claim as many jobs as there are free slots, as they free up.

        A slow receiver (up to the callback timeout) holds one slot, not the whole round.
        """
        poll = self.ctx.settings.worker_poll_seconds
        inflight: set[Future[None]] = set()
        while not stop.is_set():
            inflight = {f for f in inflight if not f.done()}
            free = self.concurrency - len(inflight)
            claimed: list[Row[Any]] = []
            if free > 0:
                try:
                    claimed = self._claim(free)
                except OperationalError:
                    log.warning("database unavailable; retrying", exc_info=True)
            inflight |= {self.pool.submit(self._run, job) for job in claimed}
            if claimed:
                continue
            if inflight and free == 0:
                wait(inflight, timeout=poll, return_when=FIRST_COMPLETED)
            else:
                stop.wait(poll)

    def close(self) -> None:
        self.pool.shutdown(wait=True)
        self.client.close()


def start_background(ctx: Context) -> tuple[threading.Thread, threading.Event, Worker]:
    stop = threading.Event()
    worker = Worker(ctx)
    thread = threading.Thread(
        target=worker.run_forever, args=(stop,), name="assay-worker", daemon=True
    )
    thread.start()
    return thread, stop, worker
