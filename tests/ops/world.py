"""A small organization with history, made through the services, for the ops tests.

acme (live), tasks oldest first::

    t0 pets [red]          completed by alice (1000 ms)
    t1 pets b1 [red,blue]  completed by alice (3000 ms)
    t2 docs [blue]         completed by bob   (2000 ms)   (textcollection)
    t3 pets b1             completed by bob   (500 ms)
    t4 docs                canceled
    t5 pets b3 [red]       pending; alice skipped it ("blurry")
    t6 pets                completed by alice (8000 ms)
    t7 docs [red]          pending

Batches, oldest first: b1 (pets, t1 and t3: completed), b2 (docs, staging, empty), b3 (pets,
t5: in progress). Elsewhere, invisible to acme's live scope: one task in acme's test
environment and one in organization globex, judged by globex's annotator.
"""

from __future__ import annotations

import shutil
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from assay.accounts import service as accounts
from assay.accounts.model import Principal, Scope
from assay.batches import service as batches
from assay.context import Context
from assay.projects import service as projects
from assay.queue import service as queue
from assay.tasks import service as tasks
from tests.conftest import create_pg_database, drop_pg_database, test_settings
from tests.factories import Tenant, make_tenant

PETS = {"attachment": "https://example.com/cat.jpg", "categories": ["cat", "dog"]}
FORM = {"fields": [{"type": "text", "field_id": "note", "title": "Note"}]}
_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)


def created_at(task_id: str) -> datetime:
    """The creation time an id carries (its first 48 bits, in milliseconds)."""
    return _EPOCH + timedelta(milliseconds=int(task_id, 16) >> 48)


@dataclass(frozen=True)
class World:
    tenant: Tenant
    scope: Scope
    requester: Principal
    alice: Principal
    bob: Principal
    t: list[str]  # t0..t7, oldest first
    test_task: str
    other_task: str

    def ids(self, *numbers: int) -> list[str]:
        """Task ids of the given numbers, newest first (the browser's order)."""
        return [self.t[n] for n in sorted(numbers, reverse=True)]


def _principal(ctx: Context, key: str) -> Principal:
    return accounts.authenticate_key(ctx.db, key)


def _create(ctx: Context, scope: Scope, task_type: str, **payload: Any) -> str:
    time.sleep(0.003)  # a millisecond of its own, so date filters can split any two tasks
    base = PETS if task_type == "categorization" else {}
    (tid,) = tasks.create_tasks(ctx, scope=scope, items=[(task_type, {**base, **payload})])
    return tid


def _work(ctx: Context, who: Principal, project: str, response: Any, ms: int) -> str:
    a = queue.lease_next(ctx, principal=who, project=project)
    assert a is not None
    queue.submit(
        ctx,
        principal=who,
        assignment_id=a["id"],
        token=a["lease_token"],
        response=response,
        time_spent_ms=ms,
    )
    return str(a["task"]["task_id"])


def build(ctx: Context) -> World:
    tenant = make_tenant(ctx, "acme")
    requester = _principal(ctx, tenant.requester_key)
    alice = _principal(ctx, tenant.annotator_key)
    bob = _principal(ctx, tenant.annotator(ctx, "bob"))
    scope = requester.scope
    projects.create_project(ctx.db, scope=scope, name="pets", task_type="categorization", params={})
    projects.create_project(
        ctx.db, scope=scope, name="docs", task_type="textcollection", params=FORM
    )
    for batch, project in (("b1", "pets"), ("b2", "docs"), ("b3", "pets")):
        batches.create_batch(
            ctx.db,
            ctx.guard,
            scope=scope,
            project=project,
            name=batch,
            callback=None,
            metadata=None,
        )
    t = [
        _create(ctx, scope, "categorization", project="pets", tags=["red"]),
        _create(ctx, scope, "categorization", project="pets", batch="b1", tags=["red", "blue"]),
        _create(ctx, scope, "textcollection", project="docs", tags=["blue"]),
        _create(ctx, scope, "categorization", project="pets", batch="b1"),
        _create(ctx, scope, "textcollection", project="docs"),
        _create(ctx, scope, "categorization", project="pets", batch="b3", tags=["red"]),
        _create(ctx, scope, "categorization", project="pets"),
        _create(ctx, scope, "textcollection", project="docs", tags=["red"]),
    ]
    deadline = timedelta(seconds=60)
    batches.finalize(ctx.db, scope=scope, name="b1", callback_deadline=deadline)
    batches.finalize(ctx.db, scope=scope, name="b3", callback_deadline=deadline)
    cat = {"category": "cat"}
    assert _work(ctx, alice, "pets", cat, 1000) == t[0]
    assert _work(ctx, alice, "pets", cat, 3000) == t[1]
    assert _work(ctx, bob, "pets", cat, 500) == t[3]
    skipped = queue.lease_next(ctx, principal=alice, project="pets")
    assert skipped is not None
    assert skipped["task"]["task_id"] == t[5]
    queue.skip(
        ctx,
        principal=alice,
        assignment_id=skipped["id"],
        token=skipped["lease_token"],
        reason="blurry",
    )
    assert _work(ctx, alice, "pets", cat, 8000) == t[6]
    assert _work(ctx, bob, "docs", {"annotations": {"note": "hello"}}, 2000) == t[2]
    tasks.cancel_task(ctx, scope=scope, task_id=t[4], clear_unique_id=False)

    test_scope = _principal(ctx, tenant.requester_test_key).scope
    projects.create_project(
        ctx.db, scope=test_scope, name="pets", task_type="categorization", params={}
    )
    test_task = _create(ctx, test_scope, "categorization", project="pets", tags=["red"])

    globex = make_tenant(ctx, "globex")
    other_scope = _principal(ctx, globex.requester_key).scope
    projects.create_project(
        ctx.db, scope=other_scope, name="pets", task_type="categorization", params={}
    )
    other_task = _create(ctx, other_scope, "categorization", project="pets", tags=["red"])
    assert _work(ctx, _principal(ctx, globex.annotator_key), "pets", cat, 100) == other_task
    return World(tenant, scope, requester, alice, bob, t, test_task, other_task)


@contextmanager
def module_context(backend: str, template: str, tmp: Path) -> Iterator[Context]:
    """A context on a database of its own, copied from the session's migrated template (for
    module-scoped fixtures: the ``ctx`` fixture is one per test)."""
    name = None
    if backend == "sqlite":
        shutil.copyfile(template, tmp / "assay.db")
        url = f"sqlite:///{tmp / 'assay.db'}"
    else:
        name = f"assay_test_{uuid.uuid4().hex[:12]}"
        url = create_pg_database(name, template=template)
    context = Context.from_settings(test_settings(url, tmp / "data"), pool_size=5)
    try:
        yield context
    finally:
        context.close()
        if name is not None:
            drop_pg_database(name)
