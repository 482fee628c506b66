"""Pydantic models at the edge: what the OpenAPI document promises."""
