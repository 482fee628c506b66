"""/api/v1/auth: the web app's password login, its session cookie and its environment."""

from __future__ import annotations

from datetime import timedelta
from functools import partial
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Request
from starlette.concurrency import run_in_threadpool
from starlette.responses import Response

from assay.accounts import sessions
from assay.accounts.model import Principal
from assay.api.deps import (
    SESSION_COOKIE,
    ContextDep,
    check_origin,
    get_principal,
    web_session_of,
)
from assay.api.routing import Route, ok
from assay.api.schemas.accounts import EnvironmentSwitch, LoginRequest, LogoutRead, MeRead
from assay.api.schemas.common import ERRORS
from assay.config import Settings
from assay.errors import Invalid, Unauthenticated

router = APIRouter(prefix="/api/v1/auth", route_class=Route, tags=["auth"], responses=ERRORS)

# Login is how a browser gets credentials: the document's default (an API key) is lifted.
_PUBLIC: dict[str, Any] = {"security": []}


async def get_web_principal(request: Request) -> Principal:
    """As ``get_principal``, but a browser with no credentials at all is not invited to HTTP
    Basic: the web app asks ``/auth/me`` before anyone has logged in."""
    if "authorization" not in request.headers and SESSION_COOKIE not in request.cookies:
        raise Unauthenticated("not logged in", challenge=False)
    return await get_principal(request)


WebPrincipalDep = Annotated[Principal, Depends(get_web_principal)]


def _set_cookie(response: Response, token: str, settings: Settings) -> None:
    response.set_cookie(
        SESSION_COOKIE,
        token,
        max_age=int(settings.session_hours * 3600),
        path="/",
        secure=settings.secure_cookies,
        httponly=True,
        samesite="lax",
    )


def _clear_cookie(response: Response, settings: Settings) -> None:
    response.delete_cookie(
        SESSION_COOKIE, path="/", secure=settings.secure_cookies, httponly=True, samesite="lax"
    )


@router.post("/login", response_model=MeRead, operation_id="login", openapi_extra=_PUBLIC)
def login(body: LoginRequest, request: Request, ctx: ContextDep) -> Response:
    """Log in with a user name and password: sets the ``assay_session`` cookie.

    The session starts in the live environment. After 10 failed attempts for a user name in
    5 minutes, logins for it are refused (429) for a while.
    """
    check_origin(request)  # a page of another site may not log the browser in
    done = sessions.login(
        ctx.db,
        username=body.username,
        password=body.password,
        organization=body.organization,
        lifetime=timedelta(hours=ctx.settings.session_hours),
        throttle=request.app.state.login_throttle,
        replaces=request.cookies.get(SESSION_COOKIE),
    )
    response = ok(
        sessions.describe(ctx.db, principal=done.principal, csrf_token=done.session.csrf_token)
    )
    _set_cookie(response, done.token, ctx.settings)
    return response


@router.post("/logout", response_model=LogoutRead, operation_id="logout")
async def logout(request: Request, ctx: ContextDep) -> Response:
    """End the session and clear its cookie. A session that has already ended is fine."""
    try:
        await get_web_principal(request)
    except Unauthenticated:
        if SESSION_COOKIE not in request.cookies or "authorization" in request.headers:
            raise
    session = web_session_of(request)
    if session is not None:
        await run_in_threadpool(partial(sessions.logout, ctx.db, session=session))
    response = ok({"ok": True})
    _clear_cookie(response, ctx.settings)
    return response


@router.get("/me", response_model=MeRead, operation_id="me")
def me(request: Request, ctx: ContextDep, principal: WebPrincipalDep) -> Response:
    """Who is calling: user, organization, role, environment and the session's CSRF token."""
    session = web_session_of(request)
    csrf = session.csrf_token if session is not None else None
    return ok(sessions.describe(ctx.db, principal=principal, csrf_token=csrf))


@router.post("/environment", response_model=MeRead, operation_id="switch_environment")
def switch_environment(
    body: EnvironmentSwitch, request: Request, ctx: ContextDep, principal: WebPrincipalDep
) -> Response:
    """Switch the session between live and test data."""
    session = web_session_of(request)
    if session is None:
        raise Invalid("an API key's environment is fixed (live_ or test_); log in to switch")
    now = sessions.switch_environment(
        ctx.db, principal=principal, session=session, environment=body.environment
    )
    return ok(sessions.describe(ctx.db, principal=now, csrf_token=session.csrf_token))
