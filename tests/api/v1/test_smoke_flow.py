"""The main path end to end, in-process: project, task, lease, submit, completed."""

from __future__ import annotations

from tests.factories import CATEGORIES, Api


def test_task_completes_through_the_queue(api: Api, tenant) -> None:
    api.project("pets", "categorization", {"categories": ["cat", "dog"]})
    task = api.task("categorization", project="pets", attachment="https://example.com/1.jpg")
    assert task["status"] == "pending"
    worker = api.as_key(tenant.annotator_key)
    assignment = worker.lease("pets")
    assert assignment["task"]["task_id"] == task["task_id"]
    r = worker.submit(assignment, {"category": "dog"})
    assert r.status_code == 200, r.text
    done = api.ok("GET", f"/v1/task/{task['task_id']}")
    assert done["status"] == "completed"
    assert done["response"] == {"category": "dog"}
    assert worker.lease("pets") is None


def test_test_key_does_not_see_live_data(api: Api, tenant) -> None:
    api.project("pets", "categorization", CATEGORIES)
    live = api.task("categorization", project="pets", attachment="https://x/1.jpg")
    test_api = api.as_key(tenant.requester_test_key)
    assert test_api.get(f"/v1/task/{live['task_id']}").status_code == 404
    assert test_api.get("/v1/projects/pets").status_code == 404
