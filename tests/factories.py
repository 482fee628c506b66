"""Builders for test data, through the services (never raw SQL)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import httpx2 as httpx
from fastapi.testclient import TestClient

from assay.accounts import service as accounts
from assay.accounts.model import Environment, Role
from assay.context import Context


@dataclass(frozen=True)
class Tenant:
    name: str
    organization_id: int
    requester_key: str
    requester_test_key: str
    annotator_key: str
    annotator_test_key: str
    admin_key: str

    def annotator(self, ctx: Context, username: str, *, test: bool = False) -> str:
        """Another annotator of this organization; returns their key."""
        return user_key(ctx, self.name, username, Role.ANNOTATOR, test=test)


def user_key(ctx: Context, org: str, username: str, role: Role, *, test: bool = False) -> str:
    accounts.ensure_user(ctx.db, username=username)
    accounts.add_member(ctx.db, organization=org, username=username, role=role)
    env = Environment.TEST if test else Environment.LIVE
    return accounts.create_api_key(ctx.db, organization=org, username=username, environment=env).key


def make_tenant(ctx: Context, name: str) -> Tenant:
    org_id = accounts.ensure_organization(ctx.db, name=name)
    return Tenant(
        name=name,
        organization_id=org_id,
        requester_key=user_key(ctx, name, f"{name}-requester", Role.REQUESTER),
        requester_test_key=user_key(ctx, name, f"{name}-requester", Role.REQUESTER, test=True),
        annotator_key=user_key(ctx, name, f"{name}-annotator", Role.ANNOTATOR),
        annotator_test_key=user_key(ctx, name, f"{name}-annotator", Role.ANNOTATOR, test=True),
        admin_key=user_key(ctx, name, f"{name}-admin", Role.ADMIN),
    )


class Api:
    """A TestClient bound to one API key (HTTP Basic, as the scaleapi client sends it)."""

    def __init__(self, client: TestClient, key: str) -> None:
        self.client = client
        self.key = key

    def as_key(self, key: str) -> Api:
        return Api(self.client, key)

    def request(self, method: str, path: str, **kw: Any) -> httpx.Response:
        return self.client.request(method, path, auth=(self.key, ""), **kw)

    def get(self, path: str, **kw: Any) -> httpx.Response:
        return self.request("GET", path, **kw)

    def post(self, path: str, **kw: Any) -> httpx.Response:
        return self.request("POST", path, **kw)

    def put(self, path: str, **kw: Any) -> httpx.Response:
        return self.request("PUT", path, **kw)

    def delete(self, path: str, **kw: Any) -> httpx.Response:
        return self.request("DELETE", path, **kw)

    def ok(self, method: str, path: str, **kw: Any) -> Any:
        """The JSON of a 200, or an assertion error showing what came back."""
        r = self.request(method, path, **kw)
        assert r.status_code == 200, f"{method} {path} -> {r.status_code}: {r.text}"
        return r.json()

    # Shortcuts for the common setup steps.
    def project(self, name: str, task_type: str, params: dict[str, Any] | None = None) -> Any:
        return self.ok(
            "POST", "/v1/projects", json={"name": name, "type": task_type, "params": params or {}}
        )

    def task(self, task_type: str, **payload: Any) -> Any:
        return self.ok("POST", f"/v1/task/{task_type}", json=payload)

    def lease(self, project: str, **kw: Any) -> Any:
        return self.ok("POST", "/api/v1/queue/lease", json={"project": project, **kw})["assignment"]

    def submit(self, assignment: dict[str, Any], response: dict[str, Any]) -> httpx.Response:
        return self.post(
            f"/api/v1/assignments/{assignment['id']}/submit",
            json={"lease_token": assignment["lease_token"], "response": response},
        )


CATEGORIES = {"attachment": "https://example.com/cat.jpg", "categories": ["cat", "dog"]}
