"""OpenAPI for bodies we parse ourselves (Scale's flat task payloads)."""

from __future__ import annotations

from typing import Any

from fastapi import FastAPI
from fastapi.openapi.utils import get_openapi
from pydantic import BaseModel

_REF = "#/components/schemas/{model}"
_EXTRA: dict[str, Any] = {}


def flat_body(name: str, models: list[type[BaseModel]], description: str) -> dict[str, Any]:
    """One object schema holding the fields of several models (common keys + type params).

    Nothing is marked required: a task may take any param from its project's defaults.
    """
    props: dict[str, Any] = {}
    for model in models:
        schema = model.model_json_schema(ref_template=_REF, mode="validation")
        _EXTRA.update(schema.pop("$defs", {}))
        props.update(schema.get("properties", {}))
    _EXTRA[name] = {
        "type": "object",
        "title": name,
        "description": description,
        "properties": props,
        "additionalProperties": False,
    }
    return {
        "requestBody": {
            "required": True,
            "content": {"application/json": {"schema": {"$ref": _REF.format(model=name)}}},
        }
    }


def model_body(model: type[BaseModel]) -> dict[str, Any]:
    """The request body of a route that parses ``model`` itself (see ``read_model``)."""
    schema = model.model_json_schema(ref_template=_REF, mode="validation")
    _EXTRA.update(schema.pop("$defs", {}))
    _EXTRA[model.__name__] = schema
    return {
        "requestBody": {
            "required": True,
            "content": {
                "application/json": {"schema": {"$ref": _REF.format(model=model.__name__)}}
            },
        }
    }


def json_body_of(schema: dict[str, Any]) -> dict[str, Any]:
    return {"requestBody": {"required": False, "content": {"application/json": {"schema": schema}}}}


def _drop_422(doc: dict[str, Any]) -> None:
    """FastAPI documents 422 for validation errors; ours answer 400 (``assay.api.errors``)."""
    for item in doc.get("paths", {}).values():
        for operation in item.values():
            operation.get("responses", {}).pop("422", None)
    for name in ("HTTPValidationError", "ValidationError"):
        doc["components"]["schemas"].pop(name, None)


def install(app: FastAPI) -> None:
    def build() -> dict[str, Any]:
        if app.openapi_schema is None:
            doc = get_openapi(
                title=app.title, version=app.version, description=app.description, routes=app.routes
            )
            doc.setdefault("components", {}).setdefault("schemas", {}).update(_EXTRA)
            _drop_422(doc)
            doc["components"]["securitySchemes"] = {
                "basic": {
                    "type": "http",
                    "scheme": "basic",
                    "description": "The API key as user name, empty password.",
                },
                "bearer": {"type": "http", "scheme": "bearer"},
            }
            doc["security"] = [{"basic": []}, {"bearer": []}]
            app.openapi_schema = doc
        return app.openapi_schema

    app.openapi = build  # type: ignore[method-assign]
