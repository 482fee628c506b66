"""Reading request bodies: orjson, with the checks PostgreSQL needs.

orjson refuses invalid UTF-8 and lone surrogates; we also refuse NUL characters, which
PostgreSQL cannot store in text or JSONB. Either would otherwise fail deep in the database.
Nesting is capped at ``MAX_DEPTH`` levels: orjson writes at most 255 levels, so a deeper
value would be stored and then fail every response that contains it.
"""

from __future__ import annotations

from typing import Any, TypeVar

import orjson
from fastapi import Request
from pydantic import BaseModel, ValidationError

from assay.errors import Invalid
from assay.tasks.types.base import format_errors

MAX_DEPTH = 100


def _check_nul(value: Any, path: str = "", depth: int = 0) -> None:
    if depth > MAX_DEPTH:
        raise Invalid(f"{path.split('.')[0]}: nested deeper than {MAX_DEPTH} levels")
    if isinstance(value, str):
        if "\x00" in value:
            raise Invalid(f"{path or 'body'}: NUL characters are not allowed")
    elif isinstance(value, dict):
        for k, v in value.items():
            if "\x00" in k:
                raise Invalid(f"{path or 'body'}: NUL characters are not allowed in keys")
            _check_nul(v, f"{path}.{k}" if path else k, depth + 1)
    elif isinstance(value, list):
        for i, v in enumerate(value):
            _check_nul(v, f"{path}.{i}" if path else str(i), depth + 1)


def parse_json(raw: bytes) -> Any:
    if not raw.strip():
        return None
    try:
        value = orjson.loads(raw)
    except orjson.JSONDecodeError as exc:
        raise Invalid(f"the body is not valid JSON (or not UTF-8): {exc}") from None
    _check_nul(value)
    return value


async def json_body(request: Request) -> Any:
    """The parsed body, or None when there is none (Scale's clients send empty POSTs)."""
    return parse_json(await request.body())


async def json_object(request: Request) -> dict[str, Any]:
    value = parse_json(await request.body())
    if value is None:
        return {}
    if not isinstance(value, dict):
        raise Invalid("the body must be a JSON object")
    return value


M = TypeVar("M", bound=BaseModel)


async def read_model(request: Request, model: type[M]) -> M:
    """The body parsed (as ``json_body``) and validated into ``model``, errors naming fields.

    The hottest routes (lease, submit) read their bodies this way instead of through FastAPI's
    body parameters, which cost more per request than the rest of the route.
    """
    value = parse_json(await request.body())
    try:
        return model.model_validate({} if value is None else value)
    except ValidationError as exc:
        raise format_errors(exc, "") from None
