"""The published OpenAPI document: what it lists, and a schemathesis run against it.

The run sends generated requests to the in-process app on each backend and fails on any
server error, any undocumented status code, and any response that does not match its
declared schema (every error is ``{status_code, error, code, details}``).
"""

from __future__ import annotations

from typing import Any

import hypothesis
import pytest
from fastapi.testclient import TestClient
from schemathesis.generation import GenerationMode

from assay.tasks.model import COMMON_KEYS
from assay.tasks.types import TASK_TYPES
from tests.api.openapi_support import fuzz
from tests.api.openapi_support.seed import seed
from tests.factories import Api, Tenant

# Every documented operation of the two API surfaces, by method and path.
OPERATIONS: dict[tuple[str, str], str] = {
    **{("POST", f"/v1/task/{t}"): f"create_{t}_task" for t in TASK_TYPES},
    **{("POST", f"/v1/evaluation_tasks/{t}"): f"create_gold_{t}_task" for t in TASK_TYPES},
    **{("POST", f"/v1/training_tasks/{t}"): f"create_training_{t}_task" for t in TASK_TYPES},
    ("GET", "/api/v1/projects/{name}/gold"): "list_gold_tasks",
    ("POST", "/api/v1/projects/{name}/gold"): "create_gold_task",
    ("PATCH", "/api/v1/gold/{task_id}"): "update_gold_task",
    ("GET", "/api/v1/projects/{name}/quality"): "project_quality",
    ("POST", "/api/v1/projects/{name}/annotators/{username}/status"): "set_annotator_status",
    ("GET", "/api/v1/me/progress"): "my_progress",
    ("GET", "/v1/task/{task_id}"): "get_task",
    ("POST", "/v1/task/{task_id}/cancel"): "cancel_task",
    ("POST", "/v1/task/{task_id}/audit"): "audit_task",
    ("POST", "/v1/task/{task_id}/unique_id"): "set_task_unique_id",
    ("DELETE", "/v1/task/{task_id}/unique_id"): "clear_task_unique_id",
    ("POST", "/v1/task/{task_id}/setMetadata"): "set_task_metadata",
    ("POST", "/v1/task/{task_id}/tags"): "set_task_tags",
    ("PUT", "/v1/task/{task_id}/tags"): "add_task_tags",
    ("DELETE", "/v1/task/{task_id}/tags"): "delete_task_tags",
    ("GET", "/v1/tasks"): "list_tasks",
    ("POST", "/v1/projects"): "create_project",
    ("GET", "/v1/projects"): "list_projects",
    ("GET", "/v1/projects/{name}"): "get_project",
    ("POST", "/v1/projects/{name}/setParams"): "set_project_params",
    ("GET", "/v1/projects/{name}/taskTemplates"): "get_project_template",
    ("POST", "/v1/batches"): "create_batch",
    ("GET", "/v1/batches"): "list_batches",
    ("GET", "/v1/batches/{name}"): "get_batch",
    ("POST", "/v1/batches/{name}/finalize"): "finalize_batch",
    ("GET", "/v1/batches/{name}/status"): "batch_status",
    ("POST", "/v1/batches/{name}/setMetadata"): "set_batch_metadata",
    ("POST", "/v1/files/upload"): "upload_file",
    ("POST", "/v1/files/import"): "import_file",
    ("GET", "/v1/files/{file_id}"): "get_file",
    ("GET", "/api/v1/queue"): "my_queue",
    ("POST", "/api/v1/queue/lease"): "lease_next",
    ("GET", "/api/v1/assignments/{assignment_id}"): "get_assignment",
    ("POST", "/api/v1/assignments/{assignment_id}/heartbeat"): "heartbeat",
    ("POST", "/api/v1/assignments/{assignment_id}/submit"): "submit",
    ("POST", "/api/v1/assignments/{assignment_id}/review"): "review",
    ("POST", "/api/v1/assignments/{assignment_id}/skip"): "skip",
    ("POST", "/api/v1/assignments/{assignment_id}/release"): "release",
    ("POST", "/api/v1/tasks/bulk"): "bulk_create_tasks",
    ("POST", "/api/v1/auth/logout"): "logout",
    ("GET", "/api/v1/auth/me"): "me",
    ("POST", "/api/v1/auth/environment"): "switch_environment",
    ("GET", "/api/v1/users"): "list_users",
    ("POST", "/api/v1/users"): "create_user",
    ("PATCH", "/api/v1/users/{user_id}"): "update_user",
    ("GET", "/api/v1/keys"): "list_keys",
    ("POST", "/api/v1/keys"): "create_key",
    ("DELETE", "/api/v1/keys/{key_id}"): "revoke_key",
    ("GET", "/api/v1/projects"): "ops_list_projects",
    ("POST", "/api/v1/projects"): "ops_create_project",
    ("GET", "/api/v1/projects/{name}"): "ops_get_project",
    ("PATCH", "/api/v1/projects/{name}"): "ops_update_project",
    ("GET", "/api/v1/batches"): "ops_list_batches",
    ("GET", "/api/v1/tasks"): "ops_browse_tasks",
    ("GET", "/api/v1/tasks/{task_id}/detail"): "ops_task_detail",
    ("GET", "/api/v1/stats/throughput"): "ops_throughput",
}
PUBLIC = {("GET", "/healthz"): "health", ("GET", "/readyz"): "ready"}
# Takes no credentials (it hands out a session) but answers 401 to wrong ones.
LOGIN = {("POST", "/api/v1/auth/login"): "login"}
# The web app's own routes: a browser without any credentials is not invited to HTTP Basic.
SESSION = {
    ("GET", "/api/v1/auth/me"),
    ("POST", "/api/v1/auth/logout"),
    ("POST", "/api/v1/auth/environment"),
}
ERROR_KEYS = {"status_code", "error", "code", "details"}


def _document(client: TestClient) -> dict[str, Any]:
    r = client.get("/openapi.json")
    assert r.status_code == 200, r.text
    assert r.headers["content-type"] == "application/json"
    doc: dict[str, Any] = r.json()
    return doc


def _operations(doc: dict[str, Any]) -> dict[tuple[str, str], dict[str, Any]]:
    return {
        (method.upper(), path): op
        for path, item in doc["paths"].items()
        for method, op in item.items()
    }


def _refs(value: Any) -> set[str]:
    if isinstance(value, dict):
        found = {value["$ref"]} if isinstance(value.get("$ref"), str) else set()
        return found.union(*(_refs(v) for v in value.values()))
    if isinstance(value, list):
        return set().union(*(_refs(v) for v in value))
    return set()


def _resolve(doc: dict[str, Any], schema: dict[str, Any]) -> dict[str, Any]:
    ref: str = schema["$ref"]
    assert ref.startswith("#/components/schemas/"), ref
    resolved: dict[str, Any] = doc["components"]["schemas"][ref.rsplit("/", 1)[1]]
    return resolved


def test_document_lists_every_operation_once(client: TestClient) -> None:
    doc = _document(client)
    assert doc["openapi"].startswith("3.")
    operations = _operations(doc)
    assert {k: op["operationId"] for k, op in operations.items()} == {
        **OPERATIONS,
        **PUBLIC,
        **LOGIN,
    }
    ids = [op["operationId"] for op in operations.values()]
    assert len(ids) == len(set(ids))
    # Every reference resolves (FastAPI's validation-error schemas are gone with the 422s).
    components = {f"#/components/schemas/{name}" for name in doc["components"]["schemas"]}
    assert _refs(doc) <= components
    assert not {"HTTPValidationError", "ValidationError"} & set(doc["components"]["schemas"])


def test_document_declares_auth_and_error_shapes(client: TestClient) -> None:
    doc = _document(client)
    schemes = doc["components"]["securitySchemes"]
    assert schemes["basic"] == {
        "type": "http",
        "scheme": "basic",
        "description": "The API key as user name, empty password.",
    }
    assert schemes["bearer"] == {"type": "http", "scheme": "bearer"}
    assert doc["security"] == [{"basic": []}, {"bearer": []}]
    error = doc["components"]["schemas"]["ErrorRead"]
    assert set(error["required"]) == ERROR_KEYS
    assert set(error["properties"]) == ERROR_KEYS
    for key, op in _operations(doc).items():
        if key in PUBLIC:
            assert op["security"] == [], key
            continue
        if key in LOGIN:
            assert op["security"] == [], key
        else:
            assert "security" not in op, key  # the document's default: an API key
        # Validation errors are 400 here, never FastAPI's 422.
        assert "422" not in op["responses"], key
        codes = {int(c) for c in op["responses"]}
        assert {400, 401, 403, 404, 429, 503} <= codes, key
        assert len(codes & {200, 201}) == 1, key
        for code, response in op["responses"].items():
            if int(code) >= 400:
                schema = response["content"]["application/json"]["schema"]
                assert schema == {"$ref": "#/components/schemas/ErrorRead"}, (key, code)
    ops = _operations(doc)
    for key in [("POST", "/v1/projects"), ("POST", "/v1/batches")]:
        assert {"402", "409"} <= set(ops[key]["responses"]), key
    assert "402" in ops[("GET", "/v1/projects/{name}/taskTemplates")]["responses"]
    for task_type in TASK_TYPES:
        assert "409" in ops[("POST", f"/v1/task/{task_type}")]["responses"], task_type
    assert "409" in ops[("POST", "/api/v1/assignments/{assignment_id}/submit")]["responses"]


@pytest.mark.parametrize("task_type", sorted(TASK_TYPES))
def test_document_describes_each_create_body(client: TestClient, task_type: str) -> None:
    doc = _document(client)
    op = doc["paths"][f"/v1/task/{task_type}"]["post"]
    assert op["requestBody"]["required"] is True
    body = _resolve(doc, op["requestBody"]["content"]["application/json"]["schema"])
    assert body["type"] == "object"
    assert body["additionalProperties"] is False
    assert "required" not in body  # any param may come from the project's params
    params = set(TASK_TYPES[task_type].params_model.model_fields)
    assert set(body["properties"]) == COMMON_KEYS | params
    response = op["responses"]["200"]["content"]["application/json"]["schema"]
    assert response == {"$ref": "#/components/schemas/TaskRead"}


def test_document_names_known_params(client: TestClient) -> None:
    """Spot checks against Scale's documentation, not against our own models."""
    doc = _document(client)
    schemas = doc["components"]["schemas"]
    expected = {
        "CategorizationTaskCreate": {"attachment", "categories", "taxonomies"},
        "ImageannotationTaskCreate": {"attachment", "geometries", "annotation_attributes"},
        "TextcollectionTaskCreate": {"attachments", "fields"},
        "NamedentityrecognitionTaskCreate": {"text", "labels"},
        "ComparisonTaskCreate": {"attachments", "attachment_type"},
    }
    common = {"project", "batch", "callback_url", "instruction", "metadata", "unique_id", "tags"}
    for name, keys in expected.items():
        assert common | keys <= set(schemas[name]["properties"]), name
    assert schemas["CategorizationTaskCreate"]["properties"]["priority"] == {
        "default": 0,
        "maximum": 100,
        "minimum": 0,
        "title": "Priority",
        "type": "integer",
    }


def test_docs_page_is_served(client: TestClient) -> None:
    r = client.get("/docs")
    assert r.status_code == 200
    assert r.headers["content-type"].startswith("text/html")
    assert "swagger-ui" in r.text
    assert "/openapi.json" in r.text


@pytest.mark.slow  # about 20 s of CPU per backend
def test_schemathesis_finds_no_failure(client: TestClient, tenant: Tenant, api: Api) -> None:
    """Positive requests aimed partly at seeded objects, then negative ones, as the requester.

    20 positive and 10 negative examples per operation, derandomized: the same requests on
    every run. A failure names the operation and shows a curl command that reproduces it.
    """
    seeded = seed(api, tenant)
    doc = _document(client)
    with fuzz.released_apps():
        positive = fuzz.load(doc, client.app)
        fuzz.aim_at_seeded(positive, seeded)
        failures = fuzz.run(
            positive, GenerationMode.POSITIVE, key=tenant.requester_key, max_examples=20
        )
        negative = fuzz.load(doc, client.app)
        failures |= fuzz.run(
            negative, GenerationMode.NEGATIVE, key=tenant.requester_key, max_examples=10
        )
    assert not failures, "\n\n".join(f"{k}\n{v}" for k, v in failures.items())
    # Aimed at the seeded projects, some generated create bodies made tasks.
    listed = api.ok("GET", "/v1/tasks", params={"limit": 100})
    assert listed["total"] > len(seeded.task_ids)


BAD_CREDENTIALS: dict[str, dict[str, str]] = {
    "none": {},
    "unknown key": {"Authorization": fuzz.basic("live_not-a-key")},
    "unknown bearer": {"Authorization": "Bearer live_not-a-key"},
    "malformed basic": {"Authorization": "Basic %%%"},
    "other scheme": {"Authorization": "Digest username=x"},
}


def test_requests_without_a_valid_key_are_refused(client: TestClient, tenant: Tenant) -> None:
    """Generated requests with no key or a wrong one: 401 everywhere but the probes."""
    doc = _document(client)
    seen = []
    with fuzz.released_apps():
        # NUL in a body is refused (400) while parsing it, before the key is looked at.
        schema = fuzz.load(doc, client.app, allow_nul=False)
        for result in schema.get_all_operations():
            operation = result.ok()
            _refuse_bad_credentials(operation, (operation.method.upper(), operation.path))
            seen.append((operation.method.upper(), operation.path))
    assert sorted(seen) == sorted({**OPERATIONS, **PUBLIC, **LOGIN})


def _refuse_bad_credentials(operation: Any, key: tuple[str, str]) -> None:
    @fuzz.settings(3)
    @hypothesis.given(case=operation.as_strategy())
    def call(case: Any) -> None:
        for why, headers in BAD_CREDENTIALS.items():
            r = case.call(headers=headers)
            where = f"{operation.label} with {why} credentials"
            if key in PUBLIC:
                assert r.status_code == 200, where
                continue
            if key in LOGIN:  # the body's user name and password are checked, or refused
                assert r.status_code in (400, 401), f"{where}: {r.status_code} {r.text}"
                assert "www-authenticate" not in r.headers, where
                continue
            assert r.status_code == 401, f"{where}: {r.status_code} {r.text}"
            body = r.json()
            assert set(body) == ERROR_KEYS, where
            assert (body["status_code"], body["code"], body["details"]) == (
                401,
                "unauthenticated",
                [],
            ), where
            if key in SESSION and not headers:
                assert "www-authenticate" not in r.headers, where
            else:
                assert r.headers["www-authenticate"] == ['Basic realm="assay"'], where
            case.validate_response(r, checks=fuzz.CONFORMANCE)

    call()
