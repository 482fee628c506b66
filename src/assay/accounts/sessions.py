"""Web sessions: a user logs in with a password and the browser holds a random token.

The token goes in a cookie; the database keeps only its SHA-256 (like API keys, the token
carries 256 random bits, so a fast hash is enough), so a leaked table cannot be replayed.
Each session has a CSRF token the web app sends back on every request that changes state.
"""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from assay import clock
from assay.accounts import service
from assay.accounts.model import Environment, Principal, Role, Scope
from assay.accounts.throttle import LoginThrottle
from assay.errors import NotFound, Unauthenticated
from assay.storage.db import Database
from assay.storage.repos import accounts as repo

# Tokens from secrets.token_urlsafe(32) have 43 characters; anything much longer is junk.
_MAX_TOKEN = 128


@dataclass(frozen=True, slots=True)
class WebSession:
    id: str  # the SHA-256 of the cookie's token
    csrf_token: str
    expires_at: datetime


@dataclass(frozen=True, slots=True)
class Login:
    token: str  # for the cookie; never stored
    session: WebSession
    principal: Principal


def session_id(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def login(
    db: Database,
    *,
    username: str,
    password: str,
    organization: str | None,
    lifetime: timedelta,
    throttle: LoginThrottle,
    replaces: str | None = None,
) -> Login:
    """Check the password and open a session in the live environment.

    ``replaces`` is the token of the browser's previous session, if any: it is ended.
    """
    throttle.check(username)
    try:
        principal = service.authenticate_password(
            db, username=username, password=password, organization=organization
        )
    except Unauthenticated as exc:
        throttle.failed(username)
        raise Unauthenticated(exc.message, challenge=False) from None
    throttle.succeeded(username)
    token = secrets.token_urlsafe(32)
    now = clock.now()
    session = WebSession(
        id=session_id(token), csrf_token=secrets.token_urlsafe(32), expires_at=now + lifetime
    )
    with db.write() as conn:
        repo.delete_expired_sessions(conn, now=now)  # housekeeping, while we hold the lock
        if replaces:
            repo.delete_session(conn, session_id=session_id(replaces))
        repo.insert_session(
            conn,
            id=session.id,
            user_id=principal.user_id,
            organization_id=principal.organization_id,
            csrf_token=session.csrf_token,
            now=now,
            expires_at=session.expires_at,
        )
    return Login(token=token, session=session, principal=principal)


def authenticate(db: Database, token: str) -> tuple[Principal, WebSession]:
    """The caller behind a session cookie, with the current role of the user."""
    row = None
    if 0 < len(token) <= _MAX_TOKEN:
        with db.read() as conn:
            row = repo.session_principal_row(conn, session_id=session_id(token), now=clock.now())
    if row is None:
        raise Unauthenticated(
            "not logged in, or the session has expired: log in again", challenge=False
        )
    principal = Principal(
        scope=Scope(organization_id=row.organization_id, is_test=bool(row.is_test)),
        user_id=row.user_id,
        username=row.username,
        role=Role(row.role),
    )
    return principal, WebSession(id=row.id, csrf_token=row.csrf_token, expires_at=row.expires_at)


def logout(db: Database, *, session: WebSession) -> None:
    with db.write() as conn:
        repo.delete_session(conn, session_id=session.id)


def switch_environment(
    db: Database, *, principal: Principal, session: WebSession, environment: Environment
) -> Principal:
    """From now on the session sees ``environment``'s data; the principal as it now is."""
    is_test = environment is Environment.TEST
    with db.write() as conn:
        repo.set_session_environment(conn, session_id=session.id, is_test=is_test)
    scope = Scope(organization_id=principal.organization_id, is_test=is_test)
    return Principal(
        scope=scope, user_id=principal.user_id, username=principal.username, role=principal.role
    )


def describe(db: Database, *, principal: Principal, csrf_token: str | None) -> dict[str, Any]:
    """``Me``: who is calling, where, and the organizations they could log in to."""
    with db.read() as conn:
        user = repo.get_user(conn, username=principal.username)
        org = repo.get_organization(conn, id=principal.organization_id)
        members = repo.list_memberships(conn, user_id=principal.user_id)
    if user is None or org is None:  # deleted since the request was authenticated
        raise NotFound("the user or the organization no longer exists")
    return {
        "user": {"id": user.id, "username": user.username, "email": user.email},
        "organization": {"id": org.id, "name": org.name},
        "role": principal.role.value,
        "environment": (Environment.TEST if principal.scope.is_test else Environment.LIVE).value,
        "csrf_token": csrf_token,
        "organizations": [
            {"id": m.organization_id, "name": m.name, "role": m.role} for m in members
        ],
    }
