"""Migrations on an empty database, both backends: up, all the way down, up again; and the
migrated schema is exactly ``storage/tables.py``."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import (
    Column,
    DefaultClause,
    Engine,
    Integer,
    MetaData,
    String,
    create_engine,
    inspect,
    text,
)

from assay.storage import migrate
from assay.storage.db import normalize_url
from assay.storage.tables import metadata
from tests.conftest import create_pg_database, drop_pg_database


@pytest.fixture
def empty_url(backend: str, tmp_path: Path) -> Iterator[str]:
    """A database with nothing in it (not the migrated template)."""
    if backend == "sqlite":
        yield f"sqlite:///{tmp_path / 'empty.db'}"
        return
    name = f"assay_mig_{uuid.uuid4().hex[:12]}"
    url = create_pg_database(name)
    yield url
    drop_pg_database(name)


def _engine(url: str) -> Engine:
    return create_engine(normalize_url(url))


def _tables(url: str) -> set[str]:
    engine = _engine(url)
    try:
        return set(inspect(engine).get_table_names())
    finally:
        engine.dispose()


def _same_empty_string(
    _ctx: MigrationContext,
    _inspected_column: Any,
    _metadata_column: Any,
    inspected_default: str | None,
    _metadata_default: Any,
    rendered_metadata_default: str | None,
) -> bool | None:
    """Alembic's SQLite comparison sees ``('')`` and ``''`` as different empty-string
    defaults; they are the same. Anything else: Alembic's own comparison (None)."""
    if rendered_metadata_default == "" and inspected_default in ("('')", "''"):
        return False
    return None


def _diff(url: str) -> list[Any]:
    engine = _engine(url)
    try:
        with engine.connect() as conn:
            mc = MigrationContext.configure(
                conn, opts={"compare_type": True, "compare_server_default": _same_empty_string}
            )
            return list(compare_metadata(mc, metadata))
    finally:
        engine.dispose()


def _head() -> str:
    head = ScriptDirectory.from_config(migrate.alembic_config("sqlite://")).get_current_head()
    assert head is not None
    return head


def _current(url: str) -> str | None:
    engine = _engine(url)
    try:
        with engine.connect() as conn:
            return MigrationContext.configure(conn).get_current_revision()
    finally:
        engine.dispose()


def test_upgrade_downgrade_upgrade_on_an_empty_database(empty_url: str) -> None:
    schema = set(metadata.tables)
    assert _tables(empty_url) == set()
    migrate.upgrade(empty_url)
    assert _tables(empty_url) == schema | {"alembic_version"}
    assert _current(empty_url) == _head()
    migrate.downgrade(empty_url, "base")
    assert _tables(empty_url) == {"alembic_version"}
    assert _current(empty_url) is None
    migrate.upgrade(empty_url)
    assert _tables(empty_url) == schema | {"alembic_version"}
    assert _current(empty_url) == _head()
    assert _diff(empty_url) == []


def test_migrated_schema_matches_tables_py(empty_url: str) -> None:
    migrate.upgrade(empty_url)
    assert _diff(empty_url) == []
    # The same through Alembic's own command: it raises when autogenerate would add anything.
    command.check(migrate.alembic_config(empty_url))


def test_upgrade_is_idempotent(empty_url: str) -> None:
    migrate.upgrade(empty_url)
    migrate.upgrade(empty_url)
    assert _current(empty_url) == _head()


def test_the_comparison_sees_a_drift(empty_url: str) -> None:
    """The check above can fail: a column, a type or a default off from the tables is seen."""
    migrate.upgrade(empty_url)
    drifted = MetaData(naming_convention=metadata.naming_convention)
    for table in metadata.tables.values():
        table.to_metadata(drifted)
    drifted.tables["tasks"].append_column(Column("extra", Integer))
    drifted.tables["projects"].c.name.type = String(100)
    drifted.tables["assignments"].c.lease_count.server_default = DefaultClause(text("1"))
    engine = _engine(empty_url)
    try:
        with engine.connect() as conn:
            mc = MigrationContext.configure(
                conn, opts={"compare_type": True, "compare_server_default": _same_empty_string}
            )
            found = compare_metadata(mc, drifted)
    finally:
        engine.dispose()
    kinds = sorted(d[0] if isinstance(d, tuple) else d[0][0] for d in found)
    assert kinds == ["add_column", "modify_default", "modify_type"]
