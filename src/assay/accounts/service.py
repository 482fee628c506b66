"""Organizations, users, memberships and keys: the use-cases."""

from __future__ import annotations

import base64
import secrets
from dataclasses import dataclass

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


def authenticate_password(
    db: Database, *, username: str, password: str, organization: str | None = None
) -> Principal:
    """A user logging in (web app); the live environment of their organization."""
    with db.read() as conn:
        user = repo.get_user(conn, username=username)
        if (
            user is None
            or not user.password_hash
            or not user.is_active
            or not verify_password(user.password_hash, password)
        ):
            raise Unauthenticated("wrong user name or password")
        org = repo.get_organization(conn, name=organization) if organization else None
        member = None
        if org is not None:
            member = repo.get_membership(conn, organization_id=org.id, user_id=user.id)
        else:
            for o in repo.list_organizations(conn):
                member = repo.get_membership(conn, organization_id=o.id, user_id=user.id)
                if member is not None:
                    break
        if member is None:
            raise Unauthenticated("user belongs to no organization")
    return Principal(
        scope=Scope(member.organization_id, False),
        user_id=user.id,
        username=username,
        role=Role(member.role),
    )
