"""Shapes shared by every API surface."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, ConfigDict


class Open(BaseModel):
    """Response models document the keys we always send; more may come."""

    model_config = ConfigDict(extra="allow")


class ErrorDetail(BaseModel):
    field: str | None = None
    message: str


class ErrorRead(BaseModel):
    status_code: int
    error: str
    code: str
    details: list[ErrorDetail | dict[str, Any]]  # always sent, often empty


ERRORS: dict[int | str, dict[str, Any]] = {
    code: {"model": ErrorRead, "description": text}
    for code, text in {
        400: "Invalid input; `error` names the field.",
        401: "Missing, invalid or revoked API key.",
        403: "The key's role may not do this.",
        404: "Not found, or not visible to this key.",
        413: "The body is larger than the configured limit.",
        429: "Rate limited; see `Retry-After`.",
        503: "The database is busy or unavailable; retry after `Retry-After`.",
    }.items()
}

# Only on the routes that can answer them.
NOT_ENABLED: dict[int | str, dict[str, Any]] = {
    402: {"model": ErrorRead, "description": "A Scale feature this server does not have."}
}
CONFLICT: dict[int | str, dict[str, Any]] = {
    409: {"model": ErrorRead, "description": "It exists already (name or `unique_id`)."}
}
