"""Objects for generated requests to hit: a project per task type, tasks, batches, a file, a lease.

Everything is made through the API with the requester key, as a customer would.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from tests.factories import Api, Tenant

# Complete params per task type: a generated create body naming the project needs nothing else.
PROJECT_PARAMS: dict[str, dict[str, Any]] = {
    "categorization": {
        "attachment": "https://example.com/cat.jpg",
        "categories": ["cat", "dog"],
    },
    "imageannotation": {
        "attachment": "https://example.com/street.jpg",
        "geometries": {"box": {"objects_to_annotate": ["car", "person"]}},
    },
    "textcollection": {
        "fields": [{"type": "text", "field_id": "caption", "title": "Caption"}],
    },
    "namedentityrecognition": {
        "text": "Ada Lovelace was born in London.",
        "labels": [{"name": "PERSON"}, {"name": "PLACE"}],
    },
    "comparison": {"attachments": ["first answer", "second answer"]},
}


@dataclass
class Seeded:
    """Names and ids that exist, by what they name."""

    projects: dict[str, str] = field(default_factory=dict)  # task type -> project name
    batches: list[str] = field(default_factory=list)
    task_ids: list[str] = field(default_factory=list)
    file_ids: list[str] = field(default_factory=list)
    assignment_ids: list[int] = field(default_factory=list)
    lease_tokens: list[str] = field(default_factory=list)
    # Keys the requester may revoke, and the key the run calls with (never to be revoked).
    key_ids: list[int] = field(default_factory=list)
    calling_key_id: int = 0

    @property
    def project_names(self) -> list[str]:
        return list(self.projects.values())


def seed(api: Api, tenant: Tenant) -> Seeded:
    out = Seeded()
    for task_type, params in PROJECT_PARAMS.items():
        # One name with a slash and a space: path parameters must be percent-encoded.
        name = "pets/in a box" if task_type == "categorization" else f"{task_type}-project"
        api.project(name, task_type, params)
        out.projects[task_type] = name
    pets = out.projects["categorization"]

    api.ok("POST", "/v1/batches", json={"project": pets, "name": "staging-batch"})
    api.ok("POST", "/v1/batches", json={"project": pets, "name": "live-batch"})
    out.batches += ["staging-batch", "live-batch"]

    for i, (task_type, name) in enumerate(out.projects.items()):
        plain = api.task(task_type, project=name)
        tagged = api.task(
            task_type,
            project=name,
            unique_id=f"uid-{i}",
            tags=["seed", task_type],
            metadata={"n": i},
        )
        out.task_ids += [plain["task_id"], tagged["task_id"]]
    for batch in out.batches:
        out.task_ids.append(api.task("categorization", project=pets, batch=batch)["task_id"])
    api.ok("POST", "/v1/batches/live-batch/finalize")

    # A completed task (so audits can succeed) and a lease the requester holds.
    worker = api.as_key(tenant.annotator_key)
    done = worker.lease(pets)
    r = worker.submit(done, {"category": "cat"})
    assert r.status_code == 200, r.text
    held = api.lease(pets)
    out.assignment_ids += [done["id"], held["id"]]
    out.lease_tokens.append(held["lease_token"])

    upload = api.ok(
        "POST", "/v1/files/upload", files={"file": ("notes.txt", b"hello", "text/plain")}
    )
    out.file_ids.append(upload["id"])

    spare = api.post("/api/v1/keys", json={"name": "spare", "environment": "test"})
    assert spare.status_code == 201, spare.text
    out.key_ids.append(spare.json()["id"])
    keys = api.ok("GET", "/api/v1/keys")["items"]
    out.calling_key_id = next(k["id"] for k in keys if k["prefix"] == api.key[:12])
    return out
