"""Typed dependencies: the context, the caller (API key or web session), rate limiting."""

from __future__ import annotations

import base64
import binascii
import hmac
import threading
import time
from typing import Annotated
from urllib.parse import urlsplit

from fastapi import Depends, Request
from starlette.concurrency import run_in_threadpool

from assay.accounts import service as accounts
from assay.accounts import sessions
from assay.accounts.model import Principal
from assay.accounts.sessions import WebSession
from assay.api.ratelimit import RateLimiter
from assay.context import Context
from assay.errors import CsrfFailed, Unauthenticated

SESSION_COOKIE = "assay_session"
CSRF_HEADER = "x-csrf-token"
_UNSAFE_METHODS = frozenset({"POST", "PUT", "PATCH", "DELETE"})

# Dependencies that do no I/O are ``async``: FastAPI runs sync ones in the thread pool, and
# every extra hop there costs a wait for the GIL under load.


async def get_context(request: Request) -> Context:
    return context_of(request)


def context_of(request: Request) -> Context:
    ctx: Context = request.app.state.ctx
    return ctx


ContextDep = Annotated[Context, Depends(get_context)]


class KeyCache:
    """Authenticated keys for a few seconds, so most requests skip the key lookup.

    A revoked key therefore keeps working for at most ``ASSAY_AUTH_CACHE_SECONDS``.
    """

    def __init__(self, ttl: float) -> None:
        self.ttl = ttl
        self._items: dict[str, tuple[float, Principal]] = {}
        self._lock = threading.Lock()

    def get(self, key: str) -> Principal | None:
        if self.ttl <= 0:
            return None
        with self._lock:
            hit = self._items.get(key)
        if hit is None or hit[0] < time.monotonic():
            return None
        return hit[1]

    def put(self, key: str, principal: Principal) -> None:
        if self.ttl <= 0:
            return
        with self._lock:
            if len(self._items) > 10_000:
                self._items.clear()
            self._items[key] = (time.monotonic() + self.ttl, principal)

    def forget(self, key_id: int) -> None:
        """Drop a revoked key at once (other server processes drop it within the TTL)."""
        with self._lock:
            for key in [k for k, (_, p) in self._items.items() if p.key_id == key_id]:
                del self._items[key]


def api_key_from(request: Request) -> str:
    header = request.headers.get("authorization", "")
    scheme, _, value = header.partition(" ")
    scheme = scheme.lower()
    if scheme == "basic":
        try:
            decoded = base64.b64decode(value, validate=True).decode()
        except (binascii.Error, UnicodeDecodeError):
            raise Unauthenticated("malformed Basic credentials") from None
        key = decoded.split(":", 1)[0]
    elif scheme == "bearer":
        key = value.strip()
    else:
        raise Unauthenticated(
            "missing credentials: use HTTP Basic with the API key as user name, or Bearer"
        )
    if not key:
        raise Unauthenticated("empty API key")
    return key


def check_origin(request: Request) -> None:
    """Refuse a browser request sent from a page of another site.

    Browsers send ``Origin`` with every POST (and any cross-origin request); it must name
    this server, as the client reached it (``Host``) or as configured (``ASSAY_PUBLIC_URL``).
    """
    origin = request.headers.get("origin")
    if origin is None:
        return
    parts = urlsplit(origin.strip().lower())
    if parts.netloc and parts.netloc == request.headers.get("host", "").lower():
        return
    public = context_of(request).settings.public_url
    if public:
        own = urlsplit(public.lower())
        if (parts.scheme, parts.netloc) == (own.scheme, own.netloc):
            return
    raise CsrfFailed(f"requests from {origin!r} may not use this server's session")


async def _session_principal(request: Request, token: str) -> Principal:
    unsafe = request.method in _UNSAFE_METHODS
    if unsafe:
        check_origin(request)
    db = context_of(request).db
    principal, session = await run_in_threadpool(sessions.authenticate, db, token)
    if unsafe:
        sent = request.headers.get(CSRF_HEADER, "")
        if not hmac.compare_digest(sent.encode(), session.csrf_token.encode()):
            raise CsrfFailed(
                "missing or wrong X-CSRF-Token header: send the csrf_token of /api/v1/auth/me"
            )
    request.state.web_session = session
    limiter: RateLimiter = request.app.state.limiter
    limiter.hit(-principal.user_id)
    return principal


def web_session_of(request: Request) -> WebSession | None:
    """The session that authenticated the request, if a cookie did (not an API key)."""
    found: WebSession | None = getattr(request.state, "web_session", None)
    return found


async def get_principal(request: Request) -> Principal:
    # A request with an Authorization header is authenticated by it alone; the cookie branch
    # costs API-key callers one header lookup.
    if "authorization" not in request.headers:
        token = request.cookies.get(SESSION_COOKIE)
        if token:
            return await _session_principal(request, token)
    cache: KeyCache = request.app.state.key_cache
    limiter: RateLimiter = request.app.state.limiter
    key = api_key_from(request)
    principal = cache.get(key)
    if principal is None:  # only a cache miss touches the database, in the thread pool
        principal = await run_in_threadpool(accounts.authenticate_key, context_of(request).db, key)
        cache.put(key, principal)
    limiter.hit(principal.key_id or -principal.user_id)
    return principal


PrincipalDep = Annotated[Principal, Depends(get_principal)]
