"""Organizations, users, memberships, API keys."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import Connection, Row, insert, select, update

from assay.storage.tables import api_keys, memberships, organizations, users


def insert_organization(
    conn: Connection, *, name: str, webhook_secret: str, callback_auth_key: str, now: datetime
) -> int:
    return int(
        conn.execute(
            insert(organizations)
            .values(
                name=name,
                webhook_secret=webhook_secret,
                callback_auth_key=callback_auth_key,
                created_at=now,
            )
            .returning(organizations.c.id)
        ).scalar_one()
    )


def get_organization(
    conn: Connection, *, name: str | None = None, id: int | None = None
) -> Row[Any] | None:
    q = select(organizations)
    q = (
        q.where(organizations.c.name == name)
        if name is not None
        else q.where(organizations.c.id == id)
    )
    return conn.execute(q).first()


def list_organizations(conn: Connection) -> list[Row[Any]]:
    return list(conn.execute(select(organizations).order_by(organizations.c.id)))


def insert_user(
    conn: Connection, *, username: str, email: str | None, password_hash: str | None, now: datetime
) -> int:
    return int(
        conn.execute(
            insert(users)
            .values(
                username=username,
                email=email,
                password_hash=password_hash,
                is_active=True,
                created_at=now,
            )
            .returning(users.c.id)
        ).scalar_one()
    )


def get_user(conn: Connection, *, username: str) -> Row[Any] | None:
    return conn.execute(select(users).where(users.c.username == username)).first()


def set_password(conn: Connection, *, user_id: int, password_hash: str) -> None:
    conn.execute(update(users).where(users.c.id == user_id).values(password_hash=password_hash))


def get_membership(conn: Connection, *, organization_id: int, user_id: int) -> Row[Any] | None:
    return conn.execute(
        select(memberships).where(
            memberships.c.organization_id == organization_id, memberships.c.user_id == user_id
        )
    ).first()


def upsert_membership(
    conn: Connection, *, organization_id: int, user_id: int, role: str, now: datetime
) -> None:
    existing = get_membership(conn, organization_id=organization_id, user_id=user_id)
    if existing is None:
        conn.execute(
            insert(memberships).values(
                organization_id=organization_id, user_id=user_id, role=role, created_at=now
            )
        )
    else:
        conn.execute(update(memberships).where(memberships.c.id == existing.id).values(role=role))


def insert_api_key(
    conn: Connection,
    *,
    organization_id: int,
    user_id: int,
    environment: str,
    name: str,
    prefix: str,
    key_hash: str,
    now: datetime,
) -> int:
    return int(
        conn.execute(
            insert(api_keys)
            .values(
                organization_id=organization_id,
                user_id=user_id,
                environment=environment,
                name=name,
                prefix=prefix,
                key_hash=key_hash,
                created_at=now,
            )
            .returning(api_keys.c.id)
        ).scalar_one()
    )


def principal_row_by_key_hash(conn: Connection, key_hash: str) -> Any:
    """The key with its user and membership, if the key is active and the user may act."""
    j = api_keys.join(users, users.c.id == api_keys.c.user_id).join(
        memberships,
        (memberships.c.user_id == api_keys.c.user_id)
        & (memberships.c.organization_id == api_keys.c.organization_id),
    )
    return conn.execute(
        select(
            api_keys.c.id.label("key_id"),
            api_keys.c.organization_id,
            api_keys.c.environment,
            users.c.id.label("user_id"),
            users.c.username,
            memberships.c.role,
        )
        .select_from(j)
        .where(
            api_keys.c.key_hash == key_hash,
            api_keys.c.revoked_at.is_(None),
            users.c.is_active.is_(True),
        )
    ).first()


def list_api_keys(conn: Connection, *, organization_id: int) -> list[Row[Any]]:
    j = api_keys.join(users, users.c.id == api_keys.c.user_id)
    return list(
        conn.execute(
            select(api_keys, users.c.username)
            .select_from(j)
            .where(api_keys.c.organization_id == organization_id)
            .order_by(api_keys.c.id)
        )
    )


def revoke_api_key(conn: Connection, *, organization_id: int, prefix: str, now: datetime) -> int:
    return conn.execute(
        update(api_keys)
        .where(
            api_keys.c.organization_id == organization_id,
            api_keys.c.prefix == prefix,
            api_keys.c.revoked_at.is_(None),
        )
        .values(revoked_at=now)
    ).rowcount
