"""Uploaded and imported files."""

from __future__ import annotations

from typing import Any

from sqlalchemy import Connection, Row, insert, select

from assay.accounts.model import Scope
from assay.storage.tables import files


def insert_file(conn: Connection, row: dict[str, Any]) -> None:
    conn.execute(insert(files).values(**row))


def get_file(conn: Connection, *, scope: Scope, file_id: str) -> Row[Any] | None:
    return conn.execute(
        select(files).where(
            files.c.id == file_id,
            files.c.organization_id == scope.organization_id,
            files.c.is_test == scope.is_test,
        )
    ).first()
