"""Who may call what: credentials, organizations, roles, test/live data, rate limits."""

from __future__ import annotations

import base64
from typing import Any

from fastapi.testclient import TestClient

from assay.accounts import service as accounts
from assay.context import Context
from tests.api.conftest import AppFactory
from tests.factories import Api, Tenant, make_tenant

CATS = {"categories": ["cat", "dog"]}


def _refused(r: Any, status: int, code: str) -> str:
    assert r.status_code == status, f"{r.status_code}: {r.text}"
    assert r.headers["content-type"] == "application/json"
    body = r.json()
    assert (body["status_code"], body["code"]) == (status, code)
    return str(body["error"])


def _unauthenticated(r: Any) -> str:
    message = _refused(r, 401, "unauthenticated")
    assert r.headers["www-authenticate"] == 'Basic realm="assay"'
    return message


def _seed(api: Api) -> dict[str, str]:
    """A project, a batch, a task and a file; their ids and names."""
    api.project("pets", "categorization", CATS)
    api.ok("POST", "/v1/batches", json={"project": "pets", "name": "b1"})
    task = api.task("categorization", batch="b1", attachment="a", unique_id="u1")
    upload = api.post("/v1/files/upload", files={"file": ("a.txt", b"secret", "text/plain")})
    assert upload.status_code == 200, upload.text
    return {"task": task["task_id"], "file": upload.json()["id"]}


class TestCredentials:
    def test_missing_or_malformed_credentials_are_401(self, client: TestClient) -> None:
        def b64(raw: bytes) -> str:
            return base64.b64encode(raw).decode()

        cases = [
            ({}, "missing credentials: use HTTP Basic with the API key as user name, or Bearer"),
            (
                {"authorization": "Digest abc"},
                "missing credentials: use HTTP Basic with the API key as user name, or Bearer",
            ),
            ({"authorization": "Basic"}, "empty API key"),
            ({"authorization": "Basic !!!not-base64"}, "malformed Basic credentials"),
            ({"authorization": "Basic " + b64(b"\xff\xfe:")}, "malformed Basic credentials"),
            ({"authorization": "Basic " + b64(b":")}, "empty API key"),
            ({"authorization": "Bearer "}, "empty API key"),
            ({"authorization": "Basic " + b64(b"nokey:")}, "API keys start with live_ or test_"),
            ({"authorization": "Bearer live_unknown"}, "invalid or revoked API key"),
            ({"authorization": "Basic " + b64(b"test_unknown:")}, "invalid or revoked API key"),
        ]
        for headers, message in cases:
            for method, path in (
                ("GET", "/v1/tasks"),
                ("POST", "/v1/projects"),
                ("GET", "/v1/files/x"),
            ):
                r = client.request(method, path, headers=headers)
                assert _unauthenticated(r) == message, (headers, path)

    def test_bearer_and_basic_both_work(self, client: TestClient, tenant: Tenant) -> None:
        for headers in (
            {"authorization": f"Bearer {tenant.requester_key}"},
            {"authorization": f"bearer {tenant.requester_key}"},
            {
                "authorization": "Basic "
                + base64.b64encode(f"{tenant.requester_key}:".encode()).decode()
            },
            # The password part is ignored.
            {
                "authorization": "Basic "
                + base64.b64encode(f"{tenant.requester_key}:pw".encode()).decode()
            },
        ):
            r = client.get("/v1/projects", headers=headers)
            assert (r.status_code, r.json()) == (200, [])

    def test_revoked_key_is_401(self, api: Api, ctx: Context, tenant: Tenant) -> None:
        api.project("pets", "categorization", CATS)
        accounts.revoke_api_key(ctx.db, organization="acme", prefix=tenant.requester_key[:12])
        assert _unauthenticated(api.get("/v1/projects/pets")) == "invalid or revoked API key"
        # The same user's other keys still work.
        test_api = api.as_key(tenant.requester_test_key)
        assert test_api.ok("GET", "/v1/projects") == []


class TestOrganizations:
    def test_another_organization_sees_nothing_and_changes_nothing(
        self, api: Api, ctx: Context
    ) -> None:
        ids = _seed(api)
        before = api.ok("GET", f"/v1/task/{ids['task']}")
        other = api.as_key(make_tenant(ctx, "globex").requester_key)
        tid = ids["task"]
        for method, path, body in (
            ("GET", f"/v1/task/{tid}", None),
            ("POST", f"/v1/task/{tid}/cancel", None),
            ("POST", f"/v1/task/{tid}/setMetadata", {"x": 1}),
            ("POST", f"/v1/task/{tid}/tags", ["x"]),
            ("PUT", f"/v1/task/{tid}/tags", ["x"]),
            ("DELETE", f"/v1/task/{tid}/tags", None),
            ("POST", f"/v1/task/{tid}/unique_id", {"unique_id": "mine"}),
            ("DELETE", f"/v1/task/{tid}/unique_id", None),
            ("POST", f"/v1/task/{tid}/audit", {"accepted": False}),
            ("GET", "/v1/projects/pets", None),
            ("POST", "/v1/projects/pets/setParams", {"instruction": "x"}),
            ("GET", "/v1/batches/b1", None),
            ("POST", "/v1/batches/b1/finalize", None),
            ("GET", "/v1/batches/b1/status", None),
            ("POST", "/v1/batches/b1/setMetadata", {"x": 1}),
            ("GET", "/v1/tasks?project=pets", None),
            ("GET", "/v1/tasks?batch=b1", None),
            ("GET", "/v1/batches?project=pets", None),
            ("POST", "/v1/task/categorization", {"project": "pets", "attachment": "a"}),
            ("POST", "/v1/task/categorization", {"batch": "b1", "attachment": "a"}),
            ("POST", "/v1/batches", {"project": "pets", "name": "b2"}),
            ("POST", "/api/v1/queue/lease", {"project": "pets"}),
            ("GET", f"/v1/files/{ids['file']}", None),
        ):
            r = other.request(method, path, json=body)
            _refused(r, 404, "not_found")
        assert other.ok("GET", "/v1/tasks")["total"] == 0
        assert other.ok("GET", "/v1/tasks", params={"unique_id": "u1"})["docs"] == []
        assert other.ok("GET", "/v1/projects") == []
        assert other.ok("GET", "/v1/batches")["docs"] == []
        # The other organization may use the same names for its own things.
        assert other.project("pets", "categorization", CATS)["name"] == "pets"
        assert api.ok("GET", f"/v1/task/{tid}") == before
        assert api.ok("GET", "/v1/batches/b1")["status"] == "staging"


class TestRoles:
    def test_annotators_may_not_use_requester_routes(self, api: Api, tenant: Tenant) -> None:
        ids = _seed(api)
        annotator = api.as_key(tenant.annotator_key)
        tid = ids["task"]
        for method, path, body in (
            ("POST", "/v1/task/categorization", {"project": "pets", "attachment": "a"}),
            ("POST", "/v1/task/lidar", {}),
            ("GET", f"/v1/task/{tid}", None),
            ("GET", "/v1/task/0123456789abcdef01234567", None),
            ("POST", f"/v1/task/{tid}/cancel", None),
            ("POST", f"/v1/task/{tid}/setMetadata", {}),
            ("POST", f"/v1/task/{tid}/tags", []),
            ("POST", f"/v1/task/{tid}/audit", {"accepted": True}),
            ("GET", "/v1/tasks", None),
            ("POST", "/v1/projects", {"name": "p", "type": "categorization"}),
            ("GET", "/v1/projects", None),
            ("GET", "/v1/projects/pets", None),
            ("POST", "/v1/projects/pets/setParams", {}),
            ("POST", "/v1/batches", {"project": "pets", "name": "b9"}),
            ("GET", "/v1/batches", None),
            ("POST", "/v1/batches/b1/finalize", None),
            ("GET", "/v1/batches/b1/status", None),
            ("POST", "/v1/files/import", {"file_url": "http://127.0.0.1:1/x"}),
            ("POST", "/api/v1/tasks/bulk", {"tasks": [{"type": "categorization"}]}),
            ("POST", "/v1/evaluation_tasks/categorization", {"project": "pets"}),
            ("POST", "/v1/training_tasks/categorization", {"project": "pets"}),
        ):
            r = annotator.request(method, path, json=body)
            message = _refused(r, 403, "permission_denied")
            assert message.startswith("role 'annotator' may not "), path
        assert api.ok("GET", "/v1/batches/b1")["status"] == "staging"
        assert api.ok("GET", "/v1/tasks")["total"] == 1
        # What annotators may do.
        assert annotator.ok("GET", "/api/v1/queue") == [
            {
                "project": "pets",
                "type": "categorization",
                "available": 0,
                "leased": 0,
                "stages": [{"stage": "label", "kind": "label", "available": 0, "leased": 0}],
                "quality_status": "active",
                "status_reason": None,
                "qualification": None,
            }
        ]
        assert annotator.lease("pets") is None
        assert annotator.get(f"/v1/files/{ids['file']}").content == b"secret"

    def test_admins_may_do_what_requesters_do(self, api: Api, tenant: Tenant) -> None:
        ids = _seed(api)
        admin = api.as_key(tenant.admin_key)
        assert admin.ok("GET", f"/v1/task/{ids['task']}")["unique_id"] == "u1"
        assert admin.ok("POST", "/v1/batches/b1/finalize")["status"] == "in_progress"


class TestEnvironments:
    def test_test_and_live_data_are_apart(self, api: Api, tenant: Tenant) -> None:
        live = _seed(api)
        test_api = api.as_key(tenant.requester_test_key)
        assert test_api.ok("GET", "/v1/projects") == []
        assert test_api.ok("GET", "/v1/tasks")["total"] == 0
        assert test_api.ok("GET", "/v1/batches")["totalDocs"] == 0
        for path in (
            f"/v1/task/{live['task']}",
            "/v1/projects/pets",
            "/v1/batches/b1",
            f"/v1/files/{live['file']}",
        ):
            _refused(test_api.get(path), 404, "not_found")
        test = _seed(test_api)  # the same names, in the test environment
        assert test_api.ok("GET", f"/v1/task/{test['task']}")["is_test"] is True
        for path in (f"/v1/task/{test['task']}", f"/v1/files/{test['file']}"):
            _refused(api.get(path), 404, "not_found")
        assert [t["task_id"] for t in api.ok("GET", "/v1/tasks")["docs"]] == [live["task"]]
        assert [t["task_id"] for t in test_api.ok("GET", "/v1/tasks")["docs"]] == [test["task"]]
        # Annotators work in the environment of their key.
        api.ok("POST", "/v1/batches/b1/finalize")
        test_api.ok("POST", "/v1/batches/b1/finalize")
        for key, expected in ((tenant.annotator_key, live), (tenant.annotator_test_key, test)):
            assignment = api.as_key(key).lease("pets")
            assert assignment["task"]["task_id"] == expected["task"]
            assert api.as_key(key).lease("pets") is None


class TestRateLimit:
    def test_over_the_limit_is_429_with_retry_after(
        self, app_with: AppFactory, tenant: Tenant
    ) -> None:
        limited = Api(app_with(rate_limit_per_second=1, rate_limit_burst=2), tenant.requester_key)
        assert limited.get("/v1/projects").status_code == 200
        assert limited.get("/v1/projects").status_code == 200
        r = limited.get("/v1/projects")
        message = _refused(r, 429, "rate_limited")
        assert message == "rate limit of 1 requests/s exceeded for this key"
        assert r.headers["retry-after"] == "1"
        # Buckets are per key: another key of the same user is not limited.
        assert limited.as_key(tenant.requester_test_key).get("/v1/projects").status_code == 200
        # Calls without valid credentials are refused before they count.
        assert limited.as_key("live_nope").get("/v1/projects").status_code == 401
