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
    details: list[ErrorDetail | dict[str, Any]] = []


ERRORS: dict[int | str, dict[str, Any]] = {
    code: {"model": ErrorRead, "description": text}
    for code, text in {
        400: "Invalid input; `error` names the field.",
        401: "Missing, invalid or revoked API key.",
        403: "The key's role may not do this.",
        404: "Not found, or not visible to this key.",
        413: "The body is larger than the configured limit.",
        429: "Rate limited; see `Retry-After`.",
    }.items()
}
