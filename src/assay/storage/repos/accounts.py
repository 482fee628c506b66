"""Organizations, users, memberships, API keys, web sessions."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import Connection, Row, delete, insert, select, update

from assay.storage.tables import api_keys, memberships, organizations, users, web_sessions


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


def update_user(conn: Connection, *, user_id: int, values: dict[str, Any]) -> None:
    if values:
        conn.execute(update(users).where(users.c.id == user_id).values(**values))


def list_memberships(conn: Connection, *, user_id: int) -> list[Row[Any]]:
    """The user's organizations (``organization_id, name, role``), oldest organization first."""
    j = memberships.join(organizations, organizations.c.id == memberships.c.organization_id)
    return list(
        conn.execute(
            select(memberships.c.organization_id, organizations.c.name, memberships.c.role)
            .select_from(j)
            .where(memberships.c.user_id == user_id)
            .order_by(memberships.c.organization_id)
        )
    )


_MEMBER_COLUMNS = (
    users.c.id,
    users.c.username,
    users.c.email,
    users.c.is_active,
    users.c.created_at,
    memberships.c.role,
)


def list_members(conn: Connection, *, organization_id: int) -> list[Row[Any]]:
    j = users.join(memberships, memberships.c.user_id == users.c.id)
    return list(
        conn.execute(
            select(*_MEMBER_COLUMNS)
            .select_from(j)
            .where(memberships.c.organization_id == organization_id)
            .order_by(users.c.id)
        )
    )


def get_member(conn: Connection, *, organization_id: int, user_id: int) -> Any:
    j = users.join(memberships, memberships.c.user_id == users.c.id)
    return conn.execute(
        select(*_MEMBER_COLUMNS)
        .select_from(j)
        .where(memberships.c.organization_id == organization_id, users.c.id == user_id)
    ).first()


def set_role(conn: Connection, *, organization_id: int, user_id: int, role: str) -> None:
    conn.execute(
        update(memberships)
        .where(memberships.c.organization_id == organization_id, memberships.c.user_id == user_id)
        .values(role=role)
    )


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


def list_api_keys(
    conn: Connection, *, organization_id: int, user_id: int | None = None
) -> list[Row[Any]]:
    """The organization's keys (or one user's of them), with their user's name."""
    j = api_keys.join(users, users.c.id == api_keys.c.user_id)
    q = select(api_keys, users.c.username).select_from(j)
    q = q.where(api_keys.c.organization_id == organization_id)
    if user_id is not None:
        q = q.where(api_keys.c.user_id == user_id)
    return list(conn.execute(q.order_by(api_keys.c.id)))


def get_api_key(conn: Connection, *, organization_id: int, key_id: int) -> Row[Any] | None:
    j = api_keys.join(users, users.c.id == api_keys.c.user_id)
    return conn.execute(
        select(api_keys, users.c.username)
        .select_from(j)
        .where(api_keys.c.organization_id == organization_id, api_keys.c.id == key_id)
    ).first()


def revoke_api_key_by_id(conn: Connection, *, key_id: int, now: datetime) -> None:
    conn.execute(
        update(api_keys)
        .where(api_keys.c.id == key_id, api_keys.c.revoked_at.is_(None))
        .values(revoked_at=now)
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


# --- Web sessions ---------------------------------------------------------------------------


def insert_session(
    conn: Connection,
    *,
    id: str,
    user_id: int,
    organization_id: int,
    csrf_token: str,
    now: datetime,
    expires_at: datetime,
) -> None:
    conn.execute(
        insert(web_sessions).values(
            id=id,
            user_id=user_id,
            organization_id=organization_id,
            is_test=False,
            csrf_token=csrf_token,
            created_at=now,
            expires_at=expires_at,
        )
    )


def session_principal_row(conn: Connection, *, session_id: str, now: datetime) -> Any:
    """The live session with its user and role, if the user may still act in its organization."""
    s = web_sessions
    j = s.join(users, users.c.id == s.c.user_id).join(
        memberships,
        (memberships.c.user_id == s.c.user_id)
        & (memberships.c.organization_id == s.c.organization_id),
    )
    return conn.execute(
        select(
            s.c.id,
            s.c.organization_id,
            s.c.is_test,
            s.c.csrf_token,
            s.c.expires_at,
            users.c.id.label("user_id"),
            users.c.username,
            memberships.c.role,
        )
        .select_from(j)
        .where(s.c.id == session_id, s.c.expires_at > now, users.c.is_active.is_(True))
    ).first()


def set_session_environment(conn: Connection, *, session_id: str, is_test: bool) -> None:
    conn.execute(
        update(web_sessions).where(web_sessions.c.id == session_id).values(is_test=is_test)
    )


def delete_session(conn: Connection, *, session_id: str) -> None:
    conn.execute(delete(web_sessions).where(web_sessions.c.id == session_id))


def delete_user_sessions(conn: Connection, *, user_id: int, keep: str | None = None) -> None:
    q = delete(web_sessions).where(web_sessions.c.user_id == user_id)
    if keep is not None:
        q = q.where(web_sessions.c.id != keep)
    conn.execute(q)


def delete_expired_sessions(conn: Connection, *, now: datetime) -> None:
    conn.execute(delete(web_sessions).where(web_sessions.c.expires_at <= now))
