"""The review stage (label -> review) and idempotent submits, through /api/v1, on both backends."""

from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy import func, select

from assay.accounts import service as accounts
from assay.accounts.model import Role
from assay.context import Context
from assay.queue.workflow import Stage, Workflow
from assay.storage.repos import projects as projects_repo
from assay.storage.tables import assignments, judgments, reviews
from tests.factories import Api, Tenant, user_key

PETS = {"categories": ["cat", "dog"]}
REVIEWED = Workflow((Stage("label"), Stage("review", kind="review")))


@pytest.fixture
def pets(api: Api, ctx: Context) -> Api:
    project = api.project("pets", "categorization", PETS)
    with ctx.db.write() as conn:
        row = projects_repo.get_project(conn, scope=_scope(api, ctx), name=project["name"])
        assert row is not None
        projects_repo.update_project(
            conn, project_id=row.id, values={"workflow": REVIEWED.to_json()}
        )
    return api


def _scope(api: Api, ctx: Context) -> Any:
    return accounts.authenticate_key(ctx.db, api.key).scope


@pytest.fixture
def alice(api: Api, tenant: Tenant) -> Api:
    return api.as_key(tenant.annotator_key)


@pytest.fixture
def bob(api: Api, tenant: Tenant, ctx: Context) -> Api:
    return api.as_key(tenant.annotator(ctx, "bob"))


@pytest.fixture
def rita(api: Api, tenant: Tenant, ctx: Context) -> Api:
    return api.as_key(user_key(ctx, tenant.name, "rita", Role.REVIEWER))


def _task(api: Api, **extra: Any) -> str:
    created = api.task("categorization", project="pets", attachment="https://x/1.jpg", **extra)
    return str(created["task_id"])


def _review(worker: Api, assignment: dict[str, Any], **body: Any) -> Any:
    return worker.post(
        f"/api/v1/assignments/{assignment['id']}/review",
        json={"lease_token": assignment["lease_token"], **body},
    )


def _error(r: Any, status: int, code: str) -> str:
    assert r.status_code == status, r.text
    assert r.json()["code"] == code
    return str(r.json()["error"])


def _label(worker: Api, category: str) -> dict[str, Any]:
    a = worker.lease("pets")
    assert a is not None
    assert a["kind"] == "label"
    r = worker.submit(a, {"category": category})
    assert r.status_code == 200, r.text
    assert r.json()["task_status"] == "pending"  # waiting for review, not completed
    return dict(a)


def _count(ctx: Context, table: Any, *where: Any) -> int:
    with ctx.db.read() as conn:
        return int(conn.execute(select(func.count()).select_from(table).where(*where)).scalar_one())


def test_labeled_work_waits_for_review_and_accept_completes_it(
    pets: Api, alice: Api, rita: Api, ctx: Context
) -> None:
    tid = _task(pets)
    _label(alice, "cat")
    queue = rita.ok("GET", "/api/v1/queue")[0]
    assert queue["stages"] == [
        {"stage": "label", "kind": "label", "available": 0, "leased": 0},
        {"stage": "review", "kind": "review", "available": 1, "leased": 0},
    ]
    # Annotators do not do review work.
    _error(
        alice.post("/api/v1/queue/lease", json={"project": "pets", "stage": "review"}),
        403,
        "permission_denied",
    )
    a = rita.lease("pets", stage="review")
    assert a["kind"] == "review"
    assert a["task"]["task_id"] == tid
    assert a["review"]["response"] == {"category": "cat"}
    assert [(j["annotator"], j["response"]) for j in a["review"]["judgments"]] == [
        ("acme-annotator", {"category": "cat"})
    ]
    r = _review(rita, a, action="accept", time_spent_ms=1500)
    assert r.status_code == 200, r.text
    assert r.json()["task_status"] == "completed"
    assert r.json()["action"] == "accept"
    task = pets.ok("GET", f"/v1/task/{tid}")
    assert task["status"] == "completed"
    assert task["response"] == {"category": "cat"}
    with ctx.db.read() as conn:
        row = conn.execute(select(reviews)).one()
    assert (row.action, row.original, row.response, row.diff) == (
        "accept",
        {"category": "cat"},
        None,
        None,
    )
    assert row.time_spent_ms == 1500


def test_fix_completes_with_the_fixed_response_and_stores_the_diff(
    pets: Api, alice: Api, rita: Api, ctx: Context
) -> None:
    tid = _task(pets)
    _label(alice, "cat")
    a = rita.lease("pets", stage="review")
    _error(_review(rita, a, action="fix"), 400, "invalid")  # a fix needs its response
    _error(_review(rita, a, action="fix", response={"category": "horse"}), 400, "invalid")
    r = _review(rita, a, action="fix", response={"category": "dog"})
    assert r.status_code == 200, r.text
    assert pets.ok("GET", f"/v1/task/{tid}")["response"] == {"category": "dog"}
    with ctx.db.read() as conn:
        row = conn.execute(select(reviews)).one()
    assert row.diff == [{"path": "category", "op": "replace", "before": "cat", "after": "dog"}]
    assert row.response == {"category": "dog"}
    assert row.original == {"category": "cat"}
    # The fix is a judgment of the review stage; the label judgment still counts.
    assert _count(ctx, judgments, judgments.c.stage == "review") == 1
    assert _count(ctx, judgments, judgments.c.superseded_at.is_(None)) == 2


def test_reject_sends_the_work_back_to_its_labeler_with_the_comment(
    pets: Api, alice: Api, bob: Api, rita: Api, ctx: Context
) -> None:
    tid = _task(pets)
    _task(pets)  # other work waiting: the rework must still come first
    _label(alice, "cat")
    a = rita.lease("pets", stage="review")
    _error(_review(rita, a, action="reject"), 400, "invalid")  # a reject needs a comment
    _error(_review(rita, a, action="reject", comment="   "), 400, "invalid")
    r = _review(rita, a, action="reject", comment="That is a dog: look at the ears")
    assert r.status_code == 200, r.text
    assert r.json()["task_status"] == "pending"
    assert _count(ctx, judgments, judgments.c.superseded_at.is_not(None)) == 1
    # Bob gets the other task, never the rework reserved for alice.
    b = bob.lease("pets")
    assert b["task"]["task_id"] != tid
    assert "feedback" not in b
    again = alice.lease("pets")
    assert again["task"]["task_id"] == tid
    assert again["feedback"]["comment"] == "That is a dog: look at the ears"
    assert again["feedback"]["reviewer"] == "rita"
    assert again["feedback"]["response"] == {"category": "cat"}
    assert alice.submit(again, {"category": "dog"}).json()["task_status"] == "pending"
    # The same reviewer may review the reworked task; it now shows only the new judgment.
    second = rita.lease("pets", stage="review")
    assert second["task"]["task_id"] == tid
    assert second["review"]["response"] == {"category": "dog"}
    assert len(second["review"]["judgments"]) == 1
    assert _review(rita, second, action="accept").json()["task_status"] == "completed"
    assert pets.ok("GET", f"/v1/task/{tid}")["response"] == {"category": "dog"}


def test_nobody_reviews_their_own_labels(pets: Api, ctx: Context, tenant: Tenant) -> None:
    _task(pets)
    _label(pets, "cat")  # the requester labels ...
    assert pets.lease("pets", stage="review") is None  # ... and cannot review it
    admin = pets.as_key(tenant.admin_key)
    assert admin.lease("pets", stage="review") is not None


def test_review_and_label_endpoints_are_not_interchangeable(
    pets: Api, alice: Api, rita: Api
) -> None:
    _task(pets)
    _task(pets)
    a = alice.lease("pets")
    _error(_review(alice, a, action="accept"), 403, "permission_denied")
    _error(_review(rita, a, action="accept"), 409, "lease_expired")  # not rita's lease
    alice.submit(a, {"category": "cat"})
    r = rita.lease("pets", stage="review")
    _error(rita.submit(r, {"category": "cat"}), 400, "invalid")
    # The refused submit changed nothing: the review still goes through.
    assert _review(rita, r, action="accept").status_code == 200
    _error(
        pets.post("/api/v1/queue/lease", json={"project": "pets", "stage": "qa"}), 400, "invalid"
    )


def test_a_retried_submit_with_its_idempotency_key_is_applied_once(
    pets: Api, alice: Api, ctx: Context
) -> None:
    tid = _task(pets)
    a = alice.lease("pets")
    body = {"lease_token": a["lease_token"], "response": {"category": "cat"}}
    url = f"/api/v1/assignments/{a['id']}/submit"
    first = alice.post(url, json=body, headers={"Idempotency-Key": "k-1"})
    assert first.status_code == 200, first.text
    retry = alice.post(url, json=body, headers={"Idempotency-Key": "k-1"})
    assert retry.status_code == 200, retry.text
    assert {k: retry.json()[k] for k in ("id", "status", "task_id", "task_status")} == {
        "id": a["id"],
        "status": "submitted",
        "task_id": tid,
        "task_status": "pending",
    }
    assert _count(ctx, judgments, judgments.c.task_id == tid) == 1
    # Another key, or none, is a second submit of the same assignment: refused.
    _error(alice.post(url, json=body, headers={"Idempotency-Key": "k-2"}), 409, "conflict")
    _error(alice.post(url, json=body), 409, "conflict")
    # Someone else replaying the key gets no success.
    _error(pets.post(url, json=body, headers={"Idempotency-Key": "k-1"}), 409, "conflict")
    _error(alice.post(url, json=body, headers={"Idempotency-Key": "x" * 129}), 400, "invalid")
    assert _count(ctx, assignments, assignments.c.submit_key == "k-1") == 1


def test_a_retried_review_is_applied_once(pets: Api, alice: Api, rita: Api, ctx: Context) -> None:
    _task(pets)
    _label(alice, "cat")
    a = rita.lease("pets", stage="review")
    url = f"/api/v1/assignments/{a['id']}/review"
    body = {"lease_token": a["lease_token"], "action": "reject", "comment": "no"}
    for _ in range(2):
        r = rita.post(url, json=body, headers={"Idempotency-Key": "r-1"})
        assert r.status_code == 200, r.text
        assert r.json()["action"] == "reject"
    assert _count(ctx, reviews) == 1
    assert _count(ctx, assignments, assignments.c.reserved_for.is_not(None)) == 1
