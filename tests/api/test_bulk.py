"""POST /api/v1/tasks/bulk: many tasks in one transaction, all or nothing."""

from __future__ import annotations

from typing import Any

from tests.factories import Api, Tenant

BULK = "/api/v1/tasks/bulk"


def _refused(r: Any, status: int) -> str:
    assert r.status_code == status, f"{r.status_code}: {r.text}"
    body = r.json()
    assert body["status_code"] == status
    return str(body["error"])


def _setup(api: Api) -> None:
    api.project("pets", "categorization", {"categories": ["cat", "dog"]})
    api.project("names", "namedentityrecognition", {"labels": [{"name": "PER"}]})
    api.ok("POST", "/v1/batches", json={"project": "pets", "name": "b1"})


def _total(api: Api) -> int:
    return int(api.ok("GET", "/v1/tasks")["total"])


def _cat(i: int, **extra: Any) -> dict[str, Any]:
    return {
        "type": "categorization",
        "project": "pets",
        "attachment": f"https://x/{i}.jpg",
        **extra,
    }


class TestBulk:
    def test_creates_all_in_order(self, api: Api, tenant: Tenant) -> None:
        _setup(api)
        items = [
            _cat(0, unique_id="u0", tags=["t"], metadata={"row": 0}),
            {"type": "namedentityrecognition", "project": "names", "text": "Ada Lovelace"},
            {"type": "categorization", "batch": "b1", "attachment": "https://x/2.jpg"},
            _cat(3, categories=["fish", "bird"], instruction="Look closely."),
        ]
        ids = api.ok("POST", BULK, json={"tasks": items})["task_ids"]
        assert len(ids) == len(set(ids)) == 4
        listed = api.ok("GET", "/v1/tasks")["docs"]
        assert [t["task_id"] for t in listed] == ids
        first, ner, batched, own = listed
        assert (first["unique_id"], first["tags"], first["metadata"]) == ("u0", ["t"], {"row": 0})
        assert first["params"] == {
            "attachment_type": "image",
            "attachment": "https://x/0.jpg",
            "categories": ["cat", "dog"],
            "allow_multiple": False,
        }
        assert (ner["type"], ner["params"]["labels"]) == (
            "namedentityrecognition",
            [{"name": "PER"}],
        )
        assert (batched["project"], batched["batch"]) == ("pets", "b1")
        assert (own["params"]["categories"], own["instruction"]) == (
            ["fish", "bird"],
            "Look closely.",
        )
        # Queued like any other task; the staging batch's task is held.
        worker = api.as_key(tenant.annotator_key)
        leased = [worker.lease("pets")["task"]["task_id"] for _ in range(2)]
        assert sorted(leased) == sorted([ids[0], ids[3]])
        assert worker.lease("pets") is None

    def test_one_bad_item_writes_nothing(self, api: Api) -> None:
        _setup(api)
        good = [_cat(0), _cat(1)]
        for bad, status, message in (
            (
                {"type": "categorization", "project": "pets"},
                400,
                "task 1: attachment: field required",
            ),
            (_cat(1, colour="red"), 400, "task 1: colour: unknown field"),
            (_cat(1, project="nope"), 404, "task 1: project 'nope' not found"),
            (_cat(1, batch="nope"), 404, "task 1: batch 'nope' not found"),
            (
                {"type": "namedentityrecognition", "project": "pets", "text": "x"},
                400,
                "task 1: project 'pets' is for categorization tasks, not namedentityrecognition",
            ),
            (
                {"type": "lidar", "project": "pets"},
                400,
                "task 1: unknown task type 'lidar'; this server supports: categorization, "
                "comparison, imageannotation, namedentityrecognition, textcollection",
            ),
            ({"project": "pets", "attachment": "a"}, 400, "tasks.1.type: field required"),
            ({"type": 5, "project": "pets"}, 400, "tasks.1.type: field required"),
            (_cat(1, callback_url="ftp://x"), 400, None),
        ):
            r = api.post(BULK, json={"tasks": [good[0], bad, good[1]]})
            error = _refused(r, status)
            if message is None:
                assert error.startswith("task 1: callback_url: "), error
            else:
                assert error == message
        assert _total(api) == 0

    def test_duplicate_unique_ids_are_409_and_write_nothing(self, api: Api) -> None:
        _setup(api)
        r = api.post(
            BULK, json={"tasks": [_cat(0, unique_id="u"), _cat(1), _cat(2, unique_id="u")]}
        )
        assert _refused(r, 409) == "unique_id 'u' appears twice in the request"
        assert r.json()["code"] == "conflict"
        assert _total(api) == 0
        existing = api.task("categorization", project="pets", attachment="a", unique_id="taken")
        r = api.post(BULK, json={"tasks": [_cat(0, unique_id="new"), _cat(1, unique_id="taken")]})
        assert _refused(r, 409) == "a task with this unique_id already exists"
        assert [t["task_id"] for t in api.ok("GET", "/v1/tasks")["docs"]] == [existing["task_id"]]
        # The unique_id of the refused request is still free.
        assert (
            len(api.ok("POST", BULK, json={"tasks": [_cat(0, unique_id="new")]})["task_ids"]) == 1
        )

    def test_shape_of_the_request(self, api: Api) -> None:
        _setup(api)
        for body, start in (
            ({"tasks": []}, "tasks: List should have at least 1 item"),
            ({"tasks": [_cat(i) for i in range(1001)]}, "tasks: List should have at most 1000"),
            ({"tasks": {"type": "categorization"}}, "tasks: Input should be a valid list"),
            ({"tasks": ["x"]}, "tasks.0: Input should be a valid dictionary"),
            ([_cat(0)], ""),
        ):
            assert _refused(api.post(BULK, json=body), 400).startswith(start), body
        assert _total(api) == 0

    def test_one_item_errors_read_as_a_single_create(self, api: Api) -> None:
        _setup(api)
        r = api.post(BULK, json={"tasks": [{"type": "categorization", "project": "pets"}]})
        assert _refused(r, 400) == "attachment: field required"
        assert _total(api) == 0
