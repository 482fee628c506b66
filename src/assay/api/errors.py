"""The only place errors become HTTP responses.

Every error body has Scale's shape, ``{"status_code": N, "error": "..."}`` (the ``error``
string is what the scaleapi client shows), plus a stable ``code`` and field ``details``.
Validation failures are 400 everywhere, never 422.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from typing import Any

import orjson
from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from sqlalchemy.exc import OperationalError
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.responses import Response

from assay import errors

log = logging.getLogger("assay.api")

STATUS: dict[type[errors.AssayError], int] = {
    errors.Invalid: 400,
    errors.Unauthenticated: 401,
    errors.NotEnabled: 402,
    errors.PermissionDenied: 403,
    errors.NotFound: 404,
    errors.Conflict: 409,
    errors.LeaseExpired: 409,
    errors.TooLarge: 413,
    errors.RateLimited: 429,
    errors.ConfigError: 500,
}

_HTTP_CODES = {
    401: "unauthenticated",
    404: "not_found",
    405: "method_not_allowed",
    413: "too_large",
    415: "unsupported_media_type",
}


def error_response(
    status: int,
    message: str,
    *,
    code: str,
    details: list[dict[str, Any]] | None = None,
    headers: Mapping[str, str] | None = None,
) -> Response:
    body = {"status_code": status, "error": message, "code": code, "details": details or []}
    return Response(
        orjson.dumps(body), status_code=status, media_type="application/json", headers=headers
    )


def _status_for(exc: errors.AssayError) -> int:
    for cls in type(exc).__mro__:
        if cls in STATUS:
            return STATUS[cls]
    return 400


async def _assay_error(_req: Request, exc: Exception) -> Response:
    assert isinstance(exc, errors.AssayError)
    status = _status_for(exc)
    headers = None
    if isinstance(exc, errors.RateLimited):
        headers = {"Retry-After": str(max(1, round(exc.retry_after)))}
    elif isinstance(exc, errors.Unauthenticated) and exc.challenge:
        headers = {"WWW-Authenticate": 'Basic realm="assay"'}
    return error_response(status, exc.message, code=exc.code, details=exc.details, headers=headers)


async def _validation_error(_req: Request, exc: Exception) -> Response:
    assert isinstance(exc, RequestValidationError)
    details, parts = [], []
    for err in exc.errors():
        loc = ".".join(str(p) for p in err.get("loc", ()) if p not in ("body", "query", "path"))
        msg = "field required" if err.get("type") == "missing" else str(err.get("msg"))
        if err.get("type") == "json_invalid":
            msg = "the body is not valid JSON"
        details.append({"field": loc, "message": msg})
        parts.append(f"{loc}: {msg}" if loc else msg)
    return error_response(
        400, "; ".join(parts) or "invalid request", code="invalid", details=details
    )


async def _http_error(_req: Request, exc: Exception) -> Response:
    assert isinstance(exc, StarletteHTTPException)
    status = exc.status_code
    if status == 422:
        status = 400
    message = exc.detail if isinstance(exc.detail, str) else "invalid request"
    code = _HTTP_CODES.get(status, "invalid" if status == 400 else "error")
    return error_response(status, message, code=code, headers=exc.headers)


async def _db_unavailable(_req: Request, exc: Exception) -> Response:
    log.warning("database unavailable: %s", exc)
    return error_response(
        503,
        "the database is busy or unavailable; retry shortly",
        code="unavailable",
        headers={"Retry-After": "1"},
    )


async def _unexpected(_req: Request, exc: Exception) -> Response:
    log.exception("unhandled error", exc_info=exc)
    return error_response(500, "internal error; it has been logged", code="internal")


def install(app: FastAPI) -> None:
    app.add_exception_handler(errors.AssayError, _assay_error)
    app.add_exception_handler(RequestValidationError, _validation_error)
    app.add_exception_handler(StarletteHTTPException, _http_error)
    app.add_exception_handler(OperationalError, _db_unavailable)
    app.add_exception_handler(Exception, _unexpected)
