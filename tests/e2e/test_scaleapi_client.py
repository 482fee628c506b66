"""The official ``scaleapi`` client (2.18.4, unmodified) against a live ``assay serve``.

One server per backend serves the whole module; each test works in an organization of its own,
so no test sees another's projects, batches or tasks.
"""

from __future__ import annotations

import functools
import shutil
import threading
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest
import scaleapi
from scaleapi.batches import BatchStatus
from scaleapi.exceptions import (
    ScaleDuplicateResource,
    ScaleInvalidRequest,
    ScaleResourceNotFound,
    ScaleUnauthorized,
)
from scaleapi.tasks import TaskReviewStatus, TaskStatus, TaskType

import tests.conftest as conftest
from assay.context import Context
from tests.e2e.helpers import Http, complete, lease, poll, submit, verified
from tests.e2e.receiver import Receiver
from tests.factories import Tenant, make_tenant
from tests.live import LiveServer

pytestmark = pytest.mark.slow

PETS = {"instruction": "What animal is it?", "categories": ["cat", "dog"]}


@dataclass
class Shared:
    server: LiveServer
    ctx: Context


@pytest.fixture(scope="module")
def shared(
    backend: str, template: str, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Shared]:
    """A migrated database of this module's own, one live server on it, and a context."""
    root = tmp_path_factory.mktemp("scaleapi")
    pg_name = None
    if backend == "sqlite":
        shutil.copyfile(template, root / "assay.db")
        url = f"sqlite:///{root / 'assay.db'}"
    else:
        pg_name = f"assay_test_{uuid.uuid4().hex[:12]}"
        url = conftest.create_pg_database(pg_name, template=template)
    server = LiveServer(url, root / "data")
    ctx = Context.from_settings(conftest.test_settings(url, root / "data"), pool_size=2)
    try:
        server.start()
        yield Shared(server, ctx)
    finally:
        server.kill()
        ctx.close()
        if pg_name is not None:
            conftest.drop_pg_database(pg_name)


@dataclass
class Org:
    name: str
    tenant: Tenant
    ctx: Context
    url: str
    client: scaleapi.ScaleClient
    requester: Http  # plain HTTP as the requester
    worker: Http  # the organization's annotator

    def complete(self, project: str, task_id: str, response: dict[str, Any]) -> None:
        complete(self.worker, project, task_id, response)


@pytest.fixture
def org(shared: Shared) -> Iterator[Org]:
    """A fresh organization on the shared server, with the client bound to its requester."""
    name = f"org-{uuid.uuid4().hex[:10]}"
    tenant = make_tenant(shared.ctx, name)
    requester = Http(shared.server.url, tenant.requester_key)
    worker = Http(shared.server.url, tenant.annotator_key)
    yield Org(
        name=name,
        tenant=tenant,
        ctx=shared.ctx,
        url=shared.server.url,
        client=scaleapi.ScaleClient(
            tenant.requester_key, api_instance_url=shared.server.url + "/v1"
        ),
        requester=requester,
        worker=worker,
    )
    requester.close()
    worker.close()


def _categorize(org: Org, project: str = "pets", **extra: Any) -> Any:
    return org.client.create_task(
        TaskType.Categorization, project=project, attachment="https://example.com/a.jpg", **extra
    )


def test_projects_create_get_list_update(org: Org) -> None:
    c = org.client
    p = c.create_project("vision team/pets", TaskType.Categorization, params=PETS)
    assert (p.name, p.type, p.version, p.instruction) == (
        "vision team/pets",
        "categorization",
        0,
        "What animal is it?",
    )
    c.create_project("other", TaskType.NamedEntityRecognition)
    got = c.get_project("vision team/pets")
    assert got.as_dict()["params"] == PETS
    assert [x.name for x in c.projects()] == ["vision team/pets", "other"]

    with pytest.raises(ScaleDuplicateResource):
        c.create_project("vision team/pets", TaskType.Categorization, params=PETS)
    with pytest.raises(ScaleResourceNotFound):
        c.get_project("no such project")

    updated = c.update_project("vision team/pets", instruction="Which animal?")
    assert (updated.version, updated.instruction) == (1, "Which animal?")
    history = c.get_project("vision team/pets").as_dict()["param_history"]
    assert [h["version"] for h in history] == [0, 1]
    assert history[0]["params"] == PETS
    assert history[1]["params"] == {**PETS, "instruction": "Which animal?"}
    # The project's params are the defaults of its tasks.
    task = _categorize(org, project="vision team/pets")
    assert task.params["categories"] == ["cat", "dog"]
    assert task.instruction == "Which animal?"


def test_batches_lifecycle(org: Org) -> None:
    c = org.client
    c.create_project("pets", TaskType.Categorization, params=PETS)
    name = "week 1/day 2"
    b = c.create_batch("pets", name, metadata={"camera": "north"})
    assert (b.name, b.status, b.project, b.metadata) == (
        name,
        "staging",
        "pets",
        {"camera": "north"},
    )
    c.create_batch("pets", "later")
    assert c.get_batch(name).status == "staging"
    assert [x.name for x in c.get_batches(project_name="pets")] == [name, "later"]

    # The batch implies its project.
    t1 = c.create_task(TaskType.Categorization, batch=name, attachment="https://example.com/1.jpg")
    t2 = c.create_task(TaskType.Categorization, batch=name, attachment="https://example.com/2.jpg")
    assert (t1.batch, t1.project) == (name, "pets")
    assert c.batch_status(name) == {
        "status": "staging",
        "pending": 2,
        "completed": 0,
        "error": 0,
        "canceled": 0,
    }
    # A staging batch's tasks wait for finalize.
    assert org.worker.ok("POST", "/api/v1/queue/lease", json={"project": "pets"}) == {
        "assignment": None
    }
    assert c.finalize_batch(name).status == "in_progress"
    assert c.get_batch(name).status == "in_progress"

    c.cancel_task(t2.id)
    org.complete("pets", t1.id, {"category": "cat"})
    batch = c.get_batch(name)
    batch.get_status()
    assert (batch.status, batch.tasks_pending, batch.tasks_completed, batch.tasks_canceled) == (
        "completed",
        0,
        1,
        1,
    )
    assert c.set_batch_metadata(name, {"reviewed": True}).metadata == {"reviewed": True}
    assert c.get_batch(name).metadata == {"reviewed": True}
    completed = c.get_batches(project_name="pets", batch_status=BatchStatus.Completed)
    assert [x.name for x in completed] == [name]


IMAGE_PARAMS = {
    "attachment": "https://example.com/street.jpg",
    "geometries": {
        "box": {"objects_to_annotate": ["car", "person"], "min_width": 5, "min_height": 5},
        "polygon": {"objects_to_annotate": ["road"]},
        "line": {"objects_to_annotate": ["lane"]},
        "point": {"objects_to_annotate": ["head"]},
    },
    "annotation_attributes": {
        "occluded": {"type": "boolean"},
        "color": {"type": "category", "choices": ["red", "blue"], "labels": ["car"]},
    },
}
IMAGE_RESPONSE = {
    "annotations": [
        {
            "uuid": "b1",
            "type": "box",
            "label": "car",
            "left": 10,
            "top": 20,
            "width": 30,
            "height": 40,
            "attributes": {"occluded": False, "color": "red"},
        },
        {
            "uuid": "p1",
            "type": "polygon",
            "label": "road",
            "vertices": [{"x": 0, "y": 0}, {"x": 50, "y": 0}, {"x": 50, "y": 50}],
        },
        {
            "uuid": "l1",
            "type": "line",
            "label": "lane",
            "vertices": [{"x": 1, "y": 1}, {"x": 9, "y": 9}],
        },
        {"uuid": "h1", "type": "point", "label": "head", "x": 5, "y": 6},
    ]
}
TEXT_PARAMS = {
    "attachments": [{"type": "text", "content": "The sky is blue today."}],
    "fields": [
        {
            "type": "category",
            "field_id": "mood",
            "title": "Mood",
            "choices": [{"label": "Happy", "value": "happy"}, {"label": "Sad", "value": "sad"}],
        },
        {"type": "text", "field_id": "summary", "title": "Summary", "min_characters": 3},
    ],
}
NER_TEXT = "Ada Lovelace lived in London."

TYPES = {
    "categorization": (
        {"attachment": "https://example.com/cat.jpg", "categories": ["cat", "dog"]},
        {"category": "dog"},
        {"category": "dog"},
    ),
    "imageannotation": (IMAGE_PARAMS, IMAGE_RESPONSE, IMAGE_RESPONSE),
    "textcollection": (
        TEXT_PARAMS,
        {"annotations": {"mood": "happy", "summary": "Blue sky"}},
        {
            "annotations": {
                "mood": {"type": "category", "field_id": "mood", "response": [["happy"]]},
                "summary": {"type": "text", "field_id": "summary", "response": [["Blue sky"]]},
            }
        },
    ),
    "namedentityrecognition": (
        {"text": NER_TEXT, "labels": [{"name": "PERSON"}, {"name": "PLACE"}]},
        {
            "annotations": [
                {"start": 22, "end": 28, "label": "PLACE"},
                {"start": 0, "end": 12, "label": "PERSON"},
            ]
        },
        {
            "annotations": [
                {"id": "span-0", "start": 0, "end": 12, "label": "PERSON", "text": "Ada Lovelace"},
                {"id": "span-1", "start": 22, "end": 28, "label": "PLACE", "text": "London"},
            ]
        },
    ),
    "comparison": (
        {"prompt": "Which answer is clearer?", "attachments": ["Answer A", "Answer B"]},
        {"preferred": 1, "strength": 2, "rationale": "shorter"},
        {"preferred": 1, "strength": 2, "rationale": "shorter"},
    ),
}


def _within(given: Any, stored: Any) -> bool:
    """Every key given is stored with the same value (stored dicts may hold more keys)."""
    if isinstance(given, dict):
        return isinstance(stored, dict) and all(
            k in stored and _within(v, stored[k]) for k, v in given.items()
        )
    if isinstance(given, list):
        return (
            isinstance(stored, list)
            and len(given) == len(stored)
            and all(_within(g, s) for g, s in zip(given, stored, strict=True))
        )
    return bool(given == stored)


@pytest.mark.parametrize("task_type", list(TYPES))
def test_each_task_type_round_trip(org: Org, task_type: str) -> None:
    params, response, expected = TYPES[task_type]
    c = org.client
    c.create_project("p", TaskType(task_type))
    task = c.create_task(
        TaskType(task_type), project="p", metadata={"k": task_type}, tags=["e2e"], **params
    )
    got = c.get_task(task.id)
    assert (got.type, got.status, got.project, got.metadata, got.tags) == (
        task_type,
        "pending",
        "p",
        {"k": task_type},
        ["e2e"],
    )
    # Stored params are the given ones with the type's defaults filled in.
    assert _within(params, got.params), got.params
    assert "response" not in got.as_dict()

    org.complete("p", task.id, response)
    done = c.get_task(task.id)
    assert done.status == "completed"
    assert done.response == expected
    assert done.completed_at >= done.created_at


def test_tasks_paging_generator_and_count(org: Org) -> None:
    c = org.client
    c.create_project("pets", TaskType.Categorization, params=PETS)
    c.create_project("elsewhere", TaskType.Categorization, params=PETS)
    created = [_categorize(org, metadata={"n": i}).id for i in range(5)]
    _categorize(org, project="elsewhere")

    seen: list[str] = []
    token = None
    for _ in range(10):  # 5 pages expected; bounded in case paging never ends
        page = c.tasks(project="pets", limit=1, next_token=token)
        assert (page.total, page.limit, len(page.docs)) == (5, 1, 1)
        seen += [t.id for t in page.docs]
        if not page.has_more:
            assert page.next_token is None
            break
        token = page.next_token
    assert seen == created
    assert len(set(seen)) == 5

    assert [t.id for t in c.get_tasks(project_name="pets")] == created
    assert [t.id for t in c.get_tasks(project_name="pets", limit=2)] == created
    assert [t.metadata["n"] for t in c.get_tasks(project_name="pets", limit=3)] == [0, 1, 2, 3, 4]
    assert c.get_tasks_count(project_name="pets") == 5
    assert c.get_tasks_count(project_name="elsewhere") == 1


def test_task_filters(org: Org) -> None:
    c = org.client
    c.create_project("pets", TaskType.Categorization, params=PETS)
    c.create_batch("pets", "b1")
    first = _categorize(org, tags=["red", "big"], unique_id="u-1")
    between = datetime.now(UTC).strftime("%Y-%m-%d %H:%M:%S.%f")
    second = _categorize(org, tags=["red"], unique_id="u-2")
    third = _categorize(org, batch="b1")
    c.finalize_batch("b1")
    org.complete("pets", first.id, {"category": "cat"})
    c.audit_task(first.id, True)

    def ids(**kw: Any) -> list[str]:
        return [t.id for t in c.get_tasks(project_name="pets", **kw)]

    assert ids(status=TaskStatus.Completed) == [first.id]
    assert ids(status=TaskStatus.Pending) == [second.id, third.id]
    assert ids(tags=["red"]) == [first.id, second.id]
    assert ids(tags=["red", "big"]) == [first.id]
    assert ids(unique_id=["u-2", "u-1"]) == [first.id, second.id]
    assert ids(created_after=between) == [second.id, third.id]
    assert ids(created_before=between) == [first.id]
    assert ids(completed_after=between) == [first.id]
    assert ids(review_status=TaskReviewStatus.Accepted) == [first.id]
    assert ids(review_status=[TaskReviewStatus.Rejected]) == []
    assert ids(task_type=TaskType.Categorization) == [first.id, second.id, third.id]
    assert [t.id for t in c.get_tasks(batch_name="b1")] == [third.id]
    assert c.get_tasks_count(project_name="pets", tags=["red"]) == 2


def test_cancel_then_cancel_again(org: Org) -> None:
    c = org.client
    c.create_project("pets", TaskType.Categorization, params=PETS)
    task = _categorize(org, unique_id="once")
    canceled = c.cancel_task(task.id)
    assert canceled.status == "canceled"
    with pytest.raises(ScaleInvalidRequest) as exc:
        c.cancel_task(task.id)
    assert exc.value.message == "task is canceled; only pending tasks can be canceled"
    assert c.get_task(task.id).status == "canceled"
    # The canceled task holds its unique_id until cancel clears it.
    with pytest.raises(ScaleDuplicateResource):
        _categorize(org, unique_id="once")
    other = _categorize(org, unique_id="twice")
    assert "unique_id" not in c.cancel_task(other.id, clear_unique_id=True).as_dict()
    assert _categorize(org, unique_id="twice").unique_id == "twice"


def test_metadata_tags_and_unique_id(org: Org) -> None:
    c = org.client
    c.create_project("pets", TaskType.Categorization, params=PETS)
    task = _categorize(org, metadata={"a": 1})
    assert c.set_task_metadata(task.id, {"b": [1, 2]}).metadata == {"b": [1, 2]}
    assert c.get_task(task.id).metadata == {"b": [1, 2]}

    assert sorted(c.set_task_tags(task.id, ["x", "y"]).tags) == ["x", "y"]
    assert sorted(c.add_task_tags(task.id, ["z"]).tags) == ["x", "y", "z"]
    assert sorted(c.delete_task_tags(task.id, ["x"]).tags) == ["y", "z"]
    assert sorted(c.get_task(task.id).tags) == ["y", "z"]

    assert c.update_task_unique_id(task.id, "uid-1").unique_id == "uid-1"
    assert c.get_task(task.id).unique_id == "uid-1"
    with pytest.raises(ScaleDuplicateResource):
        _categorize(org, unique_id="uid-1")
    other = _categorize(org)
    with pytest.raises(ScaleInvalidRequest) as exc:
        c.update_task_unique_id(other.id, "uid-1")
    assert "unique_id" in exc.value.message
    cleared = c.clear_task_unique_id(task.id)
    assert "unique_id" not in cleared.as_dict()
    assert "unique_id" not in c.get_task(task.id).as_dict()
    assert _categorize(org, unique_id="uid-1").unique_id == "uid-1"


def test_wrong_key_is_unauthorized(org: Org) -> None:
    for key in ("live_" + "0" * 40, "not-a-key"):
        stranger = scaleapi.ScaleClient(key, api_instance_url=org.url + "/v1")
        with pytest.raises(ScaleUnauthorized):
            stranger.projects()
    c = org.client
    c.create_project("pets", TaskType.Categorization, params=PETS)
    task = _categorize(org)
    # Another organization's key does not see this one's task.
    other = make_tenant(org.ctx, org.name + "-other")
    outsider = scaleapi.ScaleClient(other.requester_key, api_instance_url=org.url + "/v1")
    with pytest.raises(ScaleResourceNotFound):
        outsider.get_task(task.id)


def test_bad_params_name_the_field(org: Org) -> None:
    c = org.client
    c.create_project("pets", TaskType.Categorization)
    c.create_project("boxes", TaskType.ImageAnnotation)
    with pytest.raises(ScaleInvalidRequest) as exc:
        c.create_task(TaskType.Categorization, project="pets", categories=["a", "b"])
    assert exc.value.message == "attachment: field required"
    with pytest.raises(ScaleInvalidRequest) as exc:
        c.create_task(
            TaskType.ImageAnnotation,
            project="boxes",
            attachment="https://example.com/a.jpg",
            geometries={"box": {"objects_to_annotate": []}},
        )
    assert "geometries.box.objects_to_annotate" in exc.value.message
    with pytest.raises(ScaleInvalidRequest) as exc:
        _categorize(org, categories=["a"], priority="high")
    assert "priority" in exc.value.message
    with pytest.raises(ScaleInvalidRequest) as exc:
        c.create_task(TaskType.ImageAnnotation, project="pets", attachment="https://x/1.jpg")
    assert "categorization" in exc.value.message
    with pytest.raises(ScaleResourceNotFound):
        _categorize(org, project="missing", categories=["a"])
    assert c.get_tasks_count(project_name="pets") == 0


@pytest.fixture
def static_server(tmp_path: Path) -> Iterator[str]:
    """A plain file server on 127.0.0.1 serving ``tmp_path/static``."""
    root = tmp_path / "static"
    root.mkdir()

    class Quiet(SimpleHTTPRequestHandler):
        def log_message(self, format: str, *args: Any) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(Quiet, directory=str(root)))
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05})
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()
    thread.join(timeout=5)


def test_upload_and_import_files(org: Org, tmp_path: Path, static_server: str) -> None:
    c = org.client
    photo = tmp_path / "photo.png"
    photo.write_bytes(b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 4)
    with photo.open("rb") as f:
        uploaded = c.upload_file(f, display_name="a photo", reference_id="ref-1")
    doc = uploaded.as_dict()
    assert (doc["filename"], doc["display_name"], doc["reference_id"], doc["size"]) == (
        "photo.png",
        "a photo",
        "ref-1",
        photo.stat().st_size,
    )
    got = org.requester.request("GET", uploaded.attachment_url)
    assert got.status_code == 200
    assert got.content == photo.read_bytes()

    (tmp_path / "static" / "notes.txt").write_bytes(b"imported over http\n")
    imported = c.import_file(f"{static_server}/notes.txt", display_name="notes")
    assert imported.as_dict()["filename"] == "notes.txt"
    got = org.requester.request("GET", imported.attachment_url)
    assert (got.status_code, got.content) == (200, b"imported over http\n")
    with pytest.raises(ScaleInvalidRequest) as exc:
        c.import_file(f"{static_server}/missing.txt")
    assert "404" in exc.value.message

    # The file is usable as a task attachment.
    c.create_project("pets", TaskType.Categorization, params=PETS)
    task = c.create_task(
        TaskType.Categorization, project="pets", attachment=uploaded.attachment_url
    )
    assert task.params["attachment"] == uploaded.attachment_url


def test_audit_completed_task(org: Org) -> None:
    c = org.client
    c.create_project("pets", TaskType.Categorization, params=PETS)
    pending = _categorize(org)
    task = _categorize(org)
    with pytest.raises(ScaleInvalidRequest):
        c.audit_task(pending.id, True)
    org.complete("pets", pending.id, {"category": "dog"})
    org.complete("pets", task.id, {"category": "cat"})
    c.audit_task(task.id, False, "that is a dog")
    got = c.get_task(task.id)
    assert got.customer_review_status == "rejected"
    [audit] = got.audits
    assert (audit["audit_result"], audit["audit_source"], audit["comments"]) == (
        "rejected",
        "customer",
        "that is a dog",
    )
    assert audit["audited_by"] == f"{org.name}-requester"
    assert "customer_review_status" not in c.get_task(pending.id).as_dict()


def test_callback_is_signed_and_recorded(org: Org) -> None:
    c = org.client
    c.create_project("pets", TaskType.Categorization, params=PETS)
    with Receiver().start() as receiver:
        task = _categorize(org, callback_url=receiver.url("/hook"), metadata={"m": 1})
        assert task.callback_url == receiver.url("/hook")
        assert "callback_succeeded" not in task.as_dict()
        org.complete("pets", task.id, {"category": "cat"})
        [request] = receiver.wait_for(1)
        body = verified(org.ctx, org.name, request)
        assert (request.method, request.path) == ("POST", "/hook")
        assert set(body) == {"task", "response", "task_id", "status"}
        assert (body["task_id"], body["status"], body["response"]) == (
            task.id,
            "completed",
            {"category": "cat"},
        )
        assert body["task"]["task_id"] == task.id
        assert body["task"]["metadata"] == {"m": 1}
        assert body["task"]["response"] == {"category": "cat"}
        done = poll(
            "callback_succeeded",
            lambda: c.get_task(task.id).as_dict(),
            lambda t: t.get("callback_succeeded") is True,
            30,
        )
        [attempt] = done["callback_attempts"]
        assert (attempt["attempt"], attempt["url"], attempt["status_code"], attempt["error"]) == (
            1,
            receiver.url("/hook"),
            200,
            None,
        )
        assert len(receiver.requests) == 1


def test_evaluation_and_training_tasks(org: Org) -> None:
    """The client's create_evaluation_task / create_training_task make gold and training
    tasks: served to annotators, scored, never listed with the requester's tasks."""
    c = org.client
    c.create_project("pets", TaskType.Categorization, params=PETS)
    gold = c.create_evaluation_task(
        TaskType.Categorization,
        project="pets",
        attachment="https://example.com/g.jpg",
        expected_response={"category": "cat"},
    )
    training = c.create_training_task(
        TaskType.Categorization,
        project="pets",
        attachment="https://example.com/t.jpg",
        expected_response={"category": "dog"},
        explanation="Dogs pant.",
    )
    assert gold.expected_response == {"category": "cat"}
    assert training.as_dict()["explanation"] == "Dogs pant."
    with pytest.raises(ScaleInvalidRequest, match="expected_response"):
        c.create_evaluation_task(
            TaskType.Categorization,
            project="pets",
            attachment="https://example.com/g.jpg",
            expected_response={"category": "owl"},
        )
    assert list(c.get_tasks(project_name="pets")) == []
    org.requester.ok("PATCH", "/api/v1/projects/pets", json={"quality": {"qualification_tasks": 1}})
    assignment = lease(org.worker, "pets")
    assert assignment["task"]["task_id"] == training.id
    answer = submit(org.worker, assignment, {"category": "dog"})
    assert answer["feedback"]["correct"] is True
    assert answer["feedback"]["explanation"] == "Dogs pant."
