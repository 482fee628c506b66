"""Shared fixtures: a fresh migrated database per test, on SQLite and on PostgreSQL.

Any test that uses ``db_url`` (directly or through ``ctx``/``api``) runs once per backend.
PostgreSQL is used when reachable at ``ASSAY_TEST_PG_URL`` (default: the local server with
trust auth); with ``ASSAY_TEST_REQUIRE_PG=1`` (CI) an unreachable server is an error.
Each session migrates one template database per backend with Alembic; each test gets a copy
(a file copy for SQLite, ``CREATE DATABASE ... TEMPLATE`` for PostgreSQL).
"""

from __future__ import annotations

import os
import shutil
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path

import psycopg
import pytest
from fastapi.testclient import TestClient
from sqlalchemy.engine import make_url

from assay.api.app import create_app
from assay.config import Settings
from assay.context import Context
from assay.storage import migrate
from tests.factories import Api, Tenant, make_tenant
from tests.live import LiveServer

PG_URL = os.environ.get("ASSAY_TEST_PG_URL", "postgresql://postgres@127.0.0.1:5432/postgres")
REQUIRE_PG = os.environ.get("ASSAY_TEST_REQUIRE_PG") == "1"


def _pg_reachable() -> bool:
    try:
        with psycopg.connect(PG_URL, connect_timeout=3):
            return True
    except psycopg.OperationalError:
        if REQUIRE_PG:
            raise
        return False


BACKENDS = ["sqlite", *(["postgresql"] if _pg_reachable() else [])]


def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    if "backend" in metafunc.fixturenames:
        metafunc.parametrize("backend", BACKENDS, scope="session")


def _admin() -> psycopg.Connection[tuple[object, ...]]:
    return psycopg.connect(PG_URL, autocommit=True)


def pg_database_url(name: str) -> str:
    return make_url(PG_URL).set(database=name).render_as_string(hide_password=False)


def create_pg_database(name: str, template: str | None = None) -> str:
    with _admin() as conn:
        conn.execute(f'CREATE DATABASE "{name}"' + (f' TEMPLATE "{template}"' if template else ""))
    return pg_database_url(name)


def drop_pg_database(name: str) -> None:
    with _admin() as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.fixture(scope="session")
def run_id() -> str:
    return uuid.uuid4().hex[:10]


@pytest.fixture(scope="session")
def template(backend: str, run_id: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """A migrated database to copy from: a file path (SQLite) or a database name."""
    if backend == "sqlite":
        path = tmp_path_factory.mktemp("template") / "template.db"
        migrate.upgrade(f"sqlite:///{path}")
        yield str(path)
        return
    name = f"assay_test_{run_id}_tpl"
    migrate.upgrade(create_pg_database(name))
    yield name
    drop_pg_database(name)


@pytest.fixture
def db_url(backend: str, template: str, tmp_path: Path) -> Iterator[str]:
    """A fresh, migrated, empty database for one test."""
    if backend == "sqlite":
        path = tmp_path / "assay.db"
        shutil.copyfile(template, path)
        yield f"sqlite:///{path}"
        return
    name = f"assay_test_{uuid.uuid4().hex[:12]}"
    url = create_pg_database(name, template=template)
    yield url
    drop_pg_database(name)


def test_settings(db_url: str, data_dir: Path, **overrides: object) -> Settings:
    values: dict[str, object] = {
        "env": "dev",
        "data_dir": data_dir,
        "database_url": db_url,
        "allow_private_hosts": ["127.0.0.1", "::1"],
        "auth_cache_seconds": 0,
        "rate_limit_per_second": 0,
        "callback_backoff_seconds": 0.2,
        "callback_backoff_max_seconds": 1.0,
        "callback_timeout_seconds": 2.0,
        "worker_poll_seconds": 0.05,
        "public_url": "http://testserver",
    }
    values.update(overrides)
    return Settings(**values)  # type: ignore[arg-type]


@pytest.fixture
def settings(db_url: str, tmp_path: Path) -> Settings:
    return test_settings(db_url, tmp_path / "data")


@pytest.fixture
def ctx(settings: Settings) -> Iterator[Context]:
    context = Context.from_settings(settings, pool_size=5)
    yield context
    context.close()


@pytest.fixture
def client(ctx: Context) -> Iterator[TestClient]:
    """The app in-process, without the background worker (tests drive jobs explicitly)."""
    with TestClient(create_app(ctx, worker=False), raise_server_exceptions=False) as c:
        yield c


@pytest.fixture
def tenant(ctx: Context) -> Tenant:
    """An organization with a requester, an annotator and their live and test keys."""
    return make_tenant(ctx, "acme")


@pytest.fixture
def api(client: TestClient, tenant: Tenant) -> Api:
    """Calls as the tenant's live requester key; ``api.as_key(...)`` for another."""
    return Api(client, tenant.requester_key)


@pytest.fixture
def live_server(db_url: str, tmp_path: Path) -> Iterator[Callable[..., LiveServer]]:
    """Start ``assay serve`` processes on this test's database: ``live_server(workers=2)``.

    Every server started is killed at the end of the test.
    """
    started: list[LiveServer] = []

    def start(workers: int = 1, **extra: object) -> LiveServer:
        server = LiveServer(db_url, tmp_path / "data", workers=workers, extra=dict(extra))
        started.append(server.start())
        return server

    yield start
    for server in started:
        server.kill()
