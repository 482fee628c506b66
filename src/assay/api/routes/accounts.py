"""/api/v1/users and /api/v1/keys: the organization's members and API keys."""

from __future__ import annotations

from typing import Annotated, Any

import orjson
from fastapi import APIRouter, Path, Request
from starlette.responses import Response

from assay.accounts import service
from assay.accounts.service import MemberChange
from assay.api.deps import ContextDep, PrincipalDep, web_session_of
from assay.api.policies import AccountPolicy
from assay.api.routing import Route, ok
from assay.api.schemas.accounts import (
    KeyCreate,
    KeyCreated,
    KeyPage,
    KeyRead,
    UserCreate,
    UserPage,
    UserRead,
    UserUpdate,
)
from assay.api.schemas.common import CONFLICT, ERRORS

router = APIRouter(prefix="/api/v1", route_class=Route, tags=["accounts"], responses=ERRORS)

# Users and keys have 32-bit ids (``Integer`` columns).
UserId = Annotated[int, Path(ge=1, le=2**31 - 1)]
KeyId = Annotated[int, Path(ge=1, le=2**31 - 1)]


def _created(value: Any) -> Response:
    return Response(orjson.dumps(value), status_code=201, media_type="application/json")


@router.get("/users", response_model=UserPage, operation_id="list_users")
def list_users(ctx: ContextDep, principal: PrincipalDep) -> Response:
    """The members of the caller's organization (admin only)."""
    AccountPolicy.manage_users(principal)
    return ok({"items": service.list_members(ctx.db, organization_id=principal.organization_id)})


@router.post(
    "/users",
    response_model=UserRead,
    status_code=201,
    operation_id="create_user",
    responses=CONFLICT,
)
def create_user(body: UserCreate, ctx: ContextDep, principal: PrincipalDep) -> Response:
    """Create a user with a password and a role in the caller's organization (admin only)."""
    AccountPolicy.manage_users(principal)
    return _created(
        service.create_member(
            ctx.db,
            organization_id=principal.organization_id,
            username=body.username,
            password=body.password,
            role=body.role,
            email=body.email,
        )
    )


@router.patch("/users/{user_id}", response_model=UserRead, operation_id="update_user")
def update_user(
    user_id: UserId, body: UserUpdate, request: Request, ctx: ContextDep, principal: PrincipalDep
) -> Response:
    """Change a member's role, activity, password or e-mail (admin only).

    Admins cannot demote or deactivate themselves. A new password or a deactivation ends the
    user's web sessions.
    """
    AccountPolicy.manage_users(principal)
    change = MemberChange(
        role=body.role,
        is_active=body.is_active,
        password=body.password,
        email=body.email,
        email_set="email" in body.model_fields_set,
    )
    session = web_session_of(request)
    return ok(
        service.update_member(
            ctx.db,
            organization_id=principal.organization_id,
            actor=principal,
            user_id=user_id,
            change=change,
            keep_session=session.id if session is not None else None,
        )
    )


@router.get("/keys", response_model=KeyPage, operation_id="list_keys")
def list_keys(ctx: ContextDep, principal: PrincipalDep) -> Response:
    """API keys: all of the organization's for an admin, one's own for the other roles."""
    owner = AccountPolicy.key_owner(principal)
    keys = service.list_keys(ctx.db, organization_id=principal.organization_id, owner=owner)
    return ok({"items": keys})


@router.post("/keys", response_model=KeyCreated, status_code=201, operation_id="create_key")
def create_key(body: KeyCreate, ctx: ContextDep, principal: PrincipalDep) -> Response:
    """A new API key for the caller. The key is in this answer only; keep it."""
    return _created(
        service.issue_key(ctx.db, principal=principal, environment=body.environment, name=body.name)
    )


@router.delete("/keys/{key_id}", response_model=KeyRead, operation_id="revoke_key")
def revoke_key(
    key_id: KeyId, request: Request, ctx: ContextDep, principal: PrincipalDep
) -> Response:
    """Revoke a key (an admin any of the organization's; the others their own)."""
    revoked = service.revoke_key(
        ctx.db,
        organization_id=principal.organization_id,
        key_id=key_id,
        owner=AccountPolicy.key_owner(principal),
    )
    request.app.state.key_cache.forget(key_id)
    return ok(revoked)
