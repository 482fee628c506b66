"""Organizations, users, memberships and keys: the use-cases."""

from __future__ import annotations

import base64
import functools
import secrets
from dataclasses import dataclass
from typing import Any

from sqlalchemy.exc import IntegrityError

from assay import clock
from assay.accounts.model import (
    Environment,
    Principal,
    Role,
    Scope,
    hash_api_key,
    key_environment,
    new_api_key,
)
from assay.accounts.passwords import hash_password, verify_password
from assay.errors import Conflict, Invalid, NotFound, Unauthenticated
from assay.storage.db import Database
from assay.storage.repos import accounts as repo
from assay.tasks.wire import iso


@dataclass(frozen=True, slots=True)
class IssuedKey:
    key: str  # shown once, never stored
    prefix: str
    environment: Environment
    organization: str
    username: str


def _org_secrets() -> tuple[str, str]:
    webhook_secret = "whsec_" + base64.b64encode(secrets.token_bytes(32)).decode()
    return webhook_secret, secrets.token_urlsafe(24)


def create_organization(db: Database, *, name: str) -> int:
    if not name.strip():
        raise Invalid("name: must not be empty")
    webhook_secret, auth_key = _org_secrets()
    try:
        with db.write() as conn:
            return repo.insert_organization(
                conn,
                name=name,
                webhook_secret=webhook_secret,
                callback_auth_key=auth_key,
                now=clock.now(),
            )
    except IntegrityError:
        raise Conflict(f"organization {name!r} already exists") from None


def ensure_organization(db: Database, *, name: str) -> int:
    with db.read() as conn:
        row = repo.get_organization(conn, name=name)
    return int(row.id) if row is not None else create_organization(db, name=name)


def ensure_user(
    db: Database, *, username: str, password: str | None = None, email: str | None = None
) -> int:
    """Create the user, or set the password of an existing one when one is given."""
    if not username.strip():
        raise Invalid("username: must not be empty")
    if password is not None and len(password) < 8:
        raise Invalid("password: must have at least 8 characters")
    pw_hash = hash_password(password) if password is not None else None
    with db.write() as conn:
        row = repo.get_user(conn, username=username)
        if row is None:
            return repo.insert_user(
                conn, username=username, email=email, password_hash=pw_hash, now=clock.now()
            )
        if pw_hash is not None:
            repo.set_password(conn, user_id=row.id, password_hash=pw_hash)
        return int(row.id)


def add_member(db: Database, *, organization: str, username: str, role: Role) -> None:
    with db.write() as conn:
        org = repo.get_organization(conn, name=organization)
        user = repo.get_user(conn, username=username)
        if org is None:
            raise NotFound(f"organization {organization!r} not found")
        if user is None:
            raise NotFound(f"user {username!r} not found")
        repo.upsert_membership(
            conn, organization_id=org.id, user_id=user.id, role=role.value, now=clock.now()
        )


def create_api_key(
    db: Database, *, organization: str, username: str, environment: Environment, name: str = ""
) -> IssuedKey:
    key = new_api_key(environment)
    prefix = key[:12]
    with db.write() as conn:
        org = repo.get_organization(conn, name=organization)
        user = repo.get_user(conn, username=username)
        if org is None or user is None:
            raise NotFound(f"organization {organization!r} or user {username!r} not found")
        if repo.get_membership(conn, organization_id=org.id, user_id=user.id) is None:
            raise Invalid(f"user {username!r} is not a member of {organization!r}")
        repo.insert_api_key(
            conn,
            organization_id=org.id,
            user_id=user.id,
            environment=environment.value,
            name=name,
            prefix=prefix,
            key_hash=hash_api_key(key),
            now=clock.now(),
        )
    return IssuedKey(
        key=key,
        prefix=prefix,
        environment=environment,
        organization=organization,
        username=username,
    )


def revoke_api_key(db: Database, *, organization: str, prefix: str) -> None:
    with db.write() as conn:
        org = repo.get_organization(conn, name=organization)
        if org is None:
            raise NotFound(f"organization {organization!r} not found")
        if repo.revoke_api_key(conn, organization_id=org.id, prefix=prefix, now=clock.now()) == 0:
            raise NotFound(f"no active key starting with {prefix!r}")


def authenticate_key(db: Database, key: str) -> Principal:
    if key_environment(key) is None:
        raise Unauthenticated("API keys start with live_ or test_")
    with db.read() as conn:
        row = repo.principal_row_by_key_hash(conn, hash_api_key(key))
    if row is None:
        raise Unauthenticated("invalid or revoked API key")
    return Principal(
        scope=Scope(
            organization_id=row.organization_id, is_test=row.environment == Environment.TEST.value
        ),
        user_id=row.user_id,
        username=row.username,
        role=Role(row.role),
        key_id=row.key_id,
    )


@functools.cache
def _decoy_hash() -> str:
    return hash_password(secrets.token_urlsafe(16))


def authenticate_password(
    db: Database, *, username: str, password: str, organization: str | None = None
) -> Principal:
    """A user logging in (web app): the live environment of one of their organizations.

    ``organization`` names it; by default the oldest. Unknown, inactive and password-less
    users get the same answer as a wrong password, after the same Argon2 work, so that
    neither the message nor the time tells whether a user name exists.
    """
    with db.read() as conn:
        user = repo.get_user(conn, username=username)
        members = repo.list_memberships(conn, user_id=user.id) if user is not None else []
    # Argon2 takes tens of milliseconds: outside the transaction, holding no connection.
    stored = user.password_hash if user is not None else None
    matches = verify_password(stored or _decoy_hash(), password) and bool(stored)
    if user is None or not matches or not user.is_active:
        raise Unauthenticated("wrong user name or password")
    if not members:
        raise Unauthenticated("user belongs to no organization")
    member = members[0]
    if organization is not None:
        found = [m for m in members if m.name == organization]
        if not found:
            raise Unauthenticated(f"user is not a member of organization {organization!r}")
        member = found[0]
    return Principal(
        scope=Scope(member.organization_id, False),
        user_id=user.id,
        username=user.username,
        role=Role(member.role),
    )


# --- Users and keys of one organization (the web app's accounts pages) -------------------


def _member_json(row: Any) -> dict[str, Any]:
    return {
        "id": row.id,
        "username": row.username,
        "email": row.email,
        "role": row.role,
        "is_active": bool(row.is_active),
        "created_at": iso(row.created_at),
    }


def list_members(db: Database, *, organization_id: int) -> list[dict[str, Any]]:
    with db.read() as conn:
        return [_member_json(r) for r in repo.list_members(conn, organization_id=organization_id)]


def create_member(
    db: Database,
    *,
    organization_id: int,
    username: str,
    password: str,
    role: Role,
    email: str | None = None,
) -> dict[str, Any]:
    """A new user with a password, and their role in the organization.

    User names are unique across the server, so a taken one is a conflict even when its
    user is in another organization (joining one is the operator's act: ``assay users``).
    """
    pw_hash = hash_password(password)
    now = clock.now()
    try:
        with db.write() as conn:
            if repo.get_user(conn, username=username) is not None:
                raise Conflict(f"user {username!r} already exists")
            user_id = repo.insert_user(
                conn, username=username, email=email, password_hash=pw_hash, now=now
            )
            repo.upsert_membership(
                conn, organization_id=organization_id, user_id=user_id, role=role.value, now=now
            )
            row = repo.get_member(conn, organization_id=organization_id, user_id=user_id)
    except IntegrityError:  # created by a concurrent request since the check
        raise Conflict(f"user {username!r} already exists") from None
    return _member_json(row)


@dataclass(frozen=True, slots=True)
class MemberChange:
    """What a PATCH asks for; ``None`` leaves a field as it is (``email_set`` clears it)."""

    role: Role | None = None
    is_active: bool | None = None
    password: str | None = None
    email: str | None = None
    email_set: bool = False


def update_member(
    db: Database,
    *,
    organization_id: int,
    actor: Principal,
    user_id: int,
    change: MemberChange,
    keep_session: str | None = None,
) -> dict[str, Any]:
    """Change a member's role, activity, password or e-mail.

    An admin cannot demote or deactivate themselves, so an organization is never left
    without the admin who could undo it. A new password or a deactivation ends the user's
    web sessions (except ``keep_session``, the one making the change).
    """
    if user_id == actor.user_id:
        if change.role is not None and change.role is not actor.role:
            raise Invalid("role: you cannot change your own role; ask another admin")
        if change.is_active is False:
            raise Invalid("is_active: you cannot deactivate yourself; ask another admin")
    values: dict[str, Any] = {}
    if change.is_active is not None:
        values["is_active"] = change.is_active
    if change.password is not None:
        values["password_hash"] = hash_password(change.password)
    if change.email_set:
        values["email"] = change.email
    with db.write() as conn:
        if repo.get_member(conn, organization_id=organization_id, user_id=user_id) is None:
            raise NotFound(f"no user {user_id} in this organization")
        repo.update_user(conn, user_id=user_id, values=values)
        if change.role is not None:
            repo.set_role(
                conn, organization_id=organization_id, user_id=user_id, role=change.role.value
            )
        if change.password is not None or change.is_active is False:
            repo.delete_user_sessions(conn, user_id=user_id, keep=keep_session)
        row = repo.get_member(conn, organization_id=organization_id, user_id=user_id)
    return _member_json(row)


def _key_json(row: Any) -> dict[str, Any]:
    return {
        "id": row.id,
        "name": row.name,
        "environment": row.environment,
        "prefix": row.prefix,
        "user": {"id": row.user_id, "username": row.username},
        "created_at": iso(row.created_at),
        "revoked_at": iso(row.revoked_at),
    }


def list_keys(db: Database, *, organization_id: int, owner: int | None) -> list[dict[str, Any]]:
    """The organization's keys, or only ``owner``'s when one is given."""
    with db.read() as conn:
        rows = repo.list_api_keys(conn, organization_id=organization_id, user_id=owner)
    return [_key_json(r) for r in rows]


def issue_key(
    db: Database, *, principal: Principal, environment: Environment, name: str
) -> dict[str, Any]:
    """A new key for the caller, in the caller's organization. ``key`` is in this answer only."""
    key = new_api_key(environment)
    now = clock.now()
    with db.write() as conn:
        key_id = repo.insert_api_key(
            conn,
            organization_id=principal.organization_id,
            user_id=principal.user_id,
            environment=environment.value,
            name=name,
            prefix=key[:12],
            key_hash=hash_api_key(key),
            now=now,
        )
    return {
        "id": key_id,
        "name": name,
        "environment": environment.value,
        "prefix": key[:12],
        "key": key,
        "created_at": iso(now),
    }


def revoke_key(
    db: Database, *, organization_id: int, key_id: int, owner: int | None
) -> dict[str, Any]:
    """Revoke a key of the organization (only ``owner``'s, when one is given); idempotent."""
    with db.write() as conn:
        row = repo.get_api_key(conn, organization_id=organization_id, key_id=key_id)
        if row is None or (owner is not None and row.user_id != owner):
            raise NotFound(f"no key {key_id}")
        repo.revoke_api_key_by_id(conn, key_id=key_id, now=clock.now())
        row = repo.get_api_key(conn, organization_id=organization_id, key_id=key_id)
    return _key_json(row)
