"""A web-app user for API tests: a cookie jar of its own, and the CSRF header the app sends."""

from __future__ import annotations

from typing import Any

import httpx2 as httpx
import pytest
from argon2 import PasswordHasher
from fastapi.testclient import TestClient

from assay.accounts import passwords
from assay.accounts import service as accounts
from assay.accounts.model import Role
from assay.context import Context

PASSWORD = "correct horse battery"
_SAFE = {"GET", "HEAD", "OPTIONS"}
# Argon2 with the cheapest parameters: these tests hash and verify passwords by the dozen.
_CHEAP = PasswordHasher(time_cost=1, memory_cost=8, parallelism=1)


def cheap_passwords(monkeypatch: pytest.MonkeyPatch) -> None:
    """Use from an autouse fixture; the hashes still verify with the real hasher."""
    monkeypatch.setattr(passwords, "_hasher", _CHEAP)


class Browser:
    """Requests through the app of ``client`` with their own cookies (a separate browser)."""

    def __init__(self, client: TestClient, base_url: str = "http://testserver") -> None:
        # (https for a server whose cookies are Secure)
        self.client = TestClient(client.app, base_url=base_url, raise_server_exceptions=False)
        self.csrf: str | None = None

    def login(self, username: str, password: str = PASSWORD, **extra: Any) -> httpx.Response:
        r = self.client.post(
            "/api/v1/auth/login", json={"username": username, "password": password, **extra}
        )
        if r.status_code == 200:
            self.csrf = r.json()["csrf_token"]
        return r

    def request(self, method: str, path: str, *, csrf: bool = True, **kw: Any) -> httpx.Response:
        headers = dict(kw.pop("headers", None) or {})
        if csrf and self.csrf is not None and method.upper() not in _SAFE:
            headers.setdefault("X-CSRF-Token", self.csrf)
        return self.client.request(method, path, headers=headers, **kw)

    def get(self, path: str, **kw: Any) -> httpx.Response:
        return self.request("GET", path, **kw)

    def post(self, path: str, **kw: Any) -> httpx.Response:
        return self.request("POST", path, **kw)

    def patch(self, path: str, **kw: Any) -> httpx.Response:
        return self.request("PATCH", path, **kw)

    def delete(self, path: str, **kw: Any) -> httpx.Response:
        return self.request("DELETE", path, **kw)

    def ok(self, method: str, path: str, status: int = 200, **kw: Any) -> Any:
        r = self.request(method, path, **kw)
        assert r.status_code == status, f"{method} {path} -> {r.status_code}: {r.text}"
        return r.json()


def with_password(ctx: Context, username: str, password: str = PASSWORD) -> str:
    """Give an existing user (the ``tenant``'s) a password; returns the user name."""
    accounts.ensure_user(ctx.db, username=username, password=password)
    return username


def member(ctx: Context, org: str, username: str, role: Role, password: str = PASSWORD) -> str:
    accounts.ensure_user(ctx.db, username=username, password=password)
    accounts.add_member(ctx.db, organization=org, username=username, role=role)
    return username


def refused(r: httpx.Response, status: int, code: str) -> str:
    assert r.status_code == status, f"{r.status_code}: {r.text}"
    assert r.headers["content-type"] == "application/json"
    body = r.json()
    assert (body["status_code"], body["code"]) == (status, code), body
    return str(body["error"])
