"""A bounded, reproducible schemathesis run over the app's own OpenAPI document, in-process.

Every operation gets ``max_examples`` generated requests (positive: data the document allows;
negative: data it forbids), sent through schemathesis's ASGI transport, and checked against the
document. Hypothesis is derandomized, so CI runs the same requests every time.
"""

from __future__ import annotations

import base64
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

import hypothesis
import schemathesis
from hypothesis import HealthCheck, Phase
from hypothesis import strategies as st
from schemathesis.checks import not_a_server_error
from schemathesis.generation import GenerationMode
from schemathesis.python import asgi
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    ignored_auth,
    negative_data_rejection,
    response_headers_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from assay.tasks.types import TASK_TYPES
from tests.api.openapi_support.seed import Seeded

# What every response must satisfy: no 5xx, and as the document declares it.
CONFORMANCE = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
]
# ``ignored_auth`` also re-sends each successful request without the key and with a wrong
# one, and expects them refused.
CHECKS = [*CONFORMANCE, ignored_auth]
# Data the document forbids must be refused with a 4xx.
NEGATIVE_CHECKS = [*CHECKS, negative_data_rejection]

Strategy = st.SearchStrategy[dict[str, Any]]


def basic(key: str) -> str:
    """The Authorization header value for an API key (HTTP Basic, key as user name)."""
    return "Basic " + base64.b64encode(f"{key}:".encode()).decode()


def load(doc: dict[str, Any], app: Any, *, allow_nul: bool = True) -> Any:
    """The document as a schemathesis schema whose requests go to ``app`` in-process.

    Credentials are ours to send (``run``): schemathesis generates no Authorization header.
    """
    generation = {"with-security-parameters": False, "allow-x00": allow_nul}
    config = schemathesis.Config.from_dict({"generation": generation})
    schema = schemathesis.openapi.from_dict(doc, config=config)
    schema.app = app
    schema.hook(map_body)
    return schema


# Where POST /v1/files/import may fetch from: nothing listens there, so it fails at once.
LOCAL_URLS = ["http://127.0.0.1:9/missing.png", "http://[::1]:9/a%20b.jpg"]


def map_body(context: Any, body: Any) -> Any:
    """Keep file imports on the loopback: a generated ``file_url`` could name a real host.

    Only a valid ``file_url`` (a string of 1 to 4000 characters) is replaced, by another
    valid one, so a negative case stays negative.
    """
    if context.operation.path != "/v1/files/import" or not isinstance(body, dict):
        return body
    url = body.get("file_url")
    if isinstance(url, str) and 1 <= len(url) <= 4000:
        return {**body, "file_url": LOCAL_URLS[len(url) % len(LOCAL_URLS)]}
    return body


@contextmanager
def released_apps() -> Iterator[None]:
    """Schemathesis keeps each app's lifespan running for the process; stop them afterwards."""
    try:
        yield
    finally:
        asgi.shutdown_lifespans()


def settings(max_examples: int) -> hypothesis.settings:
    return hypothesis.settings(
        max_examples=max_examples,
        deadline=None,
        derandomize=True,
        database=None,
        phases=[Phase.explicit, Phase.generate, Phase.shrink],
        suppress_health_check=list(HealthCheck),
        print_blob=False,
    )


def _sometimes(value: dict[str, Any], key: str, choices: list[Any], *, add: bool) -> Strategy:
    """``value`` as generated, or with ``key`` set to one of ``choices`` (an existing object)."""
    if not choices or (key not in value and not add):
        return st.just(value)
    existing = st.sampled_from(choices).map(lambda v: {**value, key: v})
    return st.one_of(st.just(value), existing)


def _project_for(path: str, seeded: Seeded) -> list[str]:
    """The project a create body should name: the one of the route's task type, if any."""
    for task_type, name in seeded.projects.items():
        if path == f"/v1/task/{task_type}":
            return [name]
    return seeded.project_names


def aim_at_seeded(schema: Any, seeded: Seeded) -> None:
    """Point about half of the generated ids, names and tokens at objects that exist."""

    def flatmap_path_parameters(context: Any, path_parameters: dict[str, Any] | None) -> Any:
        if path_parameters is None:
            return st.just(None)
        path = context.operation.path
        pools: dict[str, list[Any]] = {
            "task_id": seeded.task_ids,
            "file_id": seeded.file_ids,
            "assignment_id": seeded.assignment_ids,
            "name": seeded.batches if path.startswith("/v1/batches/") else seeded.project_names,
        }
        if path_parameters.get("key_id") == seeded.calling_key_id:
            # Revoking the key the run calls with would leave the rest of it at 401.
            path_parameters = {**path_parameters, "key_id": seeded.key_ids[0]}
        pools["key_id"] = seeded.key_ids
        strategy: Strategy = st.just(path_parameters)
        for key, pool in pools.items():
            strategy = strategy.flatmap(_bind(key, pool, add=False))
        return strategy

    def flatmap_query(context: Any, query: dict[str, Any] | None) -> Any:
        if query is None:
            return st.just(None)
        strategy: Strategy = st.just(query)
        strategy = strategy.flatmap(_bind("project", seeded.project_names, add=False))
        return strategy.flatmap(_bind("batch", seeded.batches, add=False))

    def flatmap_body(context: Any, body: Any) -> Any:
        if not isinstance(body, dict):
            return st.just(body)
        path = context.operation.path
        creates = path.startswith("/v1/task/") and "{" not in path
        strategy: Strategy = st.just(body).flatmap(
            _bind("project", _project_for(path, seeded), add=creates)
        )
        if path == "/v1/projects":
            strategy = strategy.flatmap(_bind("type", sorted(TASK_TYPES), add=False))
        return strategy.flatmap(_bind("lease_token", seeded.lease_tokens, add=False))

    for hook in (flatmap_path_parameters, flatmap_query, flatmap_body):
        schema.hook(hook)


def _bind(key: str, pool: list[Any], *, add: bool) -> Callable[[dict[str, Any]], Strategy]:
    return lambda value: _sometimes(value, key, pool, add=add)


def run(
    schema: Any,
    mode: GenerationMode,
    *,
    key: str,
    max_examples: int,
) -> dict[str, str]:
    """Every operation's generated requests, sent with ``key``; failures by operation."""
    failures: dict[str, str] = {}
    for result in schema.get_all_operations():
        operation = result.ok()
        if mode is GenerationMode.NEGATIVE and not _can_be_invalid(operation):
            continue  # every input is a free string: nothing to make invalid
        try:
            run_operation(operation, mode, key=key, max_examples=max_examples)
        except (Exception, BaseExceptionGroup) as exc:  # one report per operation
            failures[f"{mode.value} {operation.label}"] = f"{type(exc).__name__}: {exc}"
    return failures


def run_operation(operation: Any, mode: GenerationMode, *, key: str, max_examples: int) -> None:
    headers = {"Authorization": basic(key)}
    arrays = _string_array_params(operation)

    @settings(max_examples)
    @hypothesis.given(case=operation.as_strategy(generation_mode=mode))
    def call(case: Any) -> None:
        negative = mode is GenerationMode.NEGATIVE
        if negative and not _query_negation_is_lost_on_the_wire(case, arrays):
            case.call_and_validate(headers=headers, checks=NEGATIVE_CHECKS)
        else:
            case.call_and_validate(headers=headers, checks=CHECKS)

    call()


def _can_be_invalid(operation: Any) -> bool:
    if list(operation.body) or list(operation.query):
        return True
    schemas = [p.definition["schema"] for p in operation.path_parameters]
    return any(set(schema) - {"type", "title"} or schema["type"] != "string" for schema in schemas)


_STRING_ARRAY = {"type": "array", "items": {"type": "string"}}


def _string_array_params(operation: Any) -> set[str]:
    """Query parameters that take repeated string values (``?tags=a&tags=b``)."""
    names = set()
    for param in operation.definition.raw.get("parameters", []):
        schema = param.get("schema", {})
        if param.get("in") == "query" and _STRING_ARRAY in [schema, *schema.get("anyOf", [])]:
            names.add(param["name"])
    return names


def _query_negation_is_lost_on_the_wire(case: Any, arrays: set[str]) -> bool:
    """Whether a negative case's invalid value may be a valid list of strings once sent.

    Any query text is a valid array of strings (``?unique_id=`` is ``[""]``), so a negated
    value such as ``""`` or ``5`` for such a parameter reaches the server as valid input,
    and refusing it would be wrong. Schemathesis does not see this for arrays.
    """
    query = case.query or {}
    return any(
        name in query
        and not (isinstance(query[name], list) and all(isinstance(v, str) for v in query[name]))
        for name in arrays
    )
