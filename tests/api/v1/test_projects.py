"""/v1/projects: create, get, list, setParams (param_history), names that need quoting."""

from __future__ import annotations

from typing import Any
from urllib.parse import quote

from assay.quality.settings import QualitySettings
from tests.factories import Api, Tenant

CATS = {"categories": ["cat", "dog"]}


def _error(r: Any, status: int) -> str:
    assert r.status_code == status, r.text
    body = r.json()
    assert body["status_code"] == status
    return str(body["error"])


def _path(name: str, *rest: str) -> str:
    """As the scaleapi client builds it: ``quote(name, safe="")``."""
    return "/".join(["/v1/projects", quote(name, safe=""), *rest])


class TestCreate:
    def test_create_get_and_list(self, api: Api) -> None:
        created = api.project("pets", "categorization", {**CATS, "instruction": "Pick one."})
        stamp = created["created_at"]
        assert stamp.endswith("Z")
        assert created == {
            "name": "pets",
            "type": "categorization",
            "params": {**CATS, "instruction": "Pick one."},
            "instruction": "Pick one.",
            "param_history": [
                {
                    "version": 0,
                    "params": {**CATS, "instruction": "Pick one."},
                    "instruction": "Pick one.",
                    "created_at": stamp,
                }
            ],
            "workflow": [{"name": "label", "kind": "label", "judgments": 1}],
            "created_at": stamp,
            "updated_at": stamp,
            "archived": False,
            "is_test": False,
            "quality": QualitySettings().to_json(),
        }
        assert api.ok("GET", "/v1/projects/pets") == created
        other = api.project("names", "namedentityrecognition")
        assert other["params"] == {}
        assert other["instruction"] is None
        listed = api.ok("GET", "/v1/projects")
        assert isinstance(listed, list)
        assert sorted(p["name"] for p in listed) == ["names", "pets"]
        assert next(p for p in listed if p["name"] == "pets") == created

    def test_scale_client_body_is_accepted(self, api: Api) -> None:
        """``create_project`` sends rapid, studio and datasetId even when unused."""
        body = {
            "type": "textcollection",
            "name": "forms",
            "params": None,
            "rapid": False,
            "studio": False,
            "datasetId": None,
        }
        created = api.ok("POST", "/v1/projects", json=body)
        assert (created["name"], created["type"], created["params"]) == (
            "forms",
            "textcollection",
            {},
        )

    def test_duplicate_name_is_409(self, api: Api, tenant: Tenant) -> None:
        api.project("pets", "categorization", CATS)
        r = api.post("/v1/projects", json={"name": "pets", "type": "comparison"})
        assert _error(r, 409) == "project 'pets' already exists"
        assert r.json()["code"] == "conflict"
        assert api.ok("GET", "/v1/projects/pets")["type"] == "categorization"
        # The same name in the test environment is another project.
        test = api.as_key(tenant.requester_test_key).project("pets", "comparison")
        assert (test["type"], test["is_test"]) == ("comparison", True)
        assert api.ok("GET", "/v1/projects/pets")["type"] == "categorization"

    def test_refusals(self, api: Api) -> None:
        cases: list[tuple[dict[str, Any], str]] = [
            (
                {"name": "p", "type": "lidar"},
                "unknown task type 'lidar'; this server supports: categorization, comparison, "
                "imageannotation, namedentityrecognition, textcollection",
            ),
            (
                {"name": "p", "type": "categorization", "params": {"colour": "red"}},
                "params.colour: not a parameter of categorization tasks",
            ),
            (
                {"name": "p", "type": "categorization", "params": {"categories": "cat"}},
                "params.categories: Input should be a valid list",
            ),
            (
                {"name": "p", "type": "categorization", "params": {"instruction": 5}},
                "params.instruction: must be a string",
            ),
            (
                {"name": "", "type": "categorization"},
                "name: String should have at least 1 character",
            ),
            (
                {"name": "p", "type": "categorization", "params": [1]},
                "params: Input should be a valid dictionary",
            ),
            ({"type": "categorization"}, "name: field required"),
            ({"name": "p"}, "type: field required"),
        ]
        for body, message in cases:
            r = api.post("/v1/projects", json=body)
            assert _error(r, 400) == message, body
        for flag in ("rapid", "studio"):
            r = api.post("/v1/projects", json={"name": "p", "type": "categorization", flag: True})
            assert _error(r, 402) == "Rapid and Studio projects are not available on this server"
            assert r.json()["code"] == "not_enabled"
        assert _error(api.get("/v1/projects/nope"), 404) == "project 'nope' not found"
        r = api.post("/v1/projects/nope/setParams", json={"instruction": "x"})
        assert _error(r, 404) == "project 'nope' not found"
        assert api.ok("GET", "/v1/projects") == []


class TestSetParams:
    def test_history_grows_with_each_change(self, api: Api) -> None:
        api.project("pets", "categorization", CATS)
        path = "/v1/projects/pets/setParams"
        # Flat keys, as ``update_project(name, **kwargs)`` sends them; patch by default.
        v1 = api.ok("POST", path, json={"instruction": "Be careful."})
        assert v1["params"] == {**CATS, "instruction": "Be careful."}
        assert v1["instruction"] == "Be careful."
        # Nested under ``params``.
        v2 = api.ok("POST", path, json={"params": {"categories": ["cat", "dog", "bird"]}})
        assert v2["params"] == {"categories": ["cat", "dog", "bird"], "instruction": "Be careful."}
        # ``patch: false`` replaces the whole set.
        v3 = api.ok("POST", path, json={"patch": False, "params": {"allow_multiple": True}})
        assert v3["params"] == {"allow_multiple": True}
        assert v3["instruction"] is None
        history = v3["param_history"]
        assert [h["version"] for h in history] == [0, 1, 2, 3]
        assert [h["params"] for h in history] == [
            CATS,
            {**CATS, "instruction": "Be careful."},
            {"categories": ["cat", "dog", "bird"], "instruction": "Be careful."},
            {"allow_multiple": True},
        ]
        assert [h["instruction"] for h in history] == [None, "Be careful.", "Be careful.", None]
        assert api.ok("GET", "/v1/projects/pets") == v3

    def test_new_params_apply_to_new_tasks_only(self, api: Api) -> None:
        api.project("pets", "categorization", CATS)
        old = api.task("categorization", project="pets", attachment="a")
        api.ok("POST", "/v1/projects/pets/setParams", json={"categories": ["fish", "bird"]})
        new = api.task("categorization", project="pets", attachment="b")
        assert new["params"]["categories"] == ["fish", "bird"]
        assert api.ok("GET", f"/v1/task/{old['task_id']}")["params"]["categories"] == [
            "cat",
            "dog",
        ]

    def test_invalid_changes_nothing(self, api: Api) -> None:
        before = api.project("pets", "categorization", CATS)
        unknown = "params.colour: not a parameter of categorization tasks"
        for body, message in (
            ({"colour": "red"}, unknown),
            ({"params": {"colour": "red"}}, unknown),
            ({"patch": "no"}, "patch: must be true or false"),
            ({"params": ["x"]}, "params: must be an object"),
            ({"instruction": ["x"]}, "params.instruction: must be a string"),
        ):
            r = api.post("/v1/projects/pets/setParams", json=body)
            assert _error(r, 400) == message, body
        r = api.post("/v1/projects/pets/setParams", json=["x"])
        assert _error(r, 400) == "the body must be a JSON object"
        r = api.post("/v1/projects/pets/setParams", json={"allow_multiple": "often"})
        assert _error(r, 400).startswith("params.allow_multiple: ")
        assert r.json()["details"][0]["field"] == "params.allow_multiple"
        assert api.ok("GET", "/v1/projects/pets") == before


class TestNames:
    NAMES = ("team a/b", "x/y/z", "100% done", "ünï cødé")

    def test_quoted_names_work_on_every_project_route(self, api: Api) -> None:
        for name in self.NAMES:
            created = api.project(name, "categorization", CATS)
            assert created["name"] == name
            assert api.ok("GET", _path(name))["name"] == name
            updated = api.ok("POST", _path(name, "setParams"), json={"instruction": name})
            assert (updated["name"], updated["instruction"]) == (name, name)
            task = api.task("categorization", project=name, attachment="a")
            assert (task["project"], task["instruction"]) == (name, name)
            assert api.ok("GET", "/v1/tasks", params={"project": name})["total"] == 1
            r = api.get(_path(name, "taskTemplates"))
            assert _error(r, 402) == "task templates are not available on this server"
        assert sorted(p["name"] for p in api.ok("GET", "/v1/projects")) == sorted(self.NAMES)

    def test_a_slash_name_does_not_reach_another_project(self, api: Api) -> None:
        api.project("a", "categorization", CATS)
        assert _error(api.get(_path("a/b")), 404) == "project 'a/b' not found"
        # Unquoted, "a/setParams" is a route of project "a", not a project named so.
        history = api.ok("POST", "/v1/projects/a/setParams", json={})["param_history"]
        assert [h["version"] for h in history] == [0, 1]
