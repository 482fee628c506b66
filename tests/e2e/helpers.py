"""What the end-to-end tests share: plain HTTP calls to a live server, the work queue, polling
with a deadline, and callback signature checks."""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

import httpx
from standardwebhooks.webhooks import Webhook

from assay.context import Context
from assay.storage.repos import accounts as accounts_repo
from tests.e2e.receiver import Received


class Http:
    """An httpx client to a live server, as one API key (HTTP Basic, like scaleapi)."""

    def __init__(self, base_url: str, key: str) -> None:
        self.client = httpx.Client(base_url=base_url, auth=(key, ""), timeout=30)

    def request(self, method: str, path: str, **kw: Any) -> httpx.Response:
        return self.client.request(method, path, **kw)

    def ok(self, method: str, path: str, **kw: Any) -> Any:
        r = self.request(method, path, **kw)
        assert r.status_code == 200, f"{method} {path} -> {r.status_code}: {r.text}"
        return r.json()

    def task(self, task_id: str) -> Any:
        return self.ok("GET", f"/v1/task/{task_id}")

    def close(self) -> None:
        self.client.close()


def lease(worker: Http, project: str) -> dict[str, Any]:
    found = worker.ok("POST", "/api/v1/queue/lease", json={"project": project})["assignment"]
    assert found is not None, f"nothing to lease in {project!r}"
    return dict(found)


def submit(worker: Http, assignment: dict[str, Any], response: dict[str, Any]) -> Any:
    return worker.ok(
        "POST",
        f"/api/v1/assignments/{assignment['id']}/submit",
        json={"lease_token": assignment["lease_token"], "response": response},
    )


def complete(worker: Http, project: str, task_id: str, response: dict[str, Any]) -> None:
    """Lease the project's next assignment (it must be ``task_id``'s) and submit it."""
    assignment = lease(worker, project)
    assert assignment["task"]["task_id"] == task_id
    assert submit(worker, assignment, response)["task_status"] == "completed"


def poll(what: str, fetch: Callable[[], Any], done: Callable[[Any], bool], timeout: float) -> Any:
    """Call ``fetch`` until ``done`` holds for its value; fail after ``timeout`` seconds."""
    deadline = time.monotonic() + timeout
    while True:
        value = fetch()
        if done(value):
            return value
        if time.monotonic() > deadline:
            raise AssertionError(f"{what}: not reached in {timeout}s; last value: {value!r}")
        time.sleep(0.05)


def org_secrets(ctx: Context, organization: str) -> tuple[str, str]:
    """The organization's webhook secret and ``scale-callback-auth`` key, from the database."""
    with ctx.db.read() as conn:
        row = accounts_repo.get_organization(conn, name=organization)
    assert row is not None
    return row.webhook_secret, row.callback_auth_key


def verified(ctx: Context, organization: str, request: Received) -> Any:
    """The JSON body of a callback, after checking its Standard Webhooks signature and
    its ``scale-callback-auth`` header against the organization's secrets."""
    secret, auth_key = org_secrets(ctx, organization)
    body = Webhook(secret).verify(request.body, request.headers)
    assert request.headers["scale-callback-auth"] == auth_key
    assert request.headers["content-type"] == "application/json"
    return body
