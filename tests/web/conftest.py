"""Browser tests: a live ``assay serve`` with the built web app, driven by headless Chromium.

Chromium is Debian's (``/usr/bin/chromium``, or ``ASSAY_TEST_CHROMIUM``); Playwright only
drives it (never ``playwright install``). Without it these tests are skipped, unless
``ASSAY_TEST_REQUIRE_BROWSER=1`` (CI), which makes a missing browser an error.

Browser tests run on SQLite; the ones marked ``both_backends`` also on PostgreSQL (the API
under them is tested on both elsewhere).
"""

from __future__ import annotations

import fcntl
import os
import shutil
import subprocess
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx2 as httpx
import pytest

from assay.accounts import service as accounts
from assay.accounts.model import Role
from assay.context import Context
from tests.factories import Tenant
from tests.live import LiveServer

ROOT = Path(__file__).resolve().parents[2]
WEB = ROOT / "web"
CHROMIUM = os.environ.get("ASSAY_TEST_CHROMIUM", "/usr/bin/chromium")
REQUIRE_BROWSER = os.environ.get("ASSAY_TEST_REQUIRE_BROWSER") == "1"
ARTIFACTS = Path(os.environ.get("ASSAY_TEST_ARTIFACTS", ROOT / "test-artifacts"))
PASSWORD = "correct-horse-42"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        params = getattr(getattr(item, "callspec", None), "params", {})
        if (
            "tests/web/" in item.nodeid
            and params.get("backend") == "postgresql"
            and item.get_closest_marker("both_backends") is None
        ):
            item.add_marker(pytest.mark.skip(reason="browser tests run on SQLite only"))


def _stale(dist: Path) -> bool:
    index = dist / "index.html"
    if not index.exists():
        return True
    built = index.stat().st_mtime
    sources = [WEB / "index.html", WEB / "package.json", WEB / "vite.config.ts"]
    sources += [p for p in (WEB / "src").rglob("*") if p.is_file()]
    return any(p.stat().st_mtime > built for p in sources)


@pytest.fixture(scope="session")
def web_dist() -> Path:
    """The built web app; built here (once, under a lock shared by xdist workers) if stale."""
    if env := os.environ.get("ASSAY_WEB_DIR"):
        return Path(env)
    dist = WEB / "dist"
    with open(WEB / ".build.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if _stale(dist):
            npm = shutil.which("npm")
            if npm is None:
                pytest.fail("npm is needed to build the web app (web/)")
            if not (WEB / "node_modules").exists():
                subprocess.run([npm, "ci", "--no-audit", "--no-fund"], cwd=WEB, check=True)
            subprocess.run([npm, "run", "build"], cwd=WEB, check=True)
    return dist


@pytest.fixture(scope="session")
def browser() -> Iterator[Any]:
    if not Path(CHROMIUM).exists():
        if REQUIRE_BROWSER:
            pytest.fail(f"no Chromium at {CHROMIUM}: apt-get install -y chromium")
        pytest.skip(f"no Chromium at {CHROMIUM}")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        b = pw.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
        yield b
        b.close()


@dataclass
class Web:
    """A live server with the web app, an organization with users who have passwords."""

    server: LiveServer
    ctx: Context
    tenant: Tenant
    browser: Any
    artifacts: Path
    _contexts: list[Any] = field(default_factory=list)

    @property
    def url(self) -> str:
        return self.server.url

    def http(self, key: str | None = None) -> httpx.Client:
        """An API client as ``key`` (default: the requester's live key)."""
        return httpx.Client(
            base_url=self.url, auth=(key or self.tenant.requester_key, ""), timeout=30
        )

    def user(self, username: str, role: Role) -> str:
        """Another user of the organization with the shared test password."""
        accounts.ensure_user(self.ctx.db, username=username, password=PASSWORD)
        accounts.add_member(
            self.ctx.db, organization=self.tenant.name, username=username, role=role
        )
        return username

    def page(self, username: str | None = None, **context_args: Any) -> Any:
        """A fresh browser context (own cookies and storage); logged in through the form."""
        bctx = self.browser.new_context(
            base_url=self.url, viewport={"width": 1400, "height": 900}, **context_args
        )
        self._contexts.append(bctx)
        page = bctx.new_page()
        page.set_default_timeout(15_000)
        if username is not None:
            login(page, username)
        return page

    def shot(self, page: Any, name: str) -> Path:
        """Save a screenshot as a test artifact (``test-artifacts/`` by default)."""
        self.artifacts.mkdir(parents=True, exist_ok=True)
        path = self.artifacts / f"{name}.png"
        page.screenshot(path=str(path), full_page=True)
        return path

    def close(self) -> None:
        for bctx in self._contexts:
            bctx.close()


def login(page: Any, username: str, password: str = PASSWORD) -> None:
    page.goto("/login")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Log in").click()
    page.get_by_test_id("whoami").wait_for()


@pytest.fixture
def web_factory(
    ctx: Context,
    tenant: Tenant,
    browser: Any,
    web_dist: Path,
    live_server: Callable[..., LiveServer],
) -> Iterator[Callable[..., Web]]:
    """``web_factory(lease_seconds=5)`` starts the server with extra ``ASSAY_*`` settings."""
    made: list[Web] = []

    def make(**extra: Any) -> Web:
        for name in (
            f"{tenant.name}-requester",
            f"{tenant.name}-annotator",
            f"{tenant.name}-admin",
        ):
            accounts.ensure_user(ctx.db, username=name, password=PASSWORD)
        server = live_server(web_dir=str(web_dist), **extra)
        w = Web(server=server, ctx=ctx, tenant=tenant, browser=browser, artifacts=ARTIFACTS)
        w.user(f"{tenant.name}-reviewer", Role.REVIEWER)
        made.append(w)
        return w

    yield make
    for w in made:
        w.close()


@pytest.fixture
def web(web_factory: Callable[..., Web]) -> Web:
    return web_factory()
