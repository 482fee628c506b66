"""Thousands of tasks for the query-plan tests, written with Core inserts as bench/seed.py
does (through the services, judging thousands of tasks would take minutes).

Tasks are ten minutes apart over the last weeks, spread over 4 projects, 20 batches (half
the tasks), 3 tags (5% each) and 4 annotators who judged every completed task (70% or more).
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from sqlalchemy import insert

from assay import clock
from assay.accounts import service as accounts
from assay.accounts.model import Role, Scope
from assay.batches import service as batches
from assay.context import Context
from assay.projects import service as projects
from assay.storage.repos import batches as batches_repo
from assay.storage.tables import judgments, task_tags, tasks

STATUSES = ("pending", "completed", "canceled", "error")
PARAMS = {"attachment": "https://example.com/a.jpg", "categories": ["cat", "dog"]}


@dataclass(frozen=True)
class Seeded:
    scope: Scope
    task_ids: list[str]  # oldest first


def _task(
    tid: str, scope: Scope, project_id: int, batch_id: int | None, status: str, at: Any
) -> dict[str, Any]:
    done = status == "completed"
    return {
        "id": tid,
        "organization_id": scope.organization_id,
        "is_test": scope.is_test,
        "project_id": project_id,
        "batch_id": batch_id,
        "type": "categorization",
        "status": status,
        "params": PARAMS,
        "instruction": None,
        "callback_url": None,
        "metadata": {},
        "unique_id": None,
        "priority": 0,
        "response": {"category": "cat"} if done else None,
        "customer_review_status": None,
        "callback_succeeded": None,
        "created_at": at,
        "updated_at": at,
        "completed_at": at + timedelta(minutes=5) if done else None,
    }


def seed_many(ctx: Context, *, org: str = "bulk", n: int = 4000, seed: int = 7) -> Seeded:
    rnd = random.Random(seed)
    scope = Scope(accounts.ensure_organization(ctx.db, name=org), False)
    annotators = []
    for i in range(4):
        username = f"{org}-worker-{i}"
        annotators.append(accounts.ensure_user(ctx.db, username=username))
        accounts.add_member(ctx.db, organization=org, username=username, role=Role.ANNOTATOR)
    names = [f"p{i}" for i in range(4)]
    for name in names:
        projects.create_project(
            ctx.db, scope=scope, name=name, task_type="categorization", params={}
        )
    for i in range(20):
        batches.create_batch(
            ctx.db,
            ctx.guard,
            scope=scope,
            project=names[i % 4],
            name=f"b{i}",
            callback=None,
            metadata=None,
        )
    with ctx.db.read() as conn:
        project_ids = [projects.get_or_raise(conn, scope=scope, name=p).id for p in names]
        batch_ids = []
        for i in range(20):
            row = batches_repo.get_batch(conn, scope=scope, name=f"b{i}")
            assert row is not None
            batch_ids.append(row.id)
    start = clock.now() - timedelta(minutes=10 * n)
    rows, tags, judged, ids = [], [], [], []
    for i in range(n):
        at = start + timedelta(minutes=10 * i)
        ms = int(at.timestamp() * 1000)
        tid = f"{(ms << 48) | rnd.getrandbits(48):024x}"
        ids.append(tid)
        status = "completed" if rnd.random() < 0.7 else rnd.choice(STATUSES)
        p = rnd.randrange(4)
        batch = batch_ids[p + 4 * rnd.randrange(5)] if rnd.random() < 0.5 else None
        rows.append(_task(tid, scope, project_ids[p], batch, status, at))
        tags += [{"task_id": tid, "tag": f"tag{t}"} for t in range(3) if rnd.random() < 0.05]
        if status == "completed":
            judged.append(
                {
                    "task_id": tid,
                    "stage": "label",
                    "source": "human",
                    "annotator_id": rnd.choice(annotators),
                    "response": {"category": "cat"},
                    "time_spent_ms": rnd.randrange(100, 5000),
                    "created_at": at + timedelta(minutes=5),
                }
            )
    with ctx.db.write() as conn:
        conn.execute(insert(tasks), rows)
        conn.execute(insert(task_tags), tags)
        conn.execute(insert(judgments), judged)
    return Seeded(scope, ids)
