"""Typed dependencies: the context, the caller (API key), rate limiting."""

from __future__ import annotations

import base64
import binascii
import threading
import time
from typing import Annotated

from fastapi import Depends, Request
from starlette.concurrency import run_in_threadpool

from assay.accounts import service as accounts
from assay.accounts.model import Principal
from assay.api.ratelimit import RateLimiter
from assay.context import Context
from assay.errors import Unauthenticated

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


async def get_principal(request: Request) -> Principal:
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
