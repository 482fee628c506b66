"""/v1/task/...: create (every type), get, cancel, setMetadata, tags, unique_id, audit."""

from __future__ import annotations

from typing import Any

from tests.api.conftest import AppFactory
from tests.factories import CATEGORIES, Api, Tenant

PETS = "pets"
LOCAL = "http://127.0.0.1:9/cb"


def _stable(task: dict[str, Any]) -> dict[str, Any]:
    """The task without the keys that differ on every run."""
    assert len(task["task_id"]) == 24
    assert task["created_at"].endswith("Z")
    assert task["updated_at"].endswith("Z")
    return {k: v for k, v in task.items() if k not in ("task_id", "created_at", "updated_at")}


def _complete(api: Api, tenant: Tenant, project: str, response: dict[str, Any]) -> None:
    """Lease the project's next task as the annotator and submit ``response``."""
    worker = api.as_key(tenant.annotator_key)
    assignment = worker.lease(project)
    assert assignment is not None
    r = worker.submit(assignment, response)
    assert r.status_code == 200, r.text
    assert r.json()["task_status"] == "completed"


def _error(r: Any, status: int) -> str:
    assert r.status_code == status, r.text
    body = r.json()
    assert body["status_code"] == status
    assert isinstance(body["code"], str)
    return str(body["error"])


CREATE_CASES: list[tuple[str, dict[str, Any], dict[str, Any]]] = [
    (
        "categorization",
        {
            "attachment": "https://example.com/pets/1.jpg",
            "attachment_type": "image",
            "categories": ["cat", {"choice": "dog", "subchoices": ["puppy"]}],
        },
        {
            "attachment_type": "image",
            "attachment": "https://example.com/pets/1.jpg",
            "categories": ["cat", {"choice": "dog", "subchoices": ["puppy"]}],
            "allow_multiple": False,
        },
    ),
    (
        "imageannotation",
        {
            "attachment": "https://example.com/street/1.jpg",
            "geometries": {
                "box": {"objects_to_annotate": ["car", "truck"], "min_width": 5},
                "polygon": {"objects_to_annotate": ["road"]},
            },
            "annotation_attributes": {"occluded": {"type": "boolean"}},
        },
        {
            "attachment": "https://example.com/street/1.jpg",
            "attachment_type": "image",
            "geometries": {
                "box": {
                    "objects_to_annotate": ["car", "truck"],
                    "min_width": 5.0,
                    "min_height": 0.0,
                    "can_rotate": False,
                    "integer_pixels": False,
                },
                "polygon": {
                    "objects_to_annotate": ["road"],
                    "min_width": 0.0,
                    "min_height": 0.0,
                    "can_rotate": False,
                    "integer_pixels": False,
                },
            },
            "annotation_attributes": {
                "occluded": {
                    "type": "boolean",
                    "allow_multiple": False,
                    "required": False,
                }
            },
        },
    ),
    (
        "textcollection",
        {
            "attachments": [{"type": "text", "content": "The food was great."}],
            "fields": [
                {
                    "type": "category",
                    "field_id": "sentiment",
                    "title": "Sentiment",
                    "choices": [
                        {"label": "Positive", "value": "pos"},
                        {"label": "Negative", "value": "neg"},
                    ],
                },
                {"type": "text", "field_id": "why", "title": "Why?", "required": False},
            ],
        },
        {
            "attachments": [{"type": "text", "content": "The food was great."}],
            "fields": [
                {
                    "type": "category",
                    "field_id": "sentiment",
                    "title": "Sentiment",
                    "required": True,
                    "choices": [
                        {"label": "Positive", "value": "pos"},
                        {"label": "Negative", "value": "neg"},
                    ],
                    "min_choices": 1,
                    "max_choices": 1,
                },
                {
                    "type": "text",
                    "field_id": "why",
                    "title": "Why?",
                    "required": False,
                    "min_choices": 1,
                    "max_choices": 1,
                },
            ],
            "responses_required": 1,
        },
    ),
    (
        "namedentityrecognition",
        {
            "text": "Ada Lovelace worked with Babbage in London.",
            "labels": [{"name": "PER", "description": "a person"}, {"name": "LOC"}],
        },
        {
            "text": "Ada Lovelace worked with Babbage in London.",
            "labels": [{"name": "PER", "description": "a person"}, {"name": "LOC"}],
            "allow_overlap": True,
        },
    ),
    (
        "comparison",
        {
            "prompt": "Which answer is more helpful?",
            "attachments": [
                {"type": "text", "content": "Answer A"},
                {"type": "text", "content": "Answer B"},
            ],
            "require_rationale": True,
        },
        {
            "prompt": "Which answer is more helpful?",
            "attachments": [
                {"type": "text", "content": "Answer A"},
                {"type": "text", "content": "Answer B"},
            ],
            "attachment_type": "text",
            "mode": "pairwise",
            "max_strength": 3,
            "require_rationale": True,
        },
    ),
]


class TestCreate:
    def test_each_type_keeps_common_keys_on_top_and_params_under_params(self, api: Api) -> None:
        for task_type, payload, params in CREATE_CASES:
            api.project(task_type, task_type)
            task = api.task(
                task_type,
                project=task_type,
                instruction="Label carefully.",
                callback_url="https://example.com/callback",
                metadata={"source": "crawl", "n": 3, "nested": {"ok": True}},
                unique_id=f"{task_type}-1",
                tags=["exp-2", "exp-1"],
                priority=7,
                **payload,
            )
            assert _stable(task) == {
                "type": task_type,
                "status": "pending",
                "instruction": "Label carefully.",
                "callback_url": "https://example.com/callback",
                "params": params,
                "metadata": {"source": "crawl", "n": 3, "nested": {"ok": True}},
                "tags": ["exp-1", "exp-2"],
                "project": task_type,
                "is_test": False,
                "priority": 7,
                "audits": [],
                "unique_id": f"{task_type}-1",
            }, task_type
            got = api.ok("GET", f"/v1/task/{task['task_id']}")
            assert got == {**task, "callback_attempts": []}, task_type

    def test_defaults_and_the_nested_params_form(self, api: Api) -> None:
        api.project(PETS, "categorization", {"categories": ["cat", "dog"]})
        task = api.task("categorization", project=PETS, attachment="https://example.com/1.jpg")
        params = {
            "attachment_type": "image",
            "attachment": "https://example.com/1.jpg",
            "categories": ["cat", "dog"],
            "allow_multiple": False,
        }
        assert _stable(task) == {
            "type": "categorization",
            "status": "pending",
            "instruction": None,
            "callback_url": None,
            "params": params,
            "metadata": {},
            "tags": [],
            "project": PETS,
            "is_test": False,
            "priority": 0,
            "audits": [],
        }
        nested = api.task(
            "categorization", project=PETS, params={"attachment": "https://example.com/1.jpg"}
        )
        assert nested["params"] == params

    def test_project_params_are_defaults_and_task_params_override_them(self, api: Api) -> None:
        api.project(
            "streets",
            "imageannotation",
            {"geometries": {"box": {"objects_to_annotate": ["car"]}}, "instruction": "Box cars."},
        )
        box_car = {
            "objects_to_annotate": ["car"],
            "min_width": 0.0,
            "min_height": 0.0,
            "can_rotate": False,
            "integer_pixels": False,
        }
        inherited = api.task("imageannotation", project="streets", attachment="https://x/1.jpg")
        assert inherited["params"]["geometries"] == {"box": box_car}
        assert inherited["instruction"] == "Box cars."

        own = api.task(
            "imageannotation",
            project="streets",
            attachment="https://x/2.jpg",
            geometries={"point": {"objects_to_annotate": ["pedestrian"]}},
            instruction="Mark people.",
        )
        assert own["params"]["geometries"] == {
            "point": {**box_car, "objects_to_annotate": ["pedestrian"]}
        }
        assert own["instruction"] == "Mark people."

    def test_project_and_batch_rules(self, api: Api) -> None:
        api.project(PETS, "categorization", CATEGORIES)
        api.project("birds", "categorization", CATEGORIES)
        api.ok("POST", "/v1/batches", json={"project": PETS, "name": "b1"})
        api.ok("POST", "/v1/batches", json={"project": "birds", "name": "b2"})
        # A batch implies its project.
        task = api.task("categorization", batch="b1", attachment="https://x/1.jpg")
        assert (task["project"], task["batch"]) == (PETS, "b1")
        assert api.ok("GET", "/v1/batches/b1/status")["pending"] == 1
        for payload, status, message in (
            ({"batch": "b2", "project": PETS}, 400, "batch 'b2' belongs to another project"),
            ({}, 400, "project: field required (or give a batch)"),
            ({"project": "nope"}, 404, "project 'nope' not found"),
            ({"batch": "nope"}, 404, "batch 'nope' not found"),
        ):
            r = api.post("/v1/task/categorization", json={"attachment": "a", **payload})
            assert _error(r, status) == message
        r = api.post("/v1/task/categorization", json={"attachment": "a"})
        assert r.json()["details"] == [{"field": "project", "message": "field required"}]
        r = api.post(
            "/v1/task/namedentityrecognition",
            json={"project": PETS, "text": "Ada", "labels": [{"name": "PER"}]},
        )
        assert _error(r, 400) == (
            "project 'pets' is for categorization tasks, not namedentityrecognition"
        )
        assert [t["task_id"] for t in api.ok("GET", "/v1/tasks")["docs"]] == [task["task_id"]]

    def test_duplicate_unique_id_is_409(self, api: Api) -> None:
        api.project(PETS, "categorization", CATEGORIES)
        first = api.task("categorization", project=PETS, attachment="a", unique_id="u-1")
        r = api.post(
            "/v1/task/categorization", json={"project": PETS, "attachment": "b", "unique_id": "u-1"}
        )
        assert _error(r, 409) == "a task with this unique_id already exists"
        assert r.json()["code"] == "conflict"
        listed = api.ok("GET", "/v1/tasks")
        assert [t["task_id"] for t in listed["docs"]] == [first["task_id"]]

    def test_test_and_live_keys_are_separate_unique_id_spaces(
        self, api: Api, tenant: Tenant
    ) -> None:
        test_api = api.as_key(tenant.requester_test_key)
        for a in (api, test_api):
            a.project(PETS, "categorization", CATEGORIES)
        live = api.task("categorization", project=PETS, attachment="a", unique_id="same")
        test = test_api.task("categorization", project=PETS, attachment="a", unique_id="same")
        assert (live["is_test"], test["is_test"]) == (False, True)
        assert live["task_id"] != test["task_id"]
        assert api.ok("GET", "/v1/tasks", params={"unique_id": "same"})["docs"] == [live]
        assert test_api.ok("GET", "/v1/tasks", params={"unique_id": "same"})["docs"] == [test]

    def test_callback_to_a_private_address_is_refused_unless_allowed(
        self, api: Api, app_with: AppFactory, tenant: Tenant
    ) -> None:
        api.project(PETS, "categorization", CATEGORIES)
        strict = Api(app_with(allow_private_hosts=[]), tenant.requester_key)
        for url in (
            LOCAL,
            "http://10.1.2.3/cb",
            "http://[::1]:8080/cb",
            "http://localhost/cb",
        ):
            r = strict.post(
                "/v1/task/categorization",
                json={"project": PETS, "attachment": "a", "callback_url": url},
            )
            assert "not allowed" in _error(r, 400), url
        r = strict.post(
            "/v1/task/categorization",
            json={"project": PETS, "attachment": "a", "callback_url": "mailto:me@example.com"},
        )
        assert _error(r, 400).startswith("callback_url: ")
        assert api.ok("GET", "/v1/tasks")["total"] == 0
        # The default test settings allow 127.0.0.1.
        task = api.task("categorization", project=PETS, attachment="a", callback_url=LOCAL)
        assert task["callback_url"] == LOCAL


class TestGet:
    def test_unknown_id_is_scale_404(self, api: Api) -> None:
        for task_id in ("0123456789abcdef01234567", "not-an-id", "ABCDEF0123456789ABCDEF01"):
            r = api.get(f"/v1/task/{task_id}")
            assert r.status_code == 404
            assert r.json() == {
                "status_code": 404,
                "error": "Task with that ID not found.",
                "code": "not_found",
                "details": [],
            }


class TestCancel:
    def test_cancel_pending_then_again_is_400(self, api: Api, tenant: Tenant) -> None:
        api.project(PETS, "categorization", CATEGORIES)
        task = api.task("categorization", project=PETS, attachment="a", unique_id="u")
        canceled = api.ok("POST", f"/v1/task/{task['task_id']}/cancel")
        assert canceled["status"] == "canceled"
        assert canceled["unique_id"] == "u"
        assert api.as_key(tenant.annotator_key).lease(PETS) is None
        r = api.post(f"/v1/task/{task['task_id']}/cancel")
        # 400, never 409: the scaleapi client crashes on a 409 from this route.
        assert _error(r, 400) == "task is canceled; only pending tasks can be canceled"
        # The unique_id is still taken.
        r = api.post(
            "/v1/task/categorization", json={"project": PETS, "attachment": "b", "unique_id": "u"}
        )
        assert r.status_code == 409
        assert api.post("/v1/task/0123456789abcdef01234567/cancel").status_code == 404

    def test_cancel_completed_is_400(self, api: Api, tenant: Tenant) -> None:
        api.project(PETS, "categorization", CATEGORIES)
        task = api.task("categorization", project=PETS, attachment="a")
        _complete(api, tenant, PETS, {"category": "cat"})
        r = api.post(f"/v1/task/{task['task_id']}/cancel")
        assert _error(r, 400) == "task is completed; only pending tasks can be canceled"
        assert api.ok("GET", f"/v1/task/{task['task_id']}")["status"] == "completed"

    def test_clear_unique_id_frees_it(self, api: Api) -> None:
        api.project(PETS, "categorization", CATEGORIES)
        for query in ("true", "True"):  # the client's spelling, and Python's
            task = api.task("categorization", project=PETS, attachment="a", unique_id="u")
            path = f"/v1/task/{task['task_id']}/cancel?clear_unique_id={query}"
            canceled = api.ok("POST", path)
            assert canceled["status"] == "canceled"
            assert "unique_id" not in canceled
        again = api.task("categorization", project=PETS, attachment="b", unique_id="u")
        assert again["unique_id"] == "u"


class TestSetMetadata:
    def test_replaces_and_empty_body_clears(self, api: Api) -> None:
        api.project(PETS, "categorization", CATEGORIES)
        task = api.task("categorization", project=PETS, attachment="a", metadata={"a": 1, "b": 2})
        path = f"/v1/task/{task['task_id']}/setMetadata"
        assert api.ok("POST", path, json={"c": [1, 2]})["metadata"] == {"c": [1, 2]}
        assert api.ok("GET", f"/v1/task/{task['task_id']}")["metadata"] == {"c": [1, 2]}
        for body in ([1], "x", 3):
            r = api.post(path, json=body)
            assert _error(r, 400) == "the body must be a JSON object (the new metadata)"
        assert api.ok("GET", f"/v1/task/{task['task_id']}")["metadata"] == {"c": [1, 2]}
        # The scaleapi client sends no body for set_task_metadata(id, {}).
        assert api.ok("POST", path, headers={"content-type": "application/json"})["metadata"] == {}


class TestTags:
    def test_set_add_delete(self, api: Api) -> None:
        api.project(PETS, "categorization", CATEGORIES)
        task = api.task("categorization", project=PETS, attachment="a", tags=["old"])
        path = f"/v1/task/{task['task_id']}/tags"
        assert api.ok("POST", path, json=["b", "a", "a"])["tags"] == ["a", "b"]
        assert api.ok("PUT", path, json=["c", "a"])["tags"] == ["a", "b", "c"]
        assert api.ok("DELETE", path, json=["a", "missing"])["tags"] == ["b", "c"]
        assert api.ok("GET", f"/v1/task/{task['task_id']}")["tags"] == ["b", "c"]
        assert api.ok("DELETE", path)["tags"] == []
        assert api.ok("PUT", path, json=["z"])["tags"] == ["z"]
        assert api.ok("POST", path, json=[])["tags"] == []

    def test_bad_bodies_are_400(self, api: Api) -> None:
        api.project(PETS, "categorization", CATEGORIES)
        task = api.task("categorization", project=PETS, attachment="a", tags=["keep"])
        path = f"/v1/task/{task['task_id']}/tags"
        for method in ("POST", "PUT", "DELETE"):
            for body in ({"tags": ["x"]}, "x"):
                r = api.request(method, path, json=body)
                assert _error(r, 400) == "the body must be a JSON array of tags"
        r = api.put(path, json=["ok", 5])
        assert _error(r, 400) == "tags.1: must be a string of 1 to 255 characters"
        r = api.put(path, json=[""])
        assert _error(r, 400) == "tags.0: must be a string of 1 to 255 characters"
        assert api.ok("GET", f"/v1/task/{task['task_id']}")["tags"] == ["keep"]
        r = api.post(
            "/v1/task/categorization", json={"project": PETS, "attachment": "a", "tags": ["x", "x"]}
        )
        assert _error(r, 400) == "tags: duplicate tag"


class TestUniqueId:
    def test_set_conflict_and_clear(self, api: Api) -> None:
        api.project(PETS, "categorization", CATEGORIES)
        one = api.task("categorization", project=PETS, attachment="a", unique_id="one")
        two = api.task("categorization", project=PETS, attachment="b")
        path = f"/v1/task/{two['task_id']}/unique_id"
        assert api.ok("POST", path, json={"unique_id": "two"})["unique_id"] == "two"
        r = api.post(path, json={"unique_id": "one"})
        # 400, never 409: the scaleapi client crashes on a 409 from this route.
        assert _error(r, 400) == "unique_id: already used by another task"
        assert _error(api.post(path, json={}), 400) == "unique_id: field required"
        assert _error(api.post(path, json={"unique_id": ""}), 400).startswith("unique_id: ")
        assert api.ok("GET", f"/v1/task/{two['task_id']}")["unique_id"] == "two"
        cleared = api.ok("DELETE", f"/v1/task/{one['task_id']}/unique_id")
        assert "unique_id" not in cleared
        assert "unique_id" not in api.ok("GET", f"/v1/task/{one['task_id']}")
        assert api.ok("POST", path, json={"unique_id": "one"})["unique_id"] == "one"


class TestAudit:
    def test_only_completed_tasks_can_be_audited(self, api: Api) -> None:
        api.project(PETS, "categorization", CATEGORIES)
        task = api.task("categorization", project=PETS, attachment="a")
        r = api.post(f"/v1/task/{task['task_id']}/audit", json={"accepted": True})
        assert _error(r, 400) == "task is pending; only completed tasks can be audited"
        r = api.post(f"/v1/task/{task['task_id']}/audit", json={"comments": "x"})
        assert _error(r, 400) == "accepted: field required"
        got = api.ok("GET", f"/v1/task/{task['task_id']}")
        assert got["audits"] == []
        assert "customer_review_status" not in got

    def test_accept_then_reject(self, api: Api, tenant: Tenant) -> None:
        api.project(PETS, "categorization", CATEGORIES)
        task = api.task("categorization", project=PETS, attachment="a")
        _complete(api, tenant, PETS, {"category": "dog"})
        path = f"/v1/task/{task['task_id']}/audit"
        accepted = api.ok("POST", path, json={"accepted": True, "comments": None})
        assert accepted["customer_review_status"] == "accepted"
        rejected = api.ok("POST", path, json={"accepted": False, "comments": "wrong animal"})
        assert rejected["customer_review_status"] == "rejected"
        audits = [{k: v for k, v in a.items() if k != "audited_at"} for a in rejected["audits"]]
        assert audits == [
            {
                "audited_by": "acme-requester",
                "audit_result": "accepted",
                "audit_source": "customer",
                "comments": None,
            },
            {
                "audited_by": "acme-requester",
                "audit_result": "rejected",
                "audit_source": "customer",
                "comments": "wrong animal",
            },
        ]
        assert all(a["audited_at"].endswith("Z") for a in rejected["audits"])
        assert api.ok("GET", f"/v1/task/{task['task_id']}")["audits"] == rejected["audits"]
