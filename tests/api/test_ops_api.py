"""/api/v1 ops pages over HTTP, on both databases: projects, batches, the task browser, task
detail and throughput (the world is ``tests.ops.world``)."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import update

from assay import clock
from assay.api.app import create_app
from assay.context import Context
from assay.ops.model import floor_hour
from assay.storage.tables import judgments, tasks
from assay.tasks.wire import iso
from tests.factories import Api
from tests.ops.world import PETS, World, build, created_at, module_context

ROUTES: list[tuple[str, str, Any]] = [
    ("GET", "/api/v1/projects", None),
    ("POST", "/api/v1/projects", {"name": "x", "type": "categorization"}),
    ("GET", "/api/v1/projects/pets", None),
    ("PATCH", "/api/v1/projects/pets", {"archived": True}),
    ("GET", "/api/v1/batches", None),
    ("GET", "/api/v1/tasks", None),
    ("GET", "/api/v1/tasks/0123456789abcdef01234567/detail", None),
    ("GET", "/api/v1/stats/throughput", None),
]


@pytest.fixture
def world(ctx: Context) -> World:
    return build(ctx)


@pytest.fixture
def ops(client: TestClient, world: World) -> Api:
    """The requester, on a world of this test's own (for tests that change it)."""
    return Api(client, world.tenant.requester_key)


@pytest.fixture(scope="module")
def shared(
    backend: str, template: str, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[tuple[TestClient, World]]:
    """One world per module and backend, for the tests that only read it."""
    with module_context(backend, template, tmp_path_factory.mktemp("ops-api")) as context:
        world = build(context)
        with TestClient(create_app(context, worker=False), raise_server_exceptions=False) as c:
            yield c, world


@pytest.fixture
def reader(shared: tuple[TestClient, World]) -> Api:
    """The requester on the shared world: must not change it."""
    client, world = shared
    return Api(client, world.tenant.requester_key)


@pytest.fixture
def shared_world(shared: tuple[TestClient, World]) -> World:
    return shared[1]


def _error(r: Any, status: int) -> str:
    assert r.status_code == status, r.text
    body = r.json()
    assert set(body) == {"status_code", "error", "code", "details"}
    assert body["status_code"] == status
    return str(body["error"])


def _ids(ops: Api, **params: Any) -> list[str]:
    page = ops.ok("GET", "/api/v1/tasks", params=params)
    assert page["next_cursor"] is None
    return [r["task_id"] for r in page["items"]]


def test_only_requesters_and_admins_may_use_the_ops_pages(shared: tuple[TestClient, World]) -> None:
    client, world = shared
    annotator = Api(client, world.tenant.annotator_key)
    for method, path, body in ROUTES:
        assert annotator.request(method, path, json=body).status_code == 403, path
        assert client.request(method, path, json=body).status_code == 401, path
    admin = Api(client, world.tenant.admin_key)
    assert len(admin.ok("GET", "/api/v1/tasks")["items"]) == 8


def test_projects_list_create_get_patch(ops: Api) -> None:
    listed = ops.ok("GET", "/api/v1/projects")["items"]
    assert [p["name"] for p in listed] == ["pets", "docs"]
    pets = listed[0]
    assert pets["counts"] == {
        "pending": 1,
        "completed": 4,
        "canceled": 0,
        "error": 0,
        "total": 5,
    }
    assert pets["workflow"] == [{"name": "label", "kind": "label", "judgments": 1}]
    assert ops.ok("GET", "/api/v1/projects/pets") == pets

    workflow = [
        {"name": "label", "kind": "label", "judgments": 2},
        {"name": "review", "kind": "review", "judgments": 1},
    ]
    r = ops.post(
        "/api/v1/projects",
        json={"name": "birds", "type": "categorization", "params": {}, "workflow": workflow},
    )
    assert r.status_code == 201, r.text
    birds = r.json()
    assert birds["workflow"] == workflow
    assert birds["counts"]["total"] == 0
    assert birds["archived"] is False

    r = ops.request(
        "PATCH", "/api/v1/projects/birds", json={"params": {"categories": ["owl", "jay"]}}
    )
    assert r.status_code == 200, r.text
    assert r.json()["params"] == {"categories": ["owl", "jay"]}
    r = ops.request("PATCH", "/api/v1/projects/birds", json={"params": {"categories": ["owl"]}})
    history = r.json()["param_history"]
    assert [h["params"] for h in history] == [
        {},
        {"categories": ["owl", "jay"]},
        {"categories": ["owl"]},
    ]
    assert [h["version"] for h in history] == [0, 1, 2]
    r = ops.request(
        "PATCH",
        "/api/v1/projects/birds",
        json={"archived": True, "workflow": workflow[:1]},
    )
    assert r.json()["archived"] is True
    assert r.json()["workflow"] == workflow[:1]
    assert len(r.json()["param_history"]) == 3
    active = ops.ok("GET", "/api/v1/projects", params={"archived": "false"})["items"]
    assert [p["name"] for p in active] == ["pets", "docs"]
    archived = ops.ok("GET", "/api/v1/projects", params={"archived": "true"})["items"]
    assert [p["name"] for p in archived] == ["birds"]
    # Tasks go to a project made here like to any other.
    ops.ok("POST", "/v1/task/categorization", json={**PETS, "project": "birds"})
    assert ops.ok("GET", "/api/v1/projects/birds")["counts"]["pending"] == 1


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"name": "x", "type": "painting"}, "type"),
        ({"name": "x", "type": "categorization", "params": {"categories": 5}}, "categories"),
        ({"name": "x", "type": "categorization", "params": {"bogus": 1}}, "bogus"),
        ({"name": "", "type": "categorization"}, "name"),
        ({"type": "categorization"}, "name"),
        ({"name": "x", "type": "categorization", "workflow": []}, "workflow"),
        (
            {"name": "x", "type": "categorization", "workflow": [{"name": "r", "kind": "review"}]},
            "workflow.0.kind",
        ),
        (
            {"name": "x", "type": "categorization", "workflow": [{"name": "l", "kind": "lab"}]},
            "kind",
        ),
        (
            {
                "name": "x",
                "type": "categorization",
                "workflow": [{"name": "l", "kind": "label", "judgments": 0}],
            },
            "judgments",
        ),
        (
            {
                "name": "x",
                "type": "categorization",
                "workflow": [{"name": "l", "kind": "label", "judgments": "2"}],
            },
            "judgments",
        ),
        (
            {
                "name": "x",
                "type": "categorization",
                "workflow": [{"name": "l", "kind": "label"}, {"name": "l", "kind": "review"}],
            },
            "workflow.1.name",
        ),
        ({"name": "x", "type": "categorization", "colour": "red"}, "colour"),
    ],
)
def test_create_refuses_bad_projects(reader: Api, body: dict[str, Any], field: str) -> None:
    assert field in _error(reader.post("/api/v1/projects", json=body), 400)
    names = [p["name"] for p in reader.ok("GET", "/api/v1/projects")["items"]]
    assert names == ["pets", "docs"]


def test_create_and_patch_conflicts_and_unknown_projects(ops: Api) -> None:
    r = ops.post("/api/v1/projects", json={"name": "pets", "type": "categorization"})
    assert "already exists" in _error(r, 409)
    _error(ops.get("/api/v1/projects/nope"), 404)
    _error(ops.request("PATCH", "/api/v1/projects/nope", json={"archived": True}), 404)
    renamed = [{"name": "annotate", "kind": "label"}]
    r = ops.request("PATCH", "/api/v1/projects/pets", json={"workflow": renamed})
    assert "still has work waiting" in _error(r, 409)


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"params": {"categories": "cat"}}, "categories"),
        ({"params": {"bogus": True}}, "bogus"),
        ({"params": []}, "params"),
        ({"workflow": [{"name": "label", "kind": "review"}]}, "workflow.0.kind"),
        ({"workflow": [{"name": "label", "kind": "label", "extra": 1}]}, "extra"),
        ({"archived": "yes"}, "archived"),
        ({"name": "renamed"}, "name"),
    ],
)
def test_patch_refuses_bad_changes(reader: Api, body: dict[str, Any], field: str) -> None:
    before = reader.ok("GET", "/api/v1/projects/pets")
    assert field in _error(reader.request("PATCH", "/api/v1/projects/pets", json=body), 400)
    assert reader.ok("GET", "/api/v1/projects/pets") == before


def test_batches_with_progress_and_paging(reader: Api) -> None:
    page = reader.ok("GET", "/api/v1/batches")
    assert [b["name"] for b in page["items"]] == ["b3", "b2", "b1"]
    b1 = page["items"][2]
    assert b1["status"] == "completed"
    assert b1["counts"]["completed"] == 2
    assert b1["counts"]["total"] == 2
    assert set(b1) >= {
        "name",
        "project",
        "status",
        "created_at",
        "finalized_at",
        "completed_at",
        "callback_succeeded",
        "counts",
    }
    got = reader.ok("GET", "/api/v1/batches", params={"project": "pets", "status": "in_progress"})
    assert [b["name"] for b in got["items"]] == ["b3"]
    seen, cursor = [], None
    while True:
        params = {"limit": 2, **({"cursor": cursor} if cursor else {})}
        p = reader.ok("GET", "/api/v1/batches", params=params)
        seen += [b["name"] for b in p["items"]]
        cursor = p["next_cursor"]
        if cursor is None:
            break
    assert seen == ["b3", "b2", "b1"]
    for params in ({"status": "done"}, {"limit": 0}, {"limit": 1000}, {"cursor": "x"}):
        _error(reader.get("/api/v1/batches", params=params), 400)
    _error(reader.get("/api/v1/batches", params={"project": "nope"}), 404)


def test_task_filters_each_and_combined(reader: Api, shared_world: World) -> None:
    assert _ids(reader) == shared_world.ids(*range(8))
    assert _ids(reader, project="docs") == shared_world.ids(2, 4, 7)
    assert _ids(reader, status="completed") == shared_world.ids(0, 1, 2, 3, 6)
    assert _ids(reader, batch="b1") == shared_world.ids(1, 3)
    assert _ids(reader, annotator="bob") == shared_world.ids(2, 3)
    assert _ids(reader, tag="red") == shared_world.ids(0, 1, 5, 7)
    t3 = created_at(shared_world.t[3]).isoformat().replace("+00:00", "Z")
    assert _ids(reader, created_after=t3) == shared_world.ids(3, 4, 5, 6, 7)
    assert _ids(reader, created_before=t3) == shared_world.ids(0, 1, 2)
    assert _ids(reader, project="pets", status="completed", tag="red") == shared_world.ids(0, 1)
    assert _ids(reader, annotator="acme-annotator", created_after=t3) == shared_world.ids(6)
    assert _ids(reader, batch="b1", status="pending") == []
    row = reader.ok("GET", "/api/v1/tasks", params={"limit": 1})["items"][0]
    assert set(row) >= {
        "task_id",
        "project",
        "batch",
        "type",
        "status",
        "created_at",
        "completed_at",
        "tags",
        "review_status",
    }


@pytest.mark.parametrize("params", [{}, {"project": "pets"}, {"tag": "red"}, {"annotator": "bob"}])
def test_task_paging_has_no_duplicates_or_gaps(
    reader: Api, shared_world: World, params: dict[str, str]
) -> None:
    everything = _ids(reader, **params)
    seen: list[str] = []
    cursor = None
    while True:
        page = reader.ok(
            "GET",
            "/api/v1/tasks",
            params={**params, "limit": 1, **({"cursor": cursor} if cursor else {})},
        )
        seen += [r["task_id"] for r in page["items"]]
        cursor = page["next_cursor"]
        if cursor is None:
            break
    assert seen == everything


def test_other_organizations_and_the_test_environment_are_invisible(
    shared: tuple[TestClient, World], reader: Api
) -> None:
    client, world = shared
    assert world.other_task not in _ids(reader, tag="red")
    assert world.test_task not in _ids(reader, tag="red")
    test_env = Api(client, world.tenant.requester_test_key)
    assert _ids(test_env) == [world.test_task]
    assert _ids(test_env, annotator="bob") == []
    _error(test_env.get("/api/v1/tasks", params={"batch": "b1"}), 404)
    assert [p["name"] for p in test_env.ok("GET", "/api/v1/projects")["items"]] == ["pets"]
    assert test_env.ok("GET", "/api/v1/batches")["items"] == []
    _error(reader.get(f"/api/v1/tasks/{world.other_task}/detail"), 404)
    _error(reader.get(f"/api/v1/tasks/{world.test_task}/detail"), 404)
    _error(reader.get("/api/v1/tasks", params={"annotator": "globex-annotator"}), 404)


@pytest.mark.parametrize(
    ("params", "status"),
    [
        ({"created_after": "yesterday"}, 400),
        ({"created_before": "2026-02-30"}, 400),
        ({"status": "done"}, 400),
        ({"limit": 0}, 400),
        ({"limit": 1000}, 400),
        ({"limit": "many"}, 400),
        ({"cursor": "not-a-cursor"}, 400),
        ({"project": "nope"}, 404),
        ({"batch": "nope"}, 404),
        ({"annotator": "nobody"}, 404),
    ],
)
def test_bad_task_filters(reader: Api, params: dict[str, Any], status: int) -> None:
    _error(reader.get("/api/v1/tasks", params=params), status)


def test_detail_after_a_submit_through_the_queue(
    ctx: Context, client: TestClient, ops: Api, world: World
) -> None:
    bob = Api(client, world.tenant.annotator(ctx, "bob"))
    a = bob.lease("pets")
    assert a["task"]["task_id"] == world.t[5]
    r = bob.post(
        f"/api/v1/assignments/{a['id']}/submit",
        json={
            "lease_token": a["lease_token"],
            "response": {"category": "dog"},
            "time_spent_ms": 42,
        },
    )
    assert r.status_code == 200, r.text
    d = ops.ok("GET", f"/api/v1/tasks/{world.t[5]}/detail")
    assert d["task"]["status"] == "completed"
    assert d["task"]["response"] == {"category": "dog"}
    assert d["task"]["tags"] == ["red"]
    assert d["task"]["batch"] == "b3"
    (j,) = d["judgments"]
    assert (j["annotator"], j["time_spent_ms"], j["response"]) == (
        "bob",
        42,
        {"category": "dog"},
    )
    (asg,) = d["assignments"]
    assert (asg["status"], asg["annotator"], asg["lease_count"]) == ("submitted", "bob", 2)
    assert [(s["annotator"], s["reason"]) for s in asg["skips"]] == [("acme-annotator", "blurry")]
    assert d["reviews"] == []
    assert d["audits"] == []
    assert d["callback_attempts"] == []
    for bad in ("0" * 24, "nothex"):
        _error(ops.get(f"/api/v1/tasks/{bad}/detail"), 404)
    # b3 had only t5: the batch is complete now.
    b3 = ops.ok("GET", "/api/v1/batches", params={"project": "pets", "limit": 1})["items"][0]
    assert (b3["name"], b3["status"], b3["counts"]["completed"]) == ("b3", "completed", 1)


def test_throughput_hand_computed(ctx: Context, ops: Api, world: World) -> None:
    base = floor_hour(clock.now() - timedelta(days=1))
    for n, minutes in {0: 5, 1: 10, 3: 70, 6: 190, 2: 200}.items():
        at = base + timedelta(minutes=minutes)
        with ctx.db.write() as conn:
            conn.execute(update(tasks).where(tasks.c.id == world.t[n]).values(completed_at=at))
            conn.execute(
                update(judgments).where(judgments.c.task_id == world.t[n]).values(created_at=at)
            )
    got = ops.ok(
        "GET",
        "/api/v1/stats/throughput",
        params={"since": iso(base), "until": iso(base + timedelta(hours=4))},
    )
    assert [h["completed"] for h in got["tasks_per_hour"]] == [2, 1, 0, 2]
    assert got["tasks_per_hour"][0]["hour"] == iso(base)
    assert got["by_annotator"] == [
        {"annotator": "acme-annotator", "judgments": 3, "mean_ms": 4000.0, "median_ms": 3000.0},
        {"annotator": "bob", "judgments": 2, "mean_ms": 1250.0, "median_ms": 1250.0},
    ]
    assert got["by_type"] == [
        {"type": "categorization", "judgments": 4, "mean_ms": 3125.0, "median_ms": 2000.0},
        {"type": "textcollection", "judgments": 1, "mean_ms": 2000.0, "median_ms": 2000.0},
    ]
    docs = ops.ok(
        "GET",
        "/api/v1/stats/throughput",
        params={"project": "docs", "since": iso(base), "until": iso(base + timedelta(hours=4))},
    )
    assert [h["completed"] for h in docs["tasks_per_hour"]] == [0, 0, 0, 1]
    assert [a["annotator"] for a in docs["by_annotator"]] == ["bob"]
    week = ops.ok("GET", "/api/v1/stats/throughput")
    assert sum(h["completed"] for h in week["tasks_per_hour"]) == 5
    for params in ({"since": "nope"}, {"since": "2026-01-02", "until": "2026-01-01"}):
        _error(ops.get("/api/v1/stats/throughput", params=params), 400)
    _error(ops.get("/api/v1/stats/throughput", params={"project": "nope"}), 404)
