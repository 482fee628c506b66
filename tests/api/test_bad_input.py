"""Broken and hostile input: always a 4xx JSON error, never a 500, and nothing written.

The NUL cases matter most on PostgreSQL, which cannot store NUL in text or JSONB: these tests
run on both backends and prove the request is refused before it reaches the database.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from tests.api.conftest import AppFactory
from tests.factories import Api, Tenant

JSON = {"content-type": "application/json"}


def _refused(r: Any, status: int = 400) -> str:
    """Assert a Scale-shaped JSON error with this status; return its message."""
    assert r.status_code == status, f"{r.status_code}: {r.text}"
    assert r.headers["content-type"] == "application/json"
    assert "Traceback" not in r.text
    body = r.json()
    assert set(body) == {"status_code", "error", "code", "details"}
    assert body["status_code"] == status
    codes = {400: "invalid", 404: "not_found", 405: "method_not_allowed", 413: "too_large"}
    assert body["code"] == codes[status]
    assert isinstance(body["error"], str)
    assert body["error"]
    return str(body["error"])


class World:
    """A project, a batch and a task, and a way to check none of them changed."""

    def __init__(self, api: Api) -> None:
        self.api = api
        api.project("pets", "categorization", {"categories": ["cat", "dog"]})
        api.ok("POST", "/v1/batches", json={"project": "pets", "name": "b1"})
        self.task = api.task("categorization", project="pets", attachment="a", metadata={"k": 1})
        self.before = self.snapshot()

    def snapshot(self) -> Any:
        return (
            self.api.ok("GET", "/v1/tasks"),
            self.api.ok("GET", "/v1/projects"),
            self.api.ok("GET", "/v1/batches"),
        )

    def assert_unchanged(self) -> None:
        assert self.snapshot() == self.before

    def object_routes(self) -> list[str]:
        """POST routes whose body must be a JSON object."""
        tid = self.task["task_id"]
        return [
            "/v1/task/categorization",
            "/v1/projects",
            "/v1/projects/pets/setParams",
            "/v1/batches",
            "/v1/task/" + tid + "/unique_id",
            "/v1/task/" + tid + "/audit",
            "/v1/files/import",
            "/api/v1/tasks/bulk",
            "/api/v1/queue/lease",
        ]

    def any_json_routes(self) -> list[tuple[str, str]]:
        """Routes that parse a JSON body of any shape."""
        tid = self.task["task_id"]
        return [
            ("POST", "/v1/task/" + tid + "/setMetadata"),
            ("POST", "/v1/batches/b1/setMetadata"),
            ("POST", "/v1/task/" + tid + "/tags"),
            ("PUT", "/v1/task/" + tid + "/tags"),
            ("DELETE", "/v1/task/" + tid + "/tags"),
            *(("POST", p) for p in self.object_routes()),
        ]


@pytest.fixture
def world(api: Api) -> Iterator[World]:
    w = World(api)
    yield w
    w.assert_unchanged()


BROKEN = [
    b'{"project": "pets", "attachment": ',  # truncated
    b'{"project": "pets",}',  # trailing comma
    b"{'project': 'pets'}",  # single quotes
    b'{"n": NaN}',
    b'{"n": 1e400}',  # overflows a double
    b'{"n": ' + b"9" * 400 + b"}",  # an integer no double can hold
    b"\xef\xbb\xbf{}",  # byte order mark
    b'{"project": "p\xffets"}',  # invalid UTF-8
    b'{"project": "\xed\xa0\x80"}',  # a surrogate, UTF-8 encoded
    b'{"project": "\\ud800"}',  # a lone high surrogate escape
    b'{"project": "x\\udfffy"}',  # a lone low surrogate escape
    b"[" * 5000 + b"]" * 5000,  # deeper than the parser goes
]


class TestMalformedBodies:
    def test_unparseable_json_is_400_everywhere(self, world: World) -> None:
        for method, path in world.any_json_routes():
            for body in BROKEN:
                r = world.api.request(method, path, content=body, headers=JSON)
                message = _refused(r)
                assert "not valid JSON" in message, (path, body, message)

    def test_array_or_scalar_where_an_object_is_expected(self, world: World) -> None:
        for path in world.object_routes():
            for body in (b"[]", b'[{"project": "pets"}]', b'"pets"', b"42", b"null"):
                if body == b"null" and path == "/v1/projects/pets/setParams":
                    continue  # null reads as no body, which is {} there: a valid no-op
                r = world.api.post(path, content=body, headers=JSON)
                _refused(r)

    def test_not_json_content_types(self, world: World) -> None:
        api = world.api
        r = api.post("/v1/task/categorization", data={"project": "pets", "attachment": "a"})
        assert "not valid JSON" in _refused(r)
        r = api.post(
            "/v1/projects",
            content=b"name=x&type=categorization",
            headers={"content-type": "text/plain"},
        )
        _refused(r)
        r = api.post(
            "/v1/task/categorization",
            files={"file": ("a.json", b'{"project": "pets"}', "application/json")},
        )
        assert "not valid JSON" in _refused(r)


class TestFields:
    def test_missing_fields_are_named(self, world: World) -> None:
        api, tid = world.api, world.task["task_id"]
        cases: list[tuple[str, dict[str, Any], str]] = [
            ("/v1/task/categorization", {"project": "pets"}, "attachment: field required"),
            ("/v1/projects", {"name": "p"}, "type: field required"),
            ("/v1/batches", {"name": "b"}, "project: field required"),
            ("/api/v1/queue/lease", {}, "project: field required"),
            ("/api/v1/tasks/bulk", {}, "tasks: field required"),
            (
                "/api/v1/tasks/bulk",
                {"tasks": [{"project": "pets"}]},
                "tasks.0.type: field required",
            ),
            (f"/v1/task/{tid}/audit", {"comments": "x"}, "accepted: field required"),
            (f"/v1/task/{tid}/unique_id", {}, "unique_id: field required"),
            ("/v1/files/import", {"display_name": "x"}, "file_url: field required"),
        ]
        for path, body, message in cases:
            r = api.post(path, json=body)
            assert _refused(r) == message, path
        r = api.post("/v1/projects", json={})
        assert r.json()["details"] == [
            {"field": "type", "message": "field required"},
            {"field": "name", "message": "field required"},
        ]
        for task_type, payload, field in (
            ("namedentityrecognition", {"labels": [{"name": "PER"}]}, "text"),
            ("textcollection", {"attachments": []}, "fields"),
            ("comparison", {"prompt": "?"}, "attachments"),
            ("imageannotation", {"attachment": "a"}, "geometries"),
        ):
            api.project(task_type, task_type)
            r = api.post(f"/v1/task/{task_type}", json={"project": task_type, **payload})
            assert _refused(r) == f"{field}: field required"
        assert world.snapshot()[0] == world.before[0]  # no task was written
        world.before = world.snapshot()  # the projects made above are the only change

    def test_wrong_types_are_named(self, world: World) -> None:
        for key, value in (
            ("attachment", 5),
            ("tags", "x"),
            ("tags", [1]),
            ("metadata", [1]),
            ("priority", "high"),
            ("priority", 10**30),
            ("priority", 101),
            ("unique_id", 5),
            ("callback_url", 5),
            ("instruction", {}),
            ("categories", "cat"),
            ("allow_multiple", [1]),
            ("colour", "red"),
        ):
            payload = {"project": "pets", "attachment": "a", key: value}
            r = world.api.post("/v1/task/categorization", json=payload)
            message = _refused(r)
            assert message.startswith(f"{key}"), (key, message)
            assert r.json()["details"][0]["field"].startswith(key)

    def test_unknown_task_type(self, world: World) -> None:
        for task_type in ("lidar", "CATEGORIZATION", "x" * 300):
            r = world.api.post(f"/v1/task/{task_type}", json={"project": "pets"})
            assert _refused(r).startswith(f"unknown task type {task_type!r}; this server supports")


class TestNul:
    def test_nul_in_any_stored_string_or_key_is_400(self, world: World) -> None:
        api, tid = world.api, world.task["task_id"]
        nul = "a\u0000b"
        cases: list[tuple[str, str, Any]] = [
            ("POST", "/v1/task/categorization", {"project": "pets", "attachment": nul}),
            (
                "POST",
                "/v1/task/categorization",
                {"project": "pets", "attachment": "a", "instruction": nul},
            ),
            (
                "POST",
                "/v1/task/categorization",
                {"project": "pets", "attachment": "a", "unique_id": nul},
            ),
            (
                "POST",
                "/v1/task/categorization",
                {"project": "pets", "attachment": "a", "tags": [nul]},
            ),
            (
                "POST",
                "/v1/task/categorization",
                {"project": "pets", "attachment": "a", "metadata": {"k": [nul]}},
            ),
            (
                "POST",
                "/v1/task/categorization",
                {"project": "pets", "attachment": "a", "metadata": {nul: 1}},
            ),
            ("POST", "/v1/projects", {"name": nul, "type": "categorization"}),
            (
                "POST",
                "/v1/projects",
                {"name": "p", "type": "categorization", "params": {"instruction": nul}},
            ),
            ("POST", "/v1/projects/pets/setParams", {"instruction": nul}),
            ("POST", "/v1/batches", {"project": "pets", "name": nul}),
            ("POST", "/v1/batches", {"project": "pets", "name": "b2", "metadata": {nul: nul}}),
            ("POST", "/v1/batches/b1/setMetadata", {"k": nul}),
            ("POST", f"/v1/task/{tid}/setMetadata", {nul: "v"}),
            ("POST", f"/v1/task/{tid}/tags", [nul]),
            ("PUT", f"/v1/task/{tid}/tags", ["ok", nul]),
            ("POST", f"/v1/task/{tid}/unique_id", {"unique_id": nul}),
            (
                "POST",
                "/api/v1/tasks/bulk",
                {"tasks": [{"type": "categorization", "project": "pets", "attachment": nul}]},
            ),
            ("POST", "/api/v1/queue/lease", {"project": nul}),
            ("POST", "/v1/files/import", {"file_url": "http://127.0.0.1/x", "display_name": nul}),
        ]
        for method, path, body in cases:
            r = api.request(method, path, json=body)
            assert "NUL characters are not allowed" in _refused(r), (path, body)

    def test_nul_in_path_query_and_form_is_400(self, world: World) -> None:
        api = world.api
        for path in (
            "/v1/tasks?unique_id=%00",
            "/v1/tasks?project=a%00",
            "/v1/tasks?tags=x%00y",
            "/v1/tasks?status=%00",
            "/v1/tasks?customer_review_status=%00",
            "/v1/batches?project=%00",
            "/v1/batches?status=%00",
            "/v1/projects/a%00b",
            "/v1/projects/a%00b/setParams",
            "/v1/batches/a%00b",
            "/v1/batches/a%00b/status",
            "/v1/task/%00",
            "/v1/files/%00",
        ):
            method = "POST" if path.endswith("setParams") else "GET"
            r = api.request(method, path)
            assert _refused(r) == "NUL characters are not allowed in the path or query", path
        r = api.post(
            "/v1/files/upload",
            files={"file": ("a.png", b"x", "image/png")},
            data={"display_name": "a\x00b"},
        )
        assert _refused(r) == "display_name: NUL characters are not allowed"


class TestLimits:
    def test_body_over_the_limit_is_413_json(
        self, app_with: AppFactory, tenant: Tenant, world: World
    ) -> None:
        small = Api(app_with(max_body_bytes=300), tenant.requester_key)
        padded = {"project": "pets", "attachment": "a", "instruction": "x" * 400}
        r = small.post("/v1/task/categorization", json=padded)
        assert _refused(r, 413) == "the request body is larger than the limit of 300 bytes"
        r = small.post("/v1/projects", json={"name": "p" * 200, "type": "categorization" * 10})
        assert _refused(r, 413) == "the request body is larger than the limit of 300 bytes"

        def chunks() -> Iterator[bytes]:  # no Content-Length: counted as it arrives
            yield b'{"project": "pets", "attachment": "a", "instruction": "'
            for _ in range(10):
                yield b"x" * 50
            yield b'"}'

        for path in ("/v1/task/categorization", "/v1/batches", "/api/v1/tasks/bulk"):
            r = small.post(path, content=chunks(), headers=JSON)
            assert _refused(r, 413) == "the request body is larger than the limit of 300 bytes"
        fits = small.post("/v1/task/categorization", json={**padded, "instruction": "x" * 100})
        assert fits.status_code == 200, fits.text
        world.before = world.snapshot()
        assert world.before[0]["total"] == 2

    def test_huge_numbers(self, world: World) -> None:
        api = world.api
        extremes = {"max": 2**63 - 1, "min": -(2**63), "umax": 2**64 - 1, "tiny": 5e-324}
        task = api.task("categorization", project="pets", attachment="a", metadata=extremes)
        assert api.ok("GET", f"/v1/task/{task['task_id']}")["metadata"] == extremes
        for body in (
            b'{"project": "pets", "attachment": "a", "priority": ' + b"1" * 40 + b"}",
            b'{"project": "pets", "attachment": "a", "metadata": {"n": -1e999}}',
        ):
            _refused(api.post("/v1/task/categorization", content=body, headers=JSON))
        r = api.get("/v1/tasks", params={"limit": "9" * 40})
        assert _refused(r).startswith("limit: ")
        r = api.get("/api/v1/assignments/" + "9" * 40)
        _refused(r)
        world.before = world.snapshot()

    def test_deep_nesting(self, world: World) -> None:
        api = world.api
        deep: Any = "leaf"
        for _ in range(90):
            deep = {"d": deep}
        task = api.task("categorization", project="pets", attachment="a", metadata=deep)
        # Stored and readable, alone and in a listing.
        assert api.ok("GET", f"/v1/task/{task['task_id']}")["metadata"] == deep
        assert api.ok("GET", "/v1/tasks")["total"] == 2
        world.before = world.snapshot()
        for _ in range(200):
            deep = [deep]
        r = api.post(
            "/v1/task/categorization", json={"project": "pets", "attachment": "a", "metadata": deep}
        )
        assert _refused(r) == "metadata: nested deeper than 100 levels"
        r = api.post(f"/v1/task/{task['task_id']}/setMetadata", json={"x": deep})
        assert _refused(r) == "x: nested deeper than 100 levels"
        r = api.post("/api/v1/tasks/bulk", json={"tasks": [{"type": "categorization", "m": deep}]})
        assert _refused(r) == "tasks: nested deeper than 100 levels"


class TestRoutes:
    def test_unknown_routes_and_methods(self, world: World) -> None:
        api = world.api
        assert _refused(api.get("/v1/nope"), 404) == "no such endpoint: /v1/nope"
        # (a GET of any other path outside the API answers the web app: tests/api/test_webapp.py)
        assert _refused(api.get("/api/nope"), 404) == "Not Found"
        assert _refused(api.post("/nope"), 404) == "Not Found"
        _refused(api.request("PATCH", "/v1/projects"), 405)
