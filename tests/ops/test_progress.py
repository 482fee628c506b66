"""Projects (create, patch, param history, counts) and batches with progress, via services."""

from __future__ import annotations

from typing import Any

import pytest

from assay.context import Context
from assay.errors import Conflict, Invalid, NotFound
from assay.ops import progress
from assay.queue import service as queue
from tests.ops.world import World

REVIEWED = [
    {"name": "label", "kind": "label", "judgments": 1},
    {"name": "review", "kind": "review", "judgments": 1},
]


def _counts(pending: int = 0, completed: int = 0, canceled: int = 0, error: int = 0) -> Any:
    total = pending + completed + canceled + error
    return {
        "pending": pending,
        "completed": completed,
        "canceled": canceled,
        "error": error,
        "total": total,
    }


def test_projects_are_listed_with_counts(shared_ctx: Context, shared_world: World) -> None:
    listed = progress.list_projects(shared_ctx.db, scope=shared_world.scope, archived=None)
    by_name = {p["name"]: p for p in listed["items"]}
    assert list(by_name) == ["pets", "docs"]
    assert by_name["pets"]["counts"] == _counts(pending=1, completed=4)
    assert by_name["docs"]["counts"] == _counts(pending=1, completed=1, canceled=1)
    assert by_name["pets"]["workflow"] == [{"name": "label", "kind": "label", "judgments": 1}]
    assert by_name["pets"]["archived"] is False
    one = progress.get_project(shared_ctx.db, scope=shared_world.scope, name="docs")
    assert one == by_name["docs"]
    with pytest.raises(NotFound):
        progress.get_project(shared_ctx.db, scope=shared_world.scope, name="nope")
    # The test environment has its own "pets", with its own count.
    test_scope = type(shared_world.scope)(shared_world.scope.organization_id, True)
    (pets,) = progress.list_projects(shared_ctx.db, scope=test_scope, archived=None)["items"]
    assert pets["counts"] == _counts(pending=1)


def test_create_with_a_review_stage_then_patch(ctx: Context, world: World) -> None:
    db, scope = ctx.db, world.scope
    made = progress.create_project(
        db,
        scope=scope,
        name="birds",
        task_type="categorization",
        params={"categories": ["owl", "crow"]},
        workflow=REVIEWED,
    )
    assert made["workflow"] == REVIEWED
    assert made["counts"] == _counts()
    assert [v["version"] for v in made["param_history"]] == [0]

    changed = progress.update_project(
        db,
        scope=scope,
        name="birds",
        params={"categories": ["owl", "crow", "jay"], "instruction": "Which bird?"},
        workflow=None,
        archived=None,
    )
    assert changed["params"] == {"categories": ["owl", "crow", "jay"], "instruction": "Which bird?"}
    assert [v["params"]["categories"] for v in changed["param_history"]] == [
        ["owl", "crow"],
        ["owl", "crow", "jay"],
    ]
    assert changed["param_history"][1]["instruction"] == "Which bird?"
    assert changed["updated_at"] >= made["updated_at"]

    # The same params again add no version; params replace the whole set.
    same = progress.update_project(
        db, scope=scope, name="birds", params=changed["params"], workflow=None, archived=None
    )
    assert len(same["param_history"]) == 2
    fewer = progress.update_project(
        db, scope=scope, name="birds", params={"categories": ["owl"]}, workflow=None, archived=None
    )
    assert fewer["params"] == {"categories": ["owl"]}
    assert len(fewer["param_history"]) == 3

    single = progress.update_project(
        db, scope=scope, name="birds", params=None, workflow=REVIEWED[:1], archived=True
    )
    assert single["workflow"] == REVIEWED[:1]
    assert single["archived"] is True
    assert len(single["param_history"]) == 3
    names = [p["name"] for p in progress.list_projects(db, scope=scope, archived=False)["items"]]
    assert names == ["pets", "docs"]
    archived = progress.list_projects(db, scope=scope, archived=True)["items"]
    assert [p["name"] for p in archived] == ["birds"]


@pytest.mark.parametrize(
    ("change", "match"),
    [
        ({"params": {"categories": "cat"}}, "params.categories"),
        ({"params": {"colour": "red"}}, "params.colour"),
        ({"workflow": [{"name": "label", "kind": "review"}]}, "workflow.0.kind"),
        ({"workflow": []}, "workflow"),
        ({"workflow": [*REVIEWED, REVIEWED[1]]}, "workflow"),
        ({"workflow": [REVIEWED[0], {**REVIEWED[1], "name": "label"}]}, "workflow.1.name"),
        ({"workflow": [{"name": "label", "kind": "label", "judgments": 0}]}, "judgments"),
    ],
)
def test_patch_refuses_bad_params_and_workflows(
    shared_ctx: Context, shared_world: World, change: dict[str, Any], match: str
) -> None:
    with pytest.raises(Invalid, match=match):
        progress.update_project(
            shared_ctx.db,
            scope=shared_world.scope,
            name="pets",
            **{"params": None, "workflow": None, "archived": None, **change},
        )


def test_create_refuses_bad_type_params_workflow_and_duplicates(
    shared_ctx: Context, shared_world: World
) -> None:
    db, scope = shared_ctx.db, shared_world.scope

    def create(**kw: Any) -> Any:
        args: dict[str, Any] = {
            "name": "new",
            "task_type": "categorization",
            "params": {},
            "workflow": None,
        }
        return progress.create_project(db, scope=scope, **{**args, **kw})

    with pytest.raises(Invalid, match="unknown task type"):
        create(task_type="painting")
    with pytest.raises(Invalid, match=r"params\.categories"):
        create(params={"categories": 3})
    with pytest.raises(Invalid, match=r"workflow\.1\.kind"):
        create(workflow=[REVIEWED[0], {**REVIEWED[0], "name": "again"}])
    with pytest.raises(Conflict):
        create(name="pets")
    with pytest.raises(NotFound):
        progress.update_project(
            db, scope=scope, name="new", params=None, workflow=None, archived=True
        )


def test_a_stage_with_work_waiting_cannot_be_removed(ctx: Context, world: World) -> None:
    db, scope = ctx.db, world.scope
    renamed = [{"name": "annotate", "kind": "label", "judgments": 1}]
    with pytest.raises(Conflict, match="'label' still has work waiting"):
        progress.update_project(
            db, scope=scope, name="pets", params=None, workflow=renamed, archived=None
        )
    # Adding a review stage keeps the label stage: allowed.
    grown = progress.update_project(
        db, scope=scope, name="pets", params=None, workflow=REVIEWED, archived=None
    )
    assert grown["workflow"] == REVIEWED
    # The last label work (t5) is done, and goes on to review: now review work waits.
    a = queue.lease_next(ctx, principal=world.bob, project="pets")
    assert a is not None
    queue.submit(
        ctx,
        principal=world.bob,
        assignment_id=a["id"],
        token=a["lease_token"],
        response={"category": "dog"},
    )
    with pytest.raises(Conflict, match="'review' still has work waiting"):
        progress.update_project(
            db, scope=scope, name="pets", params=None, workflow=renamed, archived=None
        )
    # No label work waits: the label stage may be renamed while the review stage stays.
    kept = [renamed[0], REVIEWED[1]]
    done = progress.update_project(
        db, scope=scope, name="pets", params=None, workflow=kept, archived=None
    )
    assert done["workflow"] == kept
    assert done["counts"] == _counts(pending=1, completed=4)


def test_batches_newest_first_with_counts(shared_ctx: Context, shared_world: World) -> None:
    db, scope = shared_ctx.db, shared_world.scope

    def page(**kw: Any) -> Any:
        args: dict[str, Any] = {"project": None, "status": None, "limit": 50, "cursor": None}
        return progress.list_batches(db, scope=scope, **{**args, **kw})

    listed = page()
    assert [b["name"] for b in listed["items"]] == ["b3", "b2", "b1"]
    b3 = listed["items"][0]
    assert (b3["status"], b3["counts"]) == ("in_progress", _counts(pending=1))
    assert b3["completed_at"] is None
    assert listed["next_cursor"] is None
    b1 = listed["items"][2]
    assert (b1["project"], b1["status"], b1["counts"]) == (
        "pets",
        "completed",
        _counts(completed=2),
    )
    assert b1["finalized_at"] is not None
    assert b1["completed_at"] is not None
    assert b1["callback_succeeded"] is None
    b2 = listed["items"][1]
    assert (b2["status"], b2["finalized_at"], b2["counts"]) == ("staging", None, _counts())
    assert [b["name"] for b in page(project="pets")["items"]] == ["b3", "b1"]
    assert [b["name"] for b in page(status="staging")["items"]] == ["b2"]
    assert [b["name"] for b in page(project="pets", status="in_progress")["items"]] == ["b3"]

    seen, cursor = [], None
    while True:
        p = page(limit=1, cursor=cursor)
        seen += [b["name"] for b in p["items"]]
        cursor = p["next_cursor"]
        if cursor is None:
            break
    assert seen == ["b3", "b2", "b1"]

    refusals: list[tuple[dict[str, Any], type[Exception]]] = [
        ({"status": "done"}, Invalid),
        ({"limit": 0}, Invalid),
        ({"limit": 201}, Invalid),
        ({"cursor": "zzz"}, Invalid),
        ({"project": "nope"}, NotFound),
    ]
    for bad, error in refusals:
        with pytest.raises(error):
            page(**bad)
