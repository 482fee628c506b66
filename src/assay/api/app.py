"""The FastAPI application."""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import FastAPI

from assay import __version__
from assay.accounts.throttle import LoginThrottle
from assay.api import errors, openapi, webapp
from assay.api.deps import KeyCache
from assay.api.edge import EdgeMiddleware
from assay.api.ratelimit import RateLimiter
from assay.api.routes import accounts, auth, health, ops, quality, queue
from assay.api.routes.v1 import batches, files, projects, tasks, unsupported
from assay.context import Context
from assay.worker.runner import start_background

log = logging.getLogger("assay.api")

DESCRIPTION = """Assay's API.

* `/v1/...` is wire-compatible with Scale's task API: point the official `scaleapi` client at
  `http://<host>:<port>/v1` with `api_instance_url`.
* `/api/v1/...` is Assay's own: the work queue, bulk imports, and what the web app uses
  (login, users, API keys).
* `/` serves the web app.

Authenticate with HTTP Basic (API key as user name, empty password) or `Bearer <key>`, or
with the web app's session cookie (`POST /api/v1/auth/login`; requests that change state then
need the header `X-CSRF-Token`).
"""


def create_app(ctx: Context, *, worker: bool | None = None) -> FastAPI:
    """Build the app around a context. ``worker`` overrides ``ASSAY_INPROCESS_WORKER``."""
    run_worker = ctx.settings.inprocess_worker if worker is None else worker

    @asynccontextmanager
    async def lifespan(_app: FastAPI) -> AsyncIterator[None]:
        background = start_background(ctx) if run_worker else None
        try:
            yield
        finally:
            if background is not None:
                thread, stop, w = background
                stop.set()
                thread.join(timeout=30)
                w.close()

    app = FastAPI(
        title="Assay",
        version=__version__,
        description=DESCRIPTION,
        lifespan=lifespan,
        redirect_slashes=False,
    )
    app.state.ctx = ctx
    app.state.key_cache = KeyCache(ctx.settings.auth_cache_seconds)
    app.state.limiter = RateLimiter(
        ctx.settings.rate_limit_per_second, ctx.settings.rate_limit_burst
    )
    app.state.login_throttle = LoginThrottle()
    errors.install(app)
    # Routes match in order: the work queue (the hottest path) first, catch-alls last.
    for router in (
        queue.router,
        tasks.router,
        projects.router,
        batches.router,
        files.router,
        ops.router,
        quality.router,
        auth.router,
        accounts.router,
        health.router,
        unsupported.router,
    ):
        app.include_router(router)
    webapp.install(app, ctx.settings.web_dir)  # whatever no route matched
    app.add_middleware(
        EdgeMiddleware,
        max_body_bytes=ctx.settings.max_body_bytes,
        max_file_bytes=ctx.settings.max_file_bytes,
    )
    openapi.install(app)
    return app
