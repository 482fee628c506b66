"""Real crowd judgments replayed through the work queue (../shared/data/crowd/bluebird).

Twelve of the dataset's workers become annotators; whenever one leases a task they answer
with the label they really gave it. Every delivered response must hold exactly the real
labels of the people the queue handed the task to, nobody may answer a task twice, and the
majority vote over what was delivered must equal the one computed from the CSV directly.
"""

from __future__ import annotations

import csv
from collections import Counter
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select

from assay.accounts.model import Role
from assay.context import Context
from assay.storage.tables import judgments, users
from tests.factories import Api, Tenant, user_key

DATA = Path(__file__).resolve().parents[2].parent / "shared" / "data" / "crowd" / "bluebird"
N_TASKS, N_WORKERS, RESPONSES = 24, 12, 5

pytestmark = pytest.mark.skipif(not DATA.exists(), reason=f"{DATA} not present")


def _read(name: str) -> list[dict[str, str]]:
    with (DATA / name).open(newline="") as f:
        return list(csv.DictReader(f))


def test_real_labels_flow_through_the_queue_unchanged(
    api: Api, tenant: Tenant, ctx: Context
) -> None:
    labels = {(r["task"], r["worker"]): r["label"] for r in _read("labels.csv")}
    gold = {r["task"]: r["label"] for r in _read("gold.csv")}
    tasks = sorted({t for t, _ in labels}, key=int)[:N_TASKS]
    workers = sorted({w for _, w in labels}, key=int)[:N_WORKERS]
    assert all((t, w) in labels for t in tasks for w in workers)  # bluebird is complete

    api.project(
        "bluebird",
        "textcollection",
        {
            "instruction": "Which species is in the photo?",
            "responses_required": RESPONSES,
            "fields": [
                {
                    "type": "category",
                    "field_id": "species",
                    "title": "Species",
                    "choices": [
                        {"label": "Indigo bunting", "value": "1"},
                        {"label": "Blue grosbeak", "value": "2"},
                    ],
                }
            ],
        },
    )
    ids = api.ok(
        "POST",
        "/api/v1/tasks/bulk",
        json={
            "tasks": [
                {"type": "textcollection", "project": "bluebird", "metadata": {"dataset_task": t}}
                for t in tasks
            ]
        },
    )["task_ids"]
    dataset_task = dict(zip(ids, tasks, strict=True))
    annotators = {
        w: api.as_key(user_key(ctx, tenant.name, f"bb-{w}", Role.ANNOTATOR)) for w in workers
    }

    answered: list[tuple[str, str]] = []  # (assay task id, dataset worker)
    idle: set[str] = set()
    for _ in range(N_TASKS * RESPONSES + N_WORKERS * 2):  # bounded round robin
        for w, worker in annotators.items():
            if w in idle:
                continue
            a = worker.lease("bluebird")
            if a is None:
                idle.add(w)
                continue
            tid = a["task"]["task_id"]
            real = labels[(dataset_task[tid], w)]
            r = worker.submit(a, {"annotations": {"species": real}})
            assert r.status_code == 200, r.text
            answered.append((tid, w))
        if len(idle) == len(annotators):
            break
    assert len(answered) == N_TASKS * RESPONSES
    assert len(set(answered)) == len(answered)  # nobody answered a task twice

    with ctx.db.read() as conn:
        rows = conn.execute(
            select(judgments.c.task_id, users.c.username, judgments.c.response).join(
                users, users.c.id == judgments.c.annotator_id
            )
        ).all()
    by_task: dict[str, list[tuple[str, Any]]] = {}
    for tid, username, response in rows:
        by_task.setdefault(tid, []).append((username.removeprefix("bb-"), response))

    correct_delivered = correct_direct = 0
    for tid in ids:
        task = api.ok("GET", f"/v1/task/{tid}")
        assert task["status"] == "completed"
        delivered = task["response"]["annotations"]["species"]["response"]
        judged = by_task[tid]
        assert len(judged) == RESPONSES
        expected = [[labels[(dataset_task[tid], w)]] for w, _ in judged]
        assert delivered == expected  # each respondent's real label, in submission order
        vote = Counter(v[0] for v in delivered).most_common(1)[0][0]
        direct = Counter(labels[(dataset_task[tid], w)] for w, _ in judged).most_common(1)[0][0]
        correct_delivered += vote == gold[dataset_task[tid]]
        correct_direct += direct == gold[dataset_task[tid]]
    assert correct_delivered == correct_direct
    assert correct_delivered > N_TASKS // 2  # the crowd is better than chance on bluebird
