"""The task browser and task detail, through the services, on both databases."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from sqlalchemy import insert

from assay import clock
from assay.accounts.model import Principal, Scope
from assay.context import Context
from assay.errors import Invalid, NotFound
from assay.ops import browse, progress
from assay.ops.model import encode_cursor
from assay.queue import service as queue
from assay.storage.tables import callback_attempts, jobs
from assay.tasks import service as tasks
from tests.ops.world import PETS, World, created_at


def _ids(ctx: Context, w: World, **query: Any) -> list[str]:
    page = browse.list_tasks(ctx.db, scope=w.scope, q=browse.TaskQuery(**query))
    assert page["next_cursor"] is None, "expected one page"
    return [row["task_id"] for row in page["items"]]


def test_rows_show_what_the_browser_lists(shared_ctx: Context, shared_world: World) -> None:
    page = browse.list_tasks(shared_ctx.db, scope=shared_world.scope, q=browse.TaskQuery(limit=50))
    assert [r["task_id"] for r in page["items"]] == shared_world.ids(*range(8))
    row = {r["task_id"]: r for r in page["items"]}[shared_world.t[1]]
    assert row["project"] == "pets"
    assert row["batch"] == "b1"
    assert row["type"] == "categorization"
    assert row["status"] == "completed"
    assert row["tags"] == ["blue", "red"]
    assert row["completed_at"] is not None
    assert row["created_at"].endswith("Z")
    assert row["review_status"] is None
    assert row["last_review"] is None
    assert [r["batch"] for r in page["items"]] == [None, None, "b3", None, "b1", None, "b1", None]


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ({"project": "pets"}, [0, 1, 3, 5, 6]),
        ({"project": "docs"}, [2, 4, 7]),
        ({"status": "completed"}, [0, 1, 2, 3, 6]),
        ({"status": "pending"}, [5, 7]),
        ({"status": "canceled"}, [4]),
        ({"status": "error"}, []),
        ({"batch": "b1"}, [1, 3]),
        ({"batch": "b3"}, [5]),
        ({"batch": "b2"}, []),
        ({"annotator": "acme-annotator"}, [0, 1, 6]),
        ({"annotator": "bob"}, [2, 3]),
        ({"annotator": "acme-requester"}, []),
        ({"tag": "red"}, [0, 1, 5, 7]),
        ({"tag": "blue"}, [1, 2]),
        ({"tag": "green"}, []),
        # Combined.
        ({"project": "pets", "status": "completed"}, [0, 1, 3, 6]),
        ({"batch": "b1", "status": "completed"}, [1, 3]),
        ({"annotator": "acme-annotator", "tag": "red"}, [0, 1]),
        ({"annotator": "bob", "status": "completed", "project": "docs"}, [2]),
        ({"tag": "red", "status": "pending"}, [5, 7]),
        ({"tag": "blue", "project": "docs"}, [2]),
        ({"project": "pets", "tag": "red", "annotator": "acme-annotator", "batch": "b1"}, [1]),
    ],
)
def test_each_filter_and_combinations(
    shared_ctx: Context, shared_world: World, query: dict[str, str], expected: list[int]
) -> None:
    assert _ids(shared_ctx, shared_world, **query) == shared_world.ids(*expected)


def test_dates_become_id_ranges(shared_ctx: Context, shared_world: World) -> None:
    t3 = created_at(shared_world.t[3]).isoformat()
    t6 = created_at(shared_world.t[6]).isoformat()
    assert _ids(shared_ctx, shared_world, created_after=t3) == shared_world.ids(3, 4, 5, 6, 7)
    assert _ids(shared_ctx, shared_world, created_before=t3) == shared_world.ids(0, 1, 2)
    assert _ids(shared_ctx, shared_world, created_after=t3, created_before=t6) == shared_world.ids(
        3, 4, 5
    )
    assert _ids(shared_ctx, shared_world, created_after=t3, project="docs") == shared_world.ids(
        4, 7
    )
    assert _ids(shared_ctx, shared_world, created_after=t3, tag="red") == shared_world.ids(5, 7)
    assert _ids(
        shared_ctx, shared_world, created_before=t6, annotator="acme-annotator"
    ) == shared_world.ids(0, 1)
    # A naive date-time is UTC; a zone is honoured.
    naive = created_at(shared_world.t[3]).replace(tzinfo=None).isoformat()
    assert _ids(shared_ctx, shared_world, created_after=naive) == shared_world.ids(3, 4, 5, 6, 7)
    plus2 = (
        (created_at(shared_world.t[3]) + timedelta(hours=2)).isoformat().replace("+00:00", "+02:00")
    )
    assert _ids(shared_ctx, shared_world, created_after=plus2) == shared_world.ids(3, 4, 5, 6, 7)
    assert _ids(shared_ctx, shared_world, created_after="2999-01-01") == []
    assert _ids(shared_ctx, shared_world, created_before="2000-01-01") == []


@pytest.mark.parametrize(
    "query",
    [
        {},
        {"project": "pets"},
        {"tag": "red"},
        {"annotator": "acme-annotator"},
        {"status": "completed"},
    ],
)
def test_paging_has_no_duplicates_or_gaps(
    shared_ctx: Context, shared_world: World, query: dict[str, str]
) -> None:
    everything = _ids(shared_ctx, shared_world, **query)
    for limit in (1, 2, 3):
        seen: list[str] = []
        cursor = None
        while True:
            page = browse.list_tasks(
                shared_ctx.db,
                scope=shared_world.scope,
                q=browse.TaskQuery(limit=limit, cursor=cursor, **query),
            )
            assert len(page["items"]) <= limit
            seen += [r["task_id"] for r in page["items"]]
            cursor = page["next_cursor"]
            if cursor is None:
                break
            assert len(page["items"]) == limit
        assert seen == everything, (query, limit)


def test_other_organizations_and_the_test_environment_are_invisible(
    shared_ctx: Context, shared_world: World
) -> None:
    live = _ids(shared_ctx, shared_world)
    assert shared_world.other_task not in live
    assert shared_world.test_task not in live
    assert shared_world.other_task not in _ids(shared_ctx, shared_world, tag="red")
    assert shared_world.test_task not in _ids(shared_ctx, shared_world, tag="red")
    # globex's annotator exists, but is not a member of acme.
    with pytest.raises(NotFound, match="annotator"):
        browse.list_tasks(
            shared_ctx.db,
            scope=shared_world.scope,
            q=browse.TaskQuery(annotator="globex-annotator"),
        )
    # The test environment sees its own task only.
    test_scope = Scope(shared_world.scope.organization_id, True)
    page = browse.list_tasks(shared_ctx.db, scope=test_scope, q=browse.TaskQuery())
    assert [r["task_id"] for r in page["items"]] == [shared_world.test_task]
    page = browse.list_tasks(shared_ctx.db, scope=test_scope, q=browse.TaskQuery(project="pets"))
    assert [r["task_id"] for r in page["items"]] == [shared_world.test_task]
    with pytest.raises(NotFound):
        browse.task_detail(shared_ctx.db, scope=shared_world.scope, task_id=shared_world.other_task)
    with pytest.raises(NotFound):
        browse.task_detail(shared_ctx.db, scope=shared_world.scope, task_id=shared_world.test_task)


@pytest.mark.parametrize(
    ("query", "error", "match"),
    [
        ({"status": "done"}, Invalid, "status"),
        ({"created_after": "last week"}, Invalid, "created_after"),
        ({"created_before": "2026-13-01"}, Invalid, "created_before"),
        ({"limit": 0}, Invalid, "limit"),
        ({"limit": 1000}, Invalid, "limit"),
        ({"cursor": "garbage"}, Invalid, "cursor"),
        ({"cursor": encode_cursor("b", 3)}, Invalid, "cursor"),
        ({"project": "nope"}, NotFound, "project"),
        ({"batch": "nope"}, NotFound, "batch"),
        ({"annotator": "nobody"}, NotFound, "annotator"),
    ],
)
def test_bad_filters_are_refused(
    shared_ctx: Context,
    shared_world: World,
    query: dict[str, Any],
    error: type[Exception],
    match: str,
) -> None:
    with pytest.raises(error, match=match):
        browse.list_tasks(shared_ctx.db, scope=shared_world.scope, q=browse.TaskQuery(**query))


def test_detail_shows_judgments_assignments_skips_and_audits(ctx: Context, world: World) -> None:
    tasks.audit(
        ctx.db, principal=world.requester, task_id=world.t[6], accepted=False, comments="no"
    )
    d = browse.task_detail(ctx.db, scope=world.scope, task_id=world.t[6])
    assert d["task"]["task_id"] == world.t[6]
    assert d["task"]["status"] == "completed"
    assert d["task"]["response"] == {"category": "cat"}
    assert d["task"]["project"] == "pets"
    (j,) = d["judgments"]
    assert (j["annotator"], j["response"], j["time_spent_ms"], j["stage"], j["source"]) == (
        "acme-annotator",
        {"category": "cat"},
        8000,
        "label",
        "human",
    )
    assert j["superseded_at"] is None
    (a,) = d["assignments"]
    assert (a["status"], a["annotator"], a["stage"], a["leased"], a["skips"]) == (
        "submitted",
        "acme-annotator",
        "label",
        False,
        [],
    )
    assert a["id"] == j["assignment_id"]
    assert "lease_token" not in a
    (audit,) = d["audits"]
    assert (audit["audit_result"], audit["comments"], audit["audited_by"]) == (
        "rejected",
        "no",
        "acme-requester",
    )
    assert d["task"]["customer_review_status"] == "rejected"
    assert d["reviews"] == []
    assert d["callback_attempts"] == []
    row = browse.list_tasks(ctx.db, scope=world.scope, q=browse.TaskQuery(limit=2))["items"][1]
    assert (row["task_id"], row["review_status"]) == (world.t[6], "rejected")

    skipped = browse.task_detail(ctx.db, scope=world.scope, task_id=world.t[5])
    assert skipped["judgments"] == []
    (a,) = skipped["assignments"]
    assert a["status"] == "open"
    assert a["leased"] is False  # the skip gave the lease back
    assert [(s["annotator"], s["reason"]) for s in a["skips"]] == [("acme-annotator", "blurry")]


def _lease(ctx: Context, who: Principal, project: str, stage: str | None = None) -> Any:
    a = queue.lease_next(ctx, principal=who, project=project, stage=stage)
    assert a is not None
    return a


def test_detail_after_a_reject_and_a_fix(ctx: Context, world: World) -> None:
    """label -> review: rejected, labelled again, fixed; every step is in the record."""
    progress.create_project(
        ctx.db,
        scope=world.scope,
        name="rev",
        task_type="categorization",
        params={},
        workflow=[
            {"name": "label", "kind": "label", "judgments": 1},
            {"name": "review", "kind": "review", "judgments": 1},
        ],
    )
    payload = {**PETS, "project": "rev", "tags": ["red"]}
    (tid,) = tasks.create_tasks(ctx, scope=world.scope, items=[("categorization", payload)])
    alice, boss = world.alice, world.requester

    first = _lease(ctx, alice, "rev")
    queue.submit(
        ctx,
        principal=alice,
        assignment_id=first["id"],
        token=first["lease_token"],
        response={"category": "cat"},
        time_spent_ms=100,
    )
    check = _lease(ctx, boss, "rev", "review")
    queue.review(
        ctx,
        principal=boss,
        assignment_id=check["id"],
        token=check["lease_token"],
        action="reject",
        comment="look again",
    )
    again = _lease(ctx, alice, "rev")
    assert again["task"]["task_id"] == tid
    queue.submit(
        ctx,
        principal=alice,
        assignment_id=again["id"],
        token=again["lease_token"],
        response={"category": "dog"},
        time_spent_ms=200,
    )
    recheck = _lease(ctx, boss, "rev", "review")
    queue.review(
        ctx,
        principal=boss,
        assignment_id=recheck["id"],
        token=recheck["lease_token"],
        action="fix",
        response={"category": "cat"},
        time_spent_ms=50,
    )

    d = browse.task_detail(ctx.db, scope=world.scope, task_id=tid)
    assert d["task"]["status"] == "completed"
    assert d["task"]["response"] == {"category": "cat"}
    judged = [
        (j["annotator"], j["stage"], j["response"], j["superseded_at"] is not None)
        for j in d["judgments"]
    ]
    assert judged == [
        ("acme-annotator", "label", {"category": "cat"}, True),
        ("acme-annotator", "label", {"category": "dog"}, False),
        ("acme-requester", "review", {"category": "cat"}, False),
    ]
    reject, fix = d["reviews"]
    assert (reject["action"], reject["comment"], reject["reviewer"]) == (
        "reject",
        "look again",
        "acme-requester",
    )
    assert (reject["original"], reject["response"], reject["diff"]) == (
        {"category": "cat"},
        None,
        None,
    )
    assert reject["labelers"] == ["acme-annotator"]
    assert (fix["action"], fix["original"], fix["response"]) == (
        "fix",
        {"category": "dog"},
        {"category": "cat"},
    )
    assert fix["diff"]
    assert fix["time_spent_ms"] == 50
    stages = [
        (a["stage"], a["status"], a["annotator"], a["reserved_for"]) for a in d["assignments"]
    ]
    assert stages == [
        ("label", "submitted", "acme-annotator", None),
        ("review", "submitted", "acme-requester", None),
        ("label", "submitted", "acme-annotator", "acme-annotator"),
        ("review", "submitted", "acme-requester", None),
    ]
    # Two judgments by alice, one row in her listing; the fix is the latest review.
    first_page = browse.list_tasks(
        ctx.db, scope=world.scope, q=browse.TaskQuery(annotator="acme-annotator", limit=1)
    )
    (row,) = first_page["items"]
    assert (row["task_id"], row["last_review"]) == (tid, "fix")
    page = browse.list_tasks(
        ctx.db, scope=world.scope, q=browse.TaskQuery(annotator="acme-annotator")
    )
    assert [r["task_id"] for r in page["items"]] == [tid, *world.ids(0, 1, 6)]


def test_detail_shows_live_leases_and_callback_attempts(ctx: Context, world: World) -> None:
    held = _lease(ctx, world.bob, "pets")
    assert held["task"]["task_id"] == world.t[5]
    leased = browse.task_detail(ctx.db, scope=world.scope, task_id=world.t[5])
    (a,) = leased["assignments"]
    assert (a["annotator"], a["leased"], a["lease_count"]) == ("bob", True, 2)
    assert a["lease_expires_at"] == held["lease_expires_at"]
    assert [s["reason"] for s in a["skips"]] == ["blurry"]

    # Callback attempts are the worker's record of each delivery; one is written here as the
    # worker writes it, to check how the detail reads it.
    now = clock.now()
    with ctx.db.write() as conn:
        job = conn.execute(
            insert(jobs)
            .values(
                kind="task_callback",
                task_id=world.t[0],
                payload={},
                status="done",
                run_at=now,
                created_at=now,
                updated_at=now,
            )
            .returning(jobs.c.id)
        ).scalar_one()
        conn.execute(
            insert(callback_attempts).values(
                job_id=job,
                task_id=world.t[0],
                url="https://example.com/hook",
                attempt=1,
                status_code=500,
                duration_ms=12,
                created_at=now,
            )
        )
    d = browse.task_detail(ctx.db, scope=world.scope, task_id=world.t[0])
    (c,) = d["callback_attempts"]
    assert (c["attempt"], c["status_code"], c["url"], c["duration_ms"]) == (
        1,
        500,
        "https://example.com/hook",
        12,
    )


def test_detail_of_unknown_or_malformed_ids_is_not_found(
    shared_ctx: Context, shared_world: World
) -> None:
    for task_id in ("0" * 24, "not-an-id", ""):
        with pytest.raises(NotFound):
            browse.task_detail(shared_ctx.db, scope=shared_world.scope, task_id=task_id)
