"""Projects."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import Connection, Row, bindparam, insert, select, update

from assay.accounts.model import Scope
from assay.storage.tables import projects


def _scoped(scope: Scope) -> Any:
    return (projects.c.organization_id == scope.organization_id) & (
        projects.c.is_test == scope.is_test
    )


def insert_project(
    conn: Connection,
    *,
    scope: Scope,
    name: str,
    type: str,
    params: dict[str, Any],
    param_history: list[dict[str, Any]],
    workflow: list[dict[str, Any]],
    now: datetime,
) -> int:
    return int(
        conn.execute(
            insert(projects)
            .values(
                organization_id=scope.organization_id,
                is_test=scope.is_test,
                name=name,
                type=type,
                params=params,
                param_history=param_history,
                workflow=workflow,
                created_at=now,
                updated_at=now,
            )
            .returning(projects.c.id)
        ).scalar_one()
    )


_BY_NAME = select(projects).where(
    projects.c.organization_id == bindparam("p_org"),
    projects.c.is_test == bindparam("p_test"),
    projects.c.name == bindparam("p_name"),
)


def get_project(
    conn: Connection, *, scope: Scope, name: str | None = None, id: int | None = None
) -> Row[Any] | None:
    if name is not None:  # the hot path (every lease), with a statement built once
        params = {"p_org": scope.organization_id, "p_test": scope.is_test, "p_name": name}
        return conn.execute(_BY_NAME, params).first()
    return conn.execute(select(projects).where(_scoped(scope), projects.c.id == id)).first()


def list_projects(
    conn: Connection, *, scope: Scope, include_archived: bool = True
) -> list[Row[Any]]:
    q = select(projects).where(_scoped(scope)).order_by(projects.c.id)
    if not include_archived:
        q = q.where(projects.c.archived.is_(False))
    return list(conn.execute(q))


def names_by_id(conn: Connection, ids: set[int]) -> dict[int, str]:
    if not ids:
        return {}
    rows = conn.execute(select(projects.c.id, projects.c.name).where(projects.c.id.in_(ids)))
    return {r.id: r.name for r in rows}


def update_project(conn: Connection, *, project_id: int, values: dict[str, Any]) -> None:
    conn.execute(update(projects).where(projects.c.id == project_id).values(**values))
