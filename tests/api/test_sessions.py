"""Web sessions: password login, the cookie, CSRF, logout, expiry and the environment."""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from datetime import datetime, timedelta

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select

from assay import clock
from assay.accounts import service as accounts
from assay.accounts.model import Role
from assay.context import Context
from assay.storage.tables import web_sessions
from tests.api.browser import PASSWORD, Browser, cheap_passwords, member, refused, with_password
from tests.api.conftest import AppFactory
from tests.factories import Api, Tenant, make_tenant
from tests.live import LiveServer

CATS = {"categories": ["cat", "dog"]}
WRONG = "wrong user name or password"


@pytest.fixture(autouse=True)
def _cheap_passwords(monkeypatch: pytest.MonkeyPatch) -> None:
    cheap_passwords(monkeypatch)


@pytest.fixture
def requester(ctx: Context, tenant: Tenant) -> str:
    return with_password(ctx, "acme-requester")


@pytest.fixture
def browser(client: TestClient) -> Browser:
    return Browser(client)


def _cookie_header(r: object) -> str:
    headers = r.headers.get_list("set-cookie")  # type: ignore[attr-defined]
    assert len(headers) == 1, headers
    return str(headers[0])


def _stored_sessions(ctx: Context) -> list[str]:
    with ctx.db.read() as conn:
        return [r.id for r in conn.execute(select(web_sessions.c.id))]


class TestLogin:
    def test_login_sets_the_cookie_and_answers_me(
        self, browser: Browser, requester: str, tenant: Tenant, ctx: Context
    ) -> None:
        r = browser.login(requester)
        assert r.status_code == 200, r.text
        me = r.json()
        assert me["user"]["username"] == "acme-requester"
        assert me["organization"] == {"id": tenant.organization_id, "name": "acme"}
        assert (me["role"], me["environment"]) == ("requester", "live")
        assert me["organizations"] == [
            {"id": tenant.organization_id, "name": "acme", "role": "requester"}
        ]
        assert len(me["csrf_token"]) >= 32
        cookie = _cookie_header(r)
        token = cookie.split(";")[0].removeprefix("assay_session=")
        flags = {part.strip().lower() for part in cookie.split(";")[1:]}
        assert flags == {"httponly", "max-age=43200", "path=/", "samesite=lax"}
        # Only the token's hash is stored.
        assert _stored_sessions(ctx) == [hashlib.sha256(token.encode()).hexdigest()]
        assert browser.ok("GET", "/api/v1/auth/me") == me

    def test_cookie_is_secure_behind_https_and_lives_as_configured(
        self, app_with: AppFactory, ctx: Context, requester: str
    ) -> None:
        client = app_with(public_url="https://assay.example.com", session_hours=2)
        r = Browser(client).login(requester)
        assert r.status_code == 200, r.text
        flags = {p.strip().lower() for p in _cookie_header(r).split(";")[1:]}
        assert {"secure", "max-age=7200", "httponly"} <= flags

    def test_bad_credentials_get_one_answer(
        self, browser: Browser, ctx: Context, api: Api, tenant: Tenant, requester: str
    ) -> None:
        gone = member(ctx, "acme", "gone", Role.ADMIN)
        admin = api.as_key(tenant.admin_key)
        user_id = next(
            u["id"] for u in admin.ok("GET", "/api/v1/users")["items"] if u["username"] == gone
        )
        r = admin.request("PATCH", f"/api/v1/users/{user_id}", json={"is_active": False})
        assert r.status_code == 200, r.text
        for username, password in (
            (requester, "not the password"),  # wrong password
            ("nobody", PASSWORD),  # unknown user
            ("gone", PASSWORD),  # inactive user
            ("acme-annotator", PASSWORD),  # a user without a password (API keys only)
        ):
            r = browser.login(username, password)
            assert refused(r, 401, "unauthenticated") == WRONG, username
            # No HTTP Basic challenge: a browser would answer it with a password dialog.
            assert "www-authenticate" not in r.headers
            assert "set-cookie" not in r.headers
        assert _stored_sessions(ctx) == []

    def test_a_user_without_an_organization_cannot_log_in(
        self, browser: Browser, ctx: Context
    ) -> None:
        accounts.ensure_user(ctx.db, username="loner", password=PASSWORD)
        assert "no organization" in refused(browser.login("loner"), 401, "unauthenticated")

    def test_organization_picks_one_of_several(
        self, browser: Browser, ctx: Context, tenant: Tenant, requester: str
    ) -> None:
        globex = make_tenant(ctx, "globex")
        accounts.add_member(ctx.db, organization="globex", username=requester, role=Role.ADMIN)
        me = browser.ok(
            "POST", "/api/v1/auth/login", json={"username": requester, "password": PASSWORD}
        )
        assert me["organization"]["name"] == "acme"  # the oldest by default
        assert [o["name"] for o in me["organizations"]] == ["acme", "globex"]
        me = browser.login(requester, organization="globex").json()
        assert (me["organization"]["id"], me["role"]) == (globex.organization_id, "admin")
        assert browser.ok("GET", "/api/v1/users")["items"]  # an admin there
        message = refused(browser.login(requester, organization="initech"), 401, "unauthenticated")
        assert message == "user is not a member of organization 'initech'"

    def test_failed_logins_are_throttled_per_user_name(
        self, browser: Browser, ctx: Context, requester: str
    ) -> None:
        member(ctx, "acme", "other", Role.ANNOTATOR)
        for _ in range(10):
            refused(browser.login(requester, "guess guess"), 401, "unauthenticated")
        for password in ("guess guess", PASSWORD):  # the right password too, for a while
            r = browser.login(requester, password)
            assert refused(r, 429, "rate_limited").startswith("too many failed logins")
            assert 1 <= int(r.headers["retry-after"]) <= 300
        assert browser.login("other").status_code == 200

    def test_bad_bodies_are_400(self, browser: Browser) -> None:
        for body in ({}, {"username": "x"}, {"username": "", "password": "p"}, [], "x"):
            refused(browser.client.post("/api/v1/auth/login", json=body), 400, "invalid")


class TestCookieAuth:
    def test_the_session_works_on_both_apis(self, browser: Browser, requester: str) -> None:
        browser.login(requester)
        assert (
            browser.ok(
                "POST",
                "/v1/projects",
                json={"name": "pets", "type": "categorization", "params": CATS},
            )["name"]
            == "pets"
        )
        assert [p["name"] for p in browser.ok("GET", "/v1/projects")] == ["pets"]
        assert browser.ok("GET", "/api/v1/queue")[0]["project"] == "pets"

    def test_unsafe_methods_need_the_csrf_token(
        self, browser: Browser, requester: str, api: Api
    ) -> None:
        browser.login(requester)
        body = {"name": "pets", "type": "categorization", "params": CATS}
        r = browser.post("/v1/projects", json=body, csrf=False)
        assert refused(r, 403, "csrf_failed").startswith("missing or wrong X-CSRF-Token")
        r = browser.post("/v1/projects", json=body, headers={"X-CSRF-Token": "x" * 43})
        refused(r, 403, "csrf_failed")
        r = browser.post("/api/v1/queue/lease", json={"project": "pets"}, csrf=False)
        refused(r, 403, "csrf_failed")
        assert api.ok("GET", "/v1/projects") == []  # nothing was created
        assert browser.get("/v1/projects").status_code == 200  # reads need no token
        assert browser.post("/v1/projects", json=body).status_code == 200

    def test_another_origin_is_refused(
        self, browser: Browser, requester: str, app_with: AppFactory
    ) -> None:
        browser.login(requester)
        body = {"name": "pets", "type": "categorization", "params": CATS}
        for origin in ("https://evil.example", "null", "http://testserver.evil.example"):
            r = browser.post("/v1/projects", json=body, headers={"Origin": origin})
            assert refused(r, 403, "csrf_failed") == (
                f"requests from {origin!r} may not use this server's session"
            )
        # A login from another site's page is refused too.
        r = browser.client.post(
            "/api/v1/auth/login",
            json={"username": requester, "password": PASSWORD},
            headers={"Origin": "https://evil.example"},
        )
        refused(r, 403, "csrf_failed")
        # The server's own origin, as reached (Host) or as configured (public URL).
        r = browser.post("/v1/projects", json=body, headers={"Origin": "http://testserver"})
        assert r.status_code == 200, r.text
        behind_proxy = Browser(
            app_with(public_url="https://labels.example.com"), base_url="https://testserver"
        )
        behind_proxy.login(requester)
        r = behind_proxy.post(
            "/v1/projects",
            json={**body, "name": "dogs"},
            headers={"Origin": "https://labels.example.com"},
        )
        assert r.status_code == 200, r.text

    def test_an_authorization_header_wins_over_the_cookie(
        self, browser: Browser, requester: str, tenant: Tenant
    ) -> None:
        browser.login(requester)
        body = {"name": "pets", "type": "categorization", "params": CATS}
        # The annotator's key, with the requester's cookie: the key decides (and needs no token).
        r = browser.post("/v1/projects", json=body, csrf=False, auth=(tenant.annotator_key, ""))
        refused(r, 403, "permission_denied")
        r = browser.post("/v1/projects", json=body, csrf=False, auth=(tenant.requester_key, ""))
        assert r.status_code == 200, r.text
        r = browser.get("/api/v1/auth/me", auth=(tenant.annotator_key, ""))
        me = r.json()
        assert (me["user"]["username"], me["csrf_token"]) == ("acme-annotator", None)
        # A bad key is refused even with a good cookie.
        r = browser.get("/v1/projects", auth=("live_nope", ""))
        assert r.status_code == 401
        assert r.headers["www-authenticate"] == 'Basic realm="assay"'

    def test_unknown_or_garbled_cookies_are_401_without_a_challenge(self, browser: Browser) -> None:
        for value in ("nope", "x" * 500):
            browser.client.cookies.set("assay_session", value)
            r = browser.get("/v1/projects")
            assert refused(r, 401, "unauthenticated") == (
                "not logged in, or the session has expired: log in again"
            )
            assert "www-authenticate" not in r.headers
        browser.client.cookies.clear()
        r = browser.get("/api/v1/auth/me")
        assert refused(r, 401, "unauthenticated") == "not logged in"
        assert "www-authenticate" not in r.headers
        # API clients without credentials are still invited to HTTP Basic.
        assert browser.get("/v1/projects").headers["www-authenticate"] == 'Basic realm="assay"'

    def test_role_and_activity_changes_apply_at_once(
        self, browser: Browser, requester: str, ctx: Context, tenant: Tenant
    ) -> None:
        browser.login(requester)
        assert browser.get("/v1/projects").status_code == 200
        accounts.add_member(ctx.db, organization="acme", username=requester, role=Role.ANNOTATOR)
        refused(browser.get("/v1/projects"), 403, "permission_denied")
        assert browser.ok("GET", "/api/v1/auth/me")["role"] == "annotator"
        admin = Browser(browser.client)
        admin.login(with_password(ctx, "acme-admin"))
        user_id = browser.ok("GET", "/api/v1/auth/me")["user"]["id"]
        admin.ok("PATCH", f"/api/v1/users/{user_id}", json={"is_active": False})
        refused(browser.get("/api/v1/auth/me"), 401, "unauthenticated")


class TestLogout:
    def test_logout_ends_the_session(self, browser: Browser, requester: str, ctx: Context) -> None:
        browser.login(requester)
        cookie = browser.client.cookies["assay_session"]
        refused(browser.post("/api/v1/auth/logout", csrf=False), 403, "csrf_failed")
        r = browser.post("/api/v1/auth/logout")
        assert (r.status_code, r.json()) == (200, {"ok": True})
        cleared = _cookie_header(r)
        assert cleared.startswith('assay_session="";') or cleared.startswith("assay_session=;")
        assert "max-age=0" in cleared.lower()
        assert _stored_sessions(ctx) == []
        assert "assay_session" not in browser.client.cookies
        # The old cookie, replayed, is worthless.
        browser.client.cookies.set("assay_session", cookie)
        refused(browser.get("/api/v1/auth/me"), 401, "unauthenticated")
        # Logging out of a session that has ended is fine (and clears the cookie).
        assert browser.post("/api/v1/auth/logout").json() == {"ok": True}
        browser.client.cookies.clear()
        refused(browser.client.post("/api/v1/auth/logout"), 401, "unauthenticated")

    def test_logout_ends_only_this_session(
        self, browser: Browser, requester: str, client: TestClient
    ) -> None:
        laptop, phone = browser, Browser(client)
        laptop.login(requester)
        phone.login(requester)
        laptop.ok("POST", "/api/v1/auth/logout")
        assert phone.get("/api/v1/auth/me").status_code == 200

    def test_logging_in_again_replaces_the_session(
        self, browser: Browser, requester: str, ctx: Context
    ) -> None:
        browser.login(requester)
        first = _stored_sessions(ctx)
        browser.login(requester)
        second = _stored_sessions(ctx)
        assert len(second) == 1
        assert second != first

    def test_an_api_key_logs_out_of_nothing(self, api: Api) -> None:
        assert api.ok("POST", "/api/v1/auth/logout") == {"ok": True}


class TestExpiry:
    def test_sessions_expire(
        self,
        browser: Browser,
        requester: str,
        ctx: Context,
        monkeypatch: pytest.MonkeyPatch,
    ) -> None:
        browser.login(requester)
        start = clock.now()
        later: Callable[[timedelta], None] = lambda d: monkeypatch.setattr(  # noqa: E731
            clock, "now", lambda: start + d
        )
        later(timedelta(hours=11, minutes=59))
        assert browser.get("/api/v1/auth/me").status_code == 200
        later(timedelta(hours=12, seconds=1))
        r = browser.get("/api/v1/auth/me")
        assert refused(r, 401, "unauthenticated").startswith("not logged in, or the session")
        # The next login sweeps expired sessions away.
        other = Browser(browser.client)
        other.login(requester)
        with ctx.db.read() as conn:
            rows = list(conn.execute(select(web_sessions.c.expires_at)))
        assert len(rows) == 1
        expires: datetime = rows[0].expires_at
        assert expires > start + timedelta(hours=24)


class TestEnvironment:
    def test_a_session_sees_one_environment_at_a_time(
        self, browser: Browser, requester: str, api: Api, tenant: Tenant
    ) -> None:
        api.project("live-pets", "categorization", CATS)
        api.as_key(tenant.requester_test_key).project("test-pets", "categorization", CATS)
        browser.login(requester)

        def names() -> list[str]:
            return [p["name"] for p in browser.ok("GET", "/v1/projects")]

        assert names() == ["live-pets"]
        me = browser.ok("POST", "/api/v1/auth/environment", json={"environment": "test"})
        assert me["environment"] == "test"
        assert browser.ok("GET", "/api/v1/auth/me")["environment"] == "test"
        assert names() == ["test-pets"]
        refused(browser.get("/v1/projects/live-pets"), 404, "not_found")
        browser.ok(
            "POST",
            "/v1/projects",
            json={"name": "made-in-test", "type": "categorization", "params": CATS},
        )
        assert [p["name"] for p in api.ok("GET", "/v1/projects")] == ["live-pets"]
        browser.ok("POST", "/api/v1/auth/environment", json={"environment": "live"})
        assert names() == ["live-pets"]

    def test_switching_needs_a_session_and_a_known_environment(
        self, browser: Browser, requester: str, api: Api
    ) -> None:
        r = api.post("/api/v1/auth/environment", json={"environment": "test"})
        assert refused(r, 400, "invalid").startswith("an API key's environment is fixed")
        browser.login(requester)
        for body in ({"environment": "staging"}, {}):
            refused(browser.post("/api/v1/auth/environment", json=body), 400, "invalid")
        r = browser.post("/api/v1/auth/environment", json={"environment": "test"}, csrf=False)
        refused(r, 403, "csrf_failed")
        assert browser.ok("GET", "/api/v1/auth/me")["environment"] == "live"


@pytest.mark.slow
def test_sessions_over_real_http_across_processes(
    live_server: Callable[..., LiveServer], ctx: Context, tenant: Tenant
) -> None:
    """Two server processes share sessions through the database; a logout ends it in both."""
    import httpx2 as httpx

    server = live_server(workers=2)
    with_password(ctx, "acme-requester")
    with httpx.Client(base_url=server.url, timeout=10) as browser:
        r = browser.post(
            "/api/v1/auth/login", json={"username": "acme-requester", "password": PASSWORD}
        )
        assert r.status_code == 200, r.text
        csrf = r.json()["csrf_token"]
        cookie = browser.cookies["assay_session"]
        for _ in range(10):  # spread over both processes
            assert browser.get("/api/v1/auth/me").status_code == 200
        r = browser.post("/api/v1/auth/logout", headers={"X-CSRF-Token": csrf})
        assert r.status_code == 200, r.text
        assert "assay_session" not in browser.cookies
        browser.cookies.set("assay_session", cookie)
        for _ in range(10):
            assert browser.get("/api/v1/auth/me").status_code == 401
