"""/v1/batches: create (staging), get, list, finalize, status, setMetadata, completion."""

from __future__ import annotations

from typing import Any
from urllib.parse import quote

from tests.factories import CATEGORIES, Api, Tenant

PETS = "pets"


def _error(r: Any, status: int) -> str:
    assert r.status_code == status, r.text
    body = r.json()
    assert body["status_code"] == status
    return str(body["error"])


def _path(name: str, *rest: str) -> str:
    """As the scaleapi client builds it: ``quote(name, safe="")``."""
    return "/".join(["/v1/batches", quote(name, safe=""), *rest])


def _batch(api: Api, name: str, project: str = PETS, **extra: Any) -> Any:
    return api.ok("POST", "/v1/batches", json={"project": project, "name": name, **extra})


def _status(api: Api, name: str) -> dict[str, Any]:
    return dict(api.ok("GET", _path(name, "status")))


def _work_off(api: Api, tenant: Tenant, project: str, n: int) -> list[str]:
    """Lease and complete ``n`` tasks of the project as the annotator; their ids."""
    worker = api.as_key(tenant.annotator_key)
    done = []
    for _ in range(n):
        assignment = worker.lease(project)
        assert assignment is not None
        assert worker.submit(assignment, {"category": "cat"}).status_code == 200
        done.append(assignment["task"]["task_id"])
    return done


class TestCreate:
    def test_created_in_staging(self, api: Api) -> None:
        api.project(PETS, "categorization", CATEGORIES)
        # The scaleapi client's create_batch body, as sent.
        batch = _batch(
            api,
            "b1",
            calibration_batch=False,
            self_label_batch=False,
            callback="https://example.com/done",
            metadata={"week": 3},
        )
        stamp = batch["created_at"]
        assert stamp.endswith("Z")
        assert batch == {
            "name": "b1",
            "project": PETS,
            "status": "staging",
            "callback": "https://example.com/done",
            "metadata": {"week": 3},
            "created_at": stamp,
            "calibration_batch": False,
            "self_label_batch": False,
            "archived": False,
            "is_test": False,
        }
        assert api.ok("GET", "/v1/batches/b1") == batch
        plain = _batch(api, "b2")
        assert (plain["callback"], plain["metadata"]) == ("", {})

    def test_refusals(self, api: Api) -> None:
        api.project(PETS, "categorization", CATEGORIES)
        _batch(api, "b1")
        r = api.post("/v1/batches", json={"project": PETS, "name": "b1"})
        assert _error(r, 409) == "batch 'b1' already exists"
        r = api.post("/v1/batches", json={"project": "nope", "name": "b2"})
        assert _error(r, 404) == "project 'nope' not found"
        r = api.post("/v1/batches", json={"project": PETS})
        assert _error(r, 400) == "name: field required"
        r = api.post("/v1/batches", json={"project": PETS, "name": "b3", "callback": "ftp://x/y"})
        assert _error(r, 400).startswith("callback: ")
        for flag in ("calibration_batch", "self_label_batch"):
            r = api.post("/v1/batches", json={"project": PETS, "name": "b4", flag: True})
            assert _error(r, 402) == (
                "calibration and self-label batches are not available on this server"
            )
        assert _error(api.get("/v1/batches/nope"), 404) == "batch 'nope' not found"
        assert api.ok("GET", "/v1/batches")["totalDocs"] == 1


class TestList:
    def test_offset_paging_and_filters(self, api: Api) -> None:
        api.project(PETS, "categorization", CATEGORIES)
        api.project("birds", "categorization", CATEGORIES)
        for i in range(5):
            _batch(api, f"b{i}", project=PETS if i != 3 else "birds")
        api.ok("POST", "/v1/batches/b0/finalize")  # empty: completes at once

        def names(**params: Any) -> tuple[list[str], dict[str, Any]]:
            page = api.ok("GET", "/v1/batches", params=params)
            return [b["name"] for b in page.pop("docs")], page

        assert names() == (
            ["b0", "b1", "b2", "b3", "b4"],
            {"totalDocs": 5, "limit": 100, "offset": 0, "has_more": False},
        )
        assert names(limit=2) == (
            ["b0", "b1"],
            {"totalDocs": 5, "limit": 2, "offset": 0, "has_more": True},
        )
        assert names(limit=2, offset=2) == (
            ["b2", "b3"],
            {"totalDocs": 5, "limit": 2, "offset": 2, "has_more": True},
        )
        assert names(limit=2, offset=4) == (
            ["b4"],
            {"totalDocs": 5, "limit": 2, "offset": 4, "has_more": False},
        )
        assert names(offset=9)[0] == []
        assert names(project="birds")[0] == ["b3"]
        assert names(project=PETS, limit=3)[1]["totalDocs"] == 4
        assert names(status="completed")[0] == ["b0"]
        assert names(status="staging", project=PETS)[0] == ["b1", "b2", "b4"]
        # get_batches sends exclude_archived=False, Python's spelling.
        assert names(exclude_archived="False")[1]["totalDocs"] == 5
        assert names(exclude_archived="True")[1]["totalDocs"] == 5
        assert names(start_time="2000-01-01", end_time="2000-01-02")[0] == []
        assert len(names(start_time="2000-01-01 00:00:00.000000")[0]) == 5
        assert _error(api.get("/v1/batches", params={"project": "nope"}), 404) == (
            "project 'nope' not found"
        )
        for params in ({"limit": 0}, {"limit": 101}, {"offset": -1}, {"start_time": "soon"}):
            r = api.get("/v1/batches", params=params)
            assert r.status_code == 400, params
            assert r.json()["code"] == "invalid"


class TestLifecycle:
    def test_tasks_are_held_until_finalize(self, api: Api, tenant: Tenant) -> None:
        api.project(PETS, "categorization", CATEGORIES)
        _batch(api, "b1")
        ids = [api.task("categorization", batch="b1", attachment=f"{i}")["task_id"] for i in "ab"]
        worker = api.as_key(tenant.annotator_key)
        assert worker.lease(PETS) is None
        assert _status(api, "b1") == {
            "status": "staging",
            "pending": 2,
            "completed": 0,
            "error": 0,
            "canceled": 0,
        }
        finalized = api.ok("POST", "/v1/batches/b1/finalize")
        assert finalized["status"] == "in_progress"
        assert finalized["finalized_at"].endswith("Z")
        # Finalizing again changes nothing.
        assert api.ok("POST", "/v1/batches/b1/finalize") == finalized
        assert sorted(_work_off(api, tenant, PETS, 2)) == sorted(ids)
        done = api.ok("GET", "/v1/batches/b1")
        assert done["status"] == "completed"
        assert done["completed_at"].endswith("Z")
        assert _status(api, "b1") == {
            "status": "completed",
            "pending": 0,
            "completed": 2,
            "error": 0,
            "canceled": 0,
        }
        r = api.post("/v1/task/categorization", json={"batch": "b1", "attachment": "c"})
        assert _error(r, 400) == "batch 'b1' is completed; add tasks to a new batch"
        assert api.ok("GET", "/v1/tasks", params={"batch": "b1"})["total"] == 2

    def test_task_added_after_finalize_is_leasable_at_once(self, api: Api, tenant: Tenant) -> None:
        api.project(PETS, "categorization", CATEGORIES)
        _batch(api, "b1")
        first = api.task("categorization", batch="b1", attachment="a")
        api.ok("POST", "/v1/batches/b1/finalize")
        second = api.task("categorization", batch="b1", attachment="b")
        assert sorted(_work_off(api, tenant, PETS, 2)) == sorted(
            [first["task_id"], second["task_id"]]
        )
        assert api.ok("GET", "/v1/batches/b1")["status"] == "completed"

    def test_canceled_tasks_count_as_finished(self, api: Api, tenant: Tenant) -> None:
        api.project(PETS, "categorization", CATEGORIES)
        _batch(api, "b1")
        keep = api.task("categorization", batch="b1", attachment="a", priority=5)
        drop = api.task("categorization", batch="b1", attachment="b")
        api.ok("POST", "/v1/batches/b1/finalize")
        assert _work_off(api, tenant, PETS, 1) == [keep["task_id"]]
        assert api.ok("GET", "/v1/batches/b1")["status"] == "in_progress"
        api.ok("POST", f"/v1/task/{drop['task_id']}/cancel")
        assert _status(api, "b1") == {
            "status": "completed",
            "pending": 0,
            "completed": 1,
            "error": 0,
            "canceled": 1,
        }

    def test_all_canceled_before_finalize_completes_on_finalize(self, api: Api) -> None:
        api.project(PETS, "categorization", CATEGORIES)
        _batch(api, "b1")
        task = api.task("categorization", batch="b1", attachment="a")
        api.ok("POST", f"/v1/task/{task['task_id']}/cancel")
        # A staging batch does not complete on its own, even with nothing pending.
        assert api.ok("GET", "/v1/batches/b1")["status"] == "staging"
        assert api.ok("POST", "/v1/batches/b1/finalize")["status"] == "completed"
        # An empty batch completes when it is finalized.
        _batch(api, "b2")
        batch = api.ok("POST", "/v1/batches/b2/finalize")
        assert batch["status"] == "completed"
        assert batch["completed_at"] == batch["finalized_at"]
        assert _error(api.post("/v1/batches/nope/finalize"), 404) == "batch 'nope' not found"


class TestSetMetadata:
    def test_replaces_and_empty_body_clears(self, api: Api) -> None:
        api.project(PETS, "categorization", CATEGORIES)
        _batch(api, "b1", metadata={"a": 1})
        path = "/v1/batches/b1/setMetadata"
        assert api.ok("POST", path, json={"b": {"c": 2}})["metadata"] == {"b": {"c": 2}}
        assert api.ok("GET", "/v1/batches/b1")["metadata"] == {"b": {"c": 2}}
        assert _error(api.post(path, json=[1]), 400) == (
            "the body must be a JSON object (the new metadata)"
        )
        assert api.ok("POST", path, headers={"content-type": "application/json"})["metadata"] == {}
        r = api.post("/v1/batches/nope/setMetadata", json={})
        assert _error(r, 404) == "batch 'nope' not found"

    def test_large_floats_read_back_as_sent(self, api: Api) -> None:
        # PostgreSQL's JSONB prints 1e30 as a 31-digit integer; it must still serialize.
        api.project(PETS, "categorization", CATEGORIES)
        _batch(api, "b1")
        body = b'{"big": 1e30, "small": -2.5e-300}'
        headers = {"content-type": "application/json"}
        api.ok("POST", "/v1/batches/b1/setMetadata", content=body, headers=headers)
        assert api.ok("GET", "/v1/batches/b1")["metadata"] == {"big": 1e30, "small": -2.5e-300}
        assert api.ok("GET", "/v1/batches")["docs"][0]["metadata"]["big"] == 1e30


class TestNames:
    def test_a_name_with_space_and_slash_works_on_every_route(
        self, api: Api, tenant: Tenant
    ) -> None:
        name = "week 12/run 1"
        api.project(PETS, "categorization", CATEGORIES)
        _batch(api, "week 12")  # a prefix of the name, to catch a path split on "/"
        assert _batch(api, name)["name"] == name
        assert api.ok("GET", _path(name))["name"] == name
        task = api.task("categorization", batch=name, attachment="a")
        assert task["batch"] == name
        assert api.ok("GET", "/v1/tasks", params={"batch": name})["docs"] == [task]
        assert api.ok("POST", _path(name, "setMetadata"), json={"k": 1})["metadata"] == {"k": 1}
        assert api.ok("POST", _path(name, "finalize"))["status"] == "in_progress"
        assert _status(api, name)["pending"] == 1
        _work_off(api, tenant, PETS, 1)
        assert _status(api, name)["status"] == "completed"
        assert api.ok("GET", _path("week 12"))["status"] == "staging"
        assert api.ok("GET", "/v1/batches", params={"status": "completed"})["docs"][0]["name"] == (
            name
        )
