"""/api/v1/users and /api/v1/keys: who may manage whom, and keys that work and stop working."""

from __future__ import annotations

from typing import Any

import pytest
from fastapi.testclient import TestClient

from assay.context import Context
from tests.api.browser import PASSWORD, Browser, cheap_passwords, refused, with_password
from tests.api.conftest import AppFactory
from tests.factories import Api, Tenant, make_tenant


@pytest.fixture(autouse=True)
def _cheap_passwords(monkeypatch: pytest.MonkeyPatch) -> None:
    cheap_passwords(monkeypatch)


@pytest.fixture
def admin(client: TestClient, ctx: Context, tenant: Tenant) -> Browser:
    """The tenant's admin, logged in to the web app."""
    b = Browser(client)
    assert b.login(with_password(ctx, "acme-admin")).status_code == 200
    return b


@pytest.fixture
def annotator(client: TestClient, ctx: Context, tenant: Tenant) -> Browser:
    b = Browser(client)
    assert b.login(with_password(ctx, "acme-annotator")).status_code == 200
    return b


def _users(browser: Browser) -> dict[str, dict[str, Any]]:
    return {u["username"]: u for u in browser.ok("GET", "/api/v1/users")["items"]}


def _me(browser: Browser) -> dict[str, Any]:
    me: dict[str, Any] = browser.ok("GET", "/api/v1/auth/me")
    return me


class TestUsers:
    def test_admin_lists_the_organizations_members(self, admin: Browser, ctx: Context) -> None:
        make_tenant(ctx, "globex")  # other organizations' users are not listed
        users = _users(admin)
        assert {name: u["role"] for name, u in users.items()} == {
            "acme-requester": "requester",
            "acme-annotator": "annotator",
            "acme-admin": "admin",
        }
        one = users["acme-admin"]
        assert set(one) == {"id", "username", "email", "role", "is_active", "created_at"}
        assert one["is_active"] is True
        assert one["created_at"].endswith("Z")

    def test_admin_creates_a_user_who_can_log_in(self, admin: Browser, client: TestClient) -> None:
        body = {"username": "rita", "password": "long enough", "role": "reviewer"}
        created = admin.ok("POST", "/api/v1/users", 201, json={**body, "email": "rita@acme.io"})
        assert {k: created[k] for k in ("username", "email", "role", "is_active")} == {
            "username": "rita",
            "email": "rita@acme.io",
            "role": "reviewer",
            "is_active": True,
        }
        assert _users(admin)["rita"] == created
        rita = Browser(client)
        me = rita.ok(
            "POST", "/api/v1/auth/login", json={"username": "rita", "password": "long enough"}
        )
        assert (me["role"], me["organization"]["name"]) == ("reviewer", "acme")

    def test_user_names_are_unique(self, admin: Browser, ctx: Context) -> None:
        make_tenant(ctx, "globex")
        for taken in ("acme-annotator", "globex-annotator"):
            r = admin.post(
                "/api/v1/users", json={"username": taken, "password": PASSWORD, "role": "admin"}
            )
            assert refused(r, 409, "conflict") == f"user {taken!r} already exists"
        # The other organization's user was not pulled in.
        assert "globex-annotator" not in _users(admin)

    def test_bad_user_bodies_are_400(self, admin: Browser) -> None:
        good = {"username": "rita", "password": PASSWORD, "role": "annotator"}
        for bad in (
            {**good, "role": "owner"},
            {**good, "password": "short"},
            {**good, "username": ""},
            {**good, "username": "has space"},
            {**good, "username": "x" * 151},
            {**good, "email": "not-an-email"},
            {"username": "rita", "password": PASSWORD},
        ):
            refused(admin.post("/api/v1/users", json=bad), 400, "invalid")
        assert "rita" not in _users(admin)

    def test_only_admins_manage_users(
        self, annotator: Browser, api: Api, tenant: Tenant, admin: Browser
    ) -> None:
        target = _users(admin)["acme-annotator"]["id"]
        for who in (annotator, api, api.as_key(tenant.annotator_key)):
            for method, path, body in (
                ("GET", "/api/v1/users", None),
                ("POST", "/api/v1/users", {"username": "x", "password": PASSWORD, "role": "admin"}),
                ("PATCH", f"/api/v1/users/{target}", {"role": "admin"}),
            ):
                r = who.request(method, path, json=body)
                assert refused(r, 403, "permission_denied").endswith("may not manage users")
        assert _users(admin)["acme-annotator"]["role"] == "annotator"
        assert "x" not in _users(admin)

    def test_admin_changes_role_email_and_password(
        self, admin: Browser, client: TestClient, ctx: Context
    ) -> None:
        uid = _users(admin)["acme-annotator"]["id"]
        worker = Browser(client)
        worker.login(with_password(ctx, "acme-annotator"))
        changed = admin.ok(
            "PATCH", f"/api/v1/users/{uid}", json={"role": "reviewer", "email": "a@acme.io"}
        )
        assert (changed["role"], changed["email"]) == ("reviewer", "a@acme.io")
        assert _me(worker)["role"] == "reviewer"  # at once, in the open session
        # Leaving a field out keeps it; null clears the e-mail.
        assert admin.ok("PATCH", f"/api/v1/users/{uid}", json={})["email"] == "a@acme.io"
        assert admin.ok("PATCH", f"/api/v1/users/{uid}", json={"email": None})["email"] is None
        # A new password ends the user's sessions; the old password no longer works.
        admin.ok("PATCH", f"/api/v1/users/{uid}", json={"password": "brand new password"})
        refused(worker.get("/api/v1/auth/me"), 401, "unauthenticated")
        refused(worker.login("acme-annotator"), 401, "unauthenticated")
        assert worker.login("acme-annotator", "brand new password").status_code == 200

    def test_deactivated_users_lose_sessions_and_keys(
        self, admin: Browser, annotator: Browser, api: Api, tenant: Tenant
    ) -> None:
        uid = _users(admin)["acme-annotator"]["id"]
        assert (
            admin.ok("PATCH", f"/api/v1/users/{uid}", json={"is_active": False})["is_active"]
            is False
        )
        refused(annotator.get("/api/v1/auth/me"), 401, "unauthenticated")
        refused(annotator.login("acme-annotator"), 401, "unauthenticated")
        refused(api.as_key(tenant.annotator_key).get("/api/v1/queue"), 401, "unauthenticated")
        admin.ok("PATCH", f"/api/v1/users/{uid}", json={"is_active": True})
        assert api.as_key(tenant.annotator_key).get("/api/v1/queue").status_code == 200
        assert annotator.login("acme-annotator").status_code == 200

    def test_admins_cannot_demote_or_deactivate_themselves(self, admin: Browser) -> None:
        me = _me(admin)["user"]["id"]
        for body, message in (
            ({"role": "annotator"}, "role: you cannot change your own role; ask another admin"),
            ({"is_active": False}, "is_active: you cannot deactivate yourself; ask another admin"),
        ):
            r = admin.patch(f"/api/v1/users/{me}", json=body)
            assert refused(r, 400, "invalid") == message
        assert _users(admin)["acme-admin"]["role"] == "admin"
        # What they may change of their own: the rest (their session stays open).
        changed = admin.ok(
            "PATCH", f"/api/v1/users/{me}", json={"role": "admin", "password": "another one!"}
        )
        assert changed["role"] == "admin"
        assert _me(admin)["role"] == "admin"

    def test_unknown_and_foreign_users_are_404(self, admin: Browser, ctx: Context) -> None:
        make_tenant(ctx, "globex")
        globex_admin = Browser(admin.client)
        globex_admin.login(with_password(ctx, "globex-admin"))
        foreign = _users(globex_admin)["globex-annotator"]["id"]
        for uid in (foreign, 999_999):
            r = admin.patch(f"/api/v1/users/{uid}", json={"role": "admin"})
            refused(r, 404, "not_found")
        assert _users(globex_admin)["globex-annotator"]["role"] == "annotator"
        for uid in ("0", "x", str(2**31)):
            refused(admin.patch(f"/api/v1/users/{uid}", json={}), 400, "invalid")


class TestKeys:
    def test_a_new_key_is_shown_once_and_works(
        self, annotator: Browser, client: TestClient
    ) -> None:
        created = annotator.ok(
            "POST", "/api/v1/keys", 201, json={"name": "laptop", "environment": "test"}
        )
        assert set(created) == {"id", "name", "environment", "prefix", "key", "created_at"}
        assert created["key"].startswith("test_")
        assert created["prefix"] == created["key"][:12]
        keyed = Api(client, created["key"])
        assert keyed.ok("GET", "/api/v1/auth/me")["environment"] == "test"
        assert keyed.ok("GET", "/api/v1/queue") == []
        listed = annotator.ok("GET", "/api/v1/keys")["items"]
        mine = [k for k in listed if k["id"] == created["id"]]
        assert mine == [
            {
                "id": created["id"],
                "name": "laptop",
                "environment": "test",
                "prefix": created["prefix"],
                "user": {"id": _me(annotator)["user"]["id"], "username": "acme-annotator"},
                "created_at": created["created_at"],
                "revoked_at": None,
            }
        ]
        assert created["key"] not in str(listed)

    def test_admins_see_every_key_others_their_own(
        self, admin: Browser, annotator: Browser, tenant: Tenant
    ) -> None:
        everyone = {k["user"]["username"] for k in admin.ok("GET", "/api/v1/keys")["items"]}
        assert everyone == {"acme-requester", "acme-annotator", "acme-admin"}
        owners = {k["user"]["username"] for k in annotator.ok("GET", "/api/v1/keys")["items"]}
        assert owners == {"acme-annotator"}

    def test_revoking_stops_the_key(self, annotator: Browser, client: TestClient) -> None:
        created = annotator.ok("POST", "/api/v1/keys", 201, json={"environment": "live"})
        keyed = Api(client, created["key"])
        assert keyed.get("/api/v1/queue").status_code == 200
        revoked = annotator.ok("DELETE", f"/api/v1/keys/{created['id']}")
        assert revoked["revoked_at"] is not None
        assert revoked["name"] == ""
        refused(keyed.get("/api/v1/queue"), 401, "unauthenticated")
        # Revoking again changes nothing.
        assert annotator.ok("DELETE", f"/api/v1/keys/{created['id']}") == revoked

    def test_revoking_beats_the_key_cache(
        self, app_with: AppFactory, tenant: Tenant, ctx: Context
    ) -> None:
        client = app_with(auth_cache_seconds=600)
        admin = Api(client, tenant.admin_key)
        worker = Api(client, tenant.annotator_key)
        assert worker.get("/api/v1/queue").status_code == 200  # now cached
        key_id = next(
            k["id"]
            for k in admin.ok("GET", "/api/v1/keys")["items"]
            if k["prefix"] == tenant.annotator_key[:12]
        )
        assert admin.request("DELETE", f"/api/v1/keys/{key_id}").status_code == 200
        refused(worker.get("/api/v1/queue"), 401, "unauthenticated")

    def test_only_the_owner_or_an_admin_revokes(
        self, admin: Browser, annotator: Browser, api: Api, tenant: Tenant, ctx: Context
    ) -> None:
        keys = {k["prefix"]: k["id"] for k in admin.ok("GET", "/api/v1/keys")["items"]}
        requesters = keys[tenant.requester_key[:12]]
        refused(annotator.delete(f"/api/v1/keys/{requesters}"), 404, "not_found")
        assert api.get("/v1/projects").status_code == 200
        # Another organization's admin cannot see it either.
        make_tenant(ctx, "globex")
        globex = Browser(admin.client)
        globex.login(with_password(ctx, "globex-admin"))
        refused(globex.delete(f"/api/v1/keys/{requesters}"), 404, "not_found")
        assert api.get("/v1/projects").status_code == 200
        # The admin can.
        admin.ok("DELETE", f"/api/v1/keys/{requesters}")
        refused(api.get("/v1/projects"), 401, "unauthenticated")

    def test_bad_key_requests_are_4xx(self, annotator: Browser) -> None:
        for body in ({}, {"environment": "prod"}, {"environment": "live", "name": "x" * 201}):
            refused(annotator.post("/api/v1/keys", json=body), 400, "invalid")
        for key_id in ("0", "abc", str(2**31)):
            refused(annotator.delete(f"/api/v1/keys/{key_id}"), 400, "invalid")
        refused(annotator.delete("/api/v1/keys/424242"), 404, "not_found")
        r = annotator.post("/api/v1/keys", json={"environment": "live"}, csrf=False)
        refused(r, 403, "csrf_failed")
