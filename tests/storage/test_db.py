"""The Database wrapper: SQLite settings, the up-front write lock, UTC datetimes, URLs."""

from __future__ import annotations

import sqlite3
import threading
import time
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path

import pytest
from sqlalchemy import Column, Integer, MetaData, Table, insert, select, text, update
from sqlalchemy.exc import IntegrityError, StatementError

from assay.storage.db import Database, normalize_url
from assay.storage.types import UTCDateTime


@pytest.fixture
def sqlite_path(tmp_path: Path) -> Path:
    return tmp_path / "db.sqlite"


@pytest.fixture
def sqlite_db(sqlite_path: Path) -> Iterator[Database]:
    db = Database(f"sqlite:///{sqlite_path}", pool_size=4)
    with db.write() as conn:
        conn.exec_driver_sql("CREATE TABLE counter (id INTEGER PRIMARY KEY, value INTEGER)")
        conn.exec_driver_sql("INSERT INTO counter (id, value) VALUES (1, 0)")
    yield db
    db.dispose()


def _pragma(db: Database, name: str) -> object:
    with db.read() as conn:
        return conn.exec_driver_sql(f"PRAGMA {name}").scalar_one()


# --- SQLite settings -----------------------------------------------------------------------------


def test_sqlite_connections_are_configured(sqlite_db: Database) -> None:
    assert _pragma(sqlite_db, "journal_mode") == "wal"
    assert _pragma(sqlite_db, "foreign_keys") == 1
    assert _pragma(sqlite_db, "busy_timeout") == 30000
    assert _pragma(sqlite_db, "synchronous") == 2  # FULL, the default


@pytest.mark.parametrize(("mode", "level"), [("OFF", 0), ("normal", 1), ("FULL", 2), ("EXTRA", 3)])
def test_sqlite_synchronous_as_configured(sqlite_path: Path, mode: str, level: int) -> None:
    db = Database(f"sqlite:///{sqlite_path}", sqlite_synchronous=mode)
    try:
        assert _pragma(db, "synchronous") == level
    finally:
        db.dispose()


def test_sqlite_bad_synchronous_mode_is_refused(sqlite_path: Path) -> None:
    with pytest.raises(ValueError, match="synchronous"):
        Database(f"sqlite:///{sqlite_path}", sqlite_synchronous="FAST; DROP TABLE x")


def test_sqlite_foreign_keys_are_enforced(sqlite_db: Database) -> None:
    with sqlite_db.write() as conn:
        conn.exec_driver_sql("CREATE TABLE parent (id INTEGER PRIMARY KEY)")
        conn.exec_driver_sql(
            "CREATE TABLE child (id INTEGER PRIMARY KEY, parent_id INTEGER REFERENCES parent(id))"
        )
    with pytest.raises(IntegrityError, match="FOREIGN KEY"), sqlite_db.write() as conn:
        conn.exec_driver_sql("INSERT INTO child (id, parent_id) VALUES (1, 42)")


def test_every_pooled_connection_is_configured(sqlite_db: Database) -> None:
    """The settings come from the connect hook, so connections opened later have them too."""
    with sqlite_db.read() as a, sqlite_db.read() as b:
        for conn in (a, b):
            assert conn.exec_driver_sql("PRAGMA foreign_keys").scalar_one() == 1
            assert conn.exec_driver_sql("PRAGMA busy_timeout").scalar_one() == 30000


# --- The write lock --------------------------------------------------------------------------


def _try_immediate(path: Path) -> str:
    """What another process sees when it wants to write right now (no waiting)."""
    other = sqlite3.connect(path, timeout=0, isolation_level=None)
    try:
        other.execute("BEGIN IMMEDIATE")
        other.execute("ROLLBACK")
        return "free"
    except sqlite3.OperationalError as exc:
        return str(exc)
    finally:
        other.close()


def test_write_takes_the_lock_before_any_statement(sqlite_db: Database, sqlite_path: Path) -> None:
    assert _try_immediate(sqlite_path) == "free"
    with sqlite_db.write():
        assert _try_immediate(sqlite_path) == "database is locked"
    assert _try_immediate(sqlite_path) == "free"
    with sqlite_db.read() as conn:
        conn.exec_driver_sql("SELECT value FROM counter").scalar_one()
        assert _try_immediate(sqlite_path) == "free"  # readers never block writers


def test_concurrent_read_then_write_transactions_all_succeed(sqlite_db: Database) -> None:
    """Each transaction reads, waits, then writes. With a deferred BEGIN two of them would
    both read, and the second to write would fail with "database is locked" at once (or one
    increment would be lost); with the lock taken up front they queue and all apply."""
    threads_n, rounds = 4, 5
    barrier = threading.Barrier(threads_n)
    errors: list[BaseException] = []

    def bump() -> None:
        try:
            barrier.wait(timeout=10)
            for _ in range(rounds):
                with sqlite_db.write() as conn:
                    value = conn.exec_driver_sql("SELECT value FROM counter").scalar_one()
                    time.sleep(0.01)  # widen the window between the read and the write
                    conn.exec_driver_sql(f"UPDATE counter SET value = {value + 1}")
        except BaseException as exc:
            errors.append(exc)

    threads = [threading.Thread(target=bump) for _ in range(threads_n)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    assert errors == []
    with sqlite_db.read() as conn:
        assert conn.exec_driver_sql("SELECT value FROM counter").scalar_one() == threads_n * rounds


def test_a_failed_write_rolls_back_and_frees_the_lock(
    sqlite_db: Database, sqlite_path: Path
) -> None:
    def fail_half_way() -> None:
        with sqlite_db.write() as conn:
            conn.exec_driver_sql("UPDATE counter SET value = 99")
            raise RuntimeError("boom")

    with pytest.raises(RuntimeError, match="boom"):
        fail_half_way()
    assert _try_immediate(sqlite_path) == "free"
    with sqlite_db.read() as conn:
        assert conn.exec_driver_sql("SELECT value FROM counter").scalar_one() == 0


# --- UTCDateTime (both backends) -------------------------------------------------------------

stamps = Table(
    "test_stamps",
    MetaData(),
    Column("id", Integer, primary_key=True),
    Column("at", UTCDateTime),
)


@pytest.fixture
def any_db(db_url: str) -> Iterator[Database]:
    db = Database(db_url, pool_size=2)
    stamps.create(db.engine)
    yield db
    stamps.drop(db.engine)
    db.dispose()


def test_utc_datetime_round_trips_aware_utc(any_db: Database) -> None:
    paris = timezone(timedelta(hours=2))
    given = {
        1: datetime(2026, 3, 1, 12, 30, 45, 123456, tzinfo=UTC),
        2: datetime(2026, 3, 1, 14, 30, 45, 654321, tzinfo=paris),  # 12:30:45.654321 UTC
        3: None,
    }
    with any_db.write() as conn:
        conn.execute(insert(stamps), [{"id": k, "at": v} for k, v in given.items()])
    with any_db.read() as conn:
        got = dict(conn.execute(select(stamps.c.id, stamps.c.at)).all())
    assert got == given
    assert [got[1].tzinfo, got[2].tzinfo] == [UTC, UTC]
    assert got[2].hour == 12


def test_utc_datetime_compares_in_sql_by_instant(any_db: Database) -> None:
    """Lease expiry is decided in SQL (``lease_expires_at < now``): the order must be the
    instants' order, whatever offset the parameters came with."""
    base = datetime(2026, 1, 1, tzinfo=UTC)
    with any_db.write() as conn:
        conn.execute(
            insert(stamps),
            [{"id": i, "at": base + timedelta(milliseconds=250 * i)} for i in range(1, 9)],
        )
    east = timezone(timedelta(hours=5))
    cut = (base + timedelta(milliseconds=1000)).astimezone(east)
    with any_db.read() as conn:
        before = conn.execute(select(stamps.c.id).where(stamps.c.at < cut).order_by(stamps.c.id))
        assert list(before.scalars()) == [1, 2, 3]
        after = conn.execute(select(stamps.c.id).where(stamps.c.at > cut).order_by(stamps.c.id))
        assert list(after.scalars()) == [5, 6, 7, 8]


def test_utc_datetime_refuses_naive_datetimes(any_db: Database) -> None:
    with pytest.raises(StatementError, match="naive datetime"), any_db.write() as conn:
        conn.execute(insert(stamps).values(id=1, at=datetime(2026, 1, 1, 12)))
    with pytest.raises(StatementError, match="naive datetime"), any_db.write() as conn:
        conn.execute(update(stamps).where(stamps.c.at < datetime(2026, 1, 1)).values(id=2))
    with any_db.read() as conn:
        assert conn.execute(select(stamps)).all() == []


# --- URLs ----------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("given", "expected"),
    [
        ("postgresql://u:p@db:5432/assay", "postgresql+psycopg://u:p@db:5432/assay"),
        ("postgres://u@db/assay", "postgresql+psycopg://u@db/assay"),
        ("postgresql+psycopg://u@db/assay", "postgresql+psycopg://u@db/assay"),
        ("postgresql://u:p%40ss%2Fw@db/assay", "postgresql+psycopg://u:p%40ss%2Fw@db/assay"),
        (
            "postgresql://u@db/assay?sslmode=require",
            "postgresql+psycopg://u@db/assay?sslmode=require",
        ),
        ("sqlite:////var/lib/assay/assay.db", "sqlite:////var/lib/assay/assay.db"),
        ("sqlite://", "sqlite://"),
    ],
)
def test_normalize_url(given: str, expected: str) -> None:
    assert normalize_url(given) == expected


def test_postgresql_database_uses_psycopg_without_connecting() -> None:
    db = Database("postgresql://nobody:secret@127.0.0.1:1/none")
    try:
        assert db.engine.dialect.name == "postgresql"
        assert db.engine.dialect.driver == "psycopg"
        assert not db.is_sqlite
        assert db.engine.url.password == "secret"
    finally:
        db.dispose()


def test_connections_use_the_expected_driver(backend: str, db_url: str) -> None:
    db = Database(db_url, pool_size=1)
    try:
        with db.read() as conn:
            assert conn.execute(text("SELECT 1")).scalar_one() == 1
            expected = "pysqlite" if backend == "sqlite" else "psycopg"
            assert conn.dialect.driver == expected
    finally:
        db.dispose()
