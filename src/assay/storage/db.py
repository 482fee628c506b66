"""Engines and transactions for SQLite (embedded default) and PostgreSQL (psycopg 3)."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager, nullcontext
from typing import Any

import orjson
from sqlalchemy import Connection, Engine, create_engine, event
from sqlalchemy.engine import make_url


def normalize_url(url: str) -> str:
    """Accept plain ``postgresql://`` URLs and use the psycopg 3 driver for them."""
    parsed = make_url(url)
    if parsed.drivername in ("postgresql", "postgres"):
        parsed = parsed.set(drivername="postgresql+psycopg")
    return parsed.render_as_string(hide_password=False)


class Database:
    """One engine plus the two kinds of transaction services use.

    ``write()`` on SQLite starts with ``BEGIN IMMEDIATE``: the write lock is taken up front, so
    a transaction that reads and then writes cannot fail half-way with a busy snapshot, and
    writers queue on the busy timeout instead of erroring.
    """

    def __init__(
        self,
        url: str,
        *,
        pool_size: int = 10,
        max_overflow: int = 20,
        sqlite_synchronous: str = "FULL",
    ) -> None:
        self.url = normalize_url(url)
        self.is_sqlite = self.url.startswith("sqlite")
        # No pre-ping: it costs a round trip on every checkout. A connection the server has
        # dropped fails its request (503, retry) and SQLAlchemy then refreshes the pool.
        # JSON comes back through orjson, as the API reads it: PostgreSQL's JSONB prints 1e30
        # as a 31-digit integer, which orjson cannot write back out (over 64 bits); read
        # through orjson it stays the float it was sent as.
        kwargs: dict[str, Any] = {"pool_recycle": 1800, "json_deserializer": orjson.loads}
        if self.is_sqlite:
            kwargs["connect_args"] = {"timeout": 30, "check_same_thread": False}
            kwargs["pool_size"] = pool_size
            kwargs["max_overflow"] = max_overflow
        else:
            kwargs["pool_size"] = pool_size
            kwargs["max_overflow"] = max_overflow
        self.engine: Engine = create_engine(self.url, **kwargs)
        # SQLite has one writer at a time. Threads of this process queue on a lock instead
        # of polling SQLite's busy handler, which sleeps with backoff and lets a writer
        # starve for seconds under load; other processes still wait on the busy timeout.
        self._write_lock = threading.RLock() if self.is_sqlite else None
        if self.is_sqlite:
            _configure_sqlite(self.engine, sqlite_synchronous)

    @contextmanager
    def read(self) -> Iterator[Connection]:
        with self.engine.connect() as conn, conn.begin():
            yield conn

    @contextmanager
    def write(self) -> Iterator[Connection]:
        with self._write_lock or nullcontext(), self.engine.connect() as conn:
            conn = conn.execution_options(assay_write=True)
            with conn.begin():
                yield conn

    def dispose(self) -> None:
        self.engine.dispose()


def _configure_sqlite(engine: Engine, synchronous: str) -> None:
    if synchronous.upper() not in ("OFF", "NORMAL", "FULL", "EXTRA"):
        raise ValueError(f"bad SQLite synchronous mode {synchronous!r}")

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_conn: Any, _record: Any) -> None:
        # Let SQLAlchemy, not the sqlite3 module, decide when transactions begin.
        dbapi_conn.isolation_level = None
        cur = dbapi_conn.cursor()
        cur.execute("PRAGMA journal_mode=WAL")
        cur.execute(f"PRAGMA synchronous={synchronous.upper()}")
        cur.execute("PRAGMA foreign_keys=ON")
        cur.execute("PRAGMA busy_timeout=30000")
        cur.close()

    @event.listens_for(engine, "begin")
    def _on_begin(conn: Connection) -> None:
        immediate = conn.get_execution_options().get("assay_write", False)
        conn.exec_driver_sql("BEGIN IMMEDIATE" if immediate else "BEGIN")
